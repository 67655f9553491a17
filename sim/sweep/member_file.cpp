#include "sim/sweep/member_file.hpp"

#include <hdf5.h>

#include <cstdint>
#include <filesystem>

#include "sim/io/hdf5_handle.hpp"

namespace gs {
namespace {

using hdf5::Handle;

// Opens read-only with HDF5's error printing off; not valid() when it is not
// a readable HDF5 file.
Handle open_read_only(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return {-1, H5Fclose};
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  return {H5Fis_hdf5(path.c_str()) > 0 ? H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT) : -1, H5Fclose};
}

}  // namespace

bool member_file_complete(const std::string& path) {
  const Handle file = open_read_only(path);
  if (!file.valid() || H5Aexists(file, "complete") <= 0) return false;
  const Handle attr(H5Aopen(file, "complete", H5P_DEFAULT), H5Aclose);
  std::int64_t value = 0;
  return attr.valid() && H5Aread(attr, H5T_NATIVE_INT64, &value) >= 0 && value == 1;
}

std::string member_file_scenario(const std::string& path) {
  const Handle file = open_read_only(path);
  if (!file.valid() || H5Aexists(file, "scenario_yaml") <= 0) return "";
  const Handle attr(H5Aopen(file, "scenario_yaml", H5P_DEFAULT), H5Aclose);
  const Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  char* data = nullptr;
  std::string out;
  if (attr.valid() && H5Aread(attr, type, &data) >= 0 && data) {
    out = data;
    H5free_memory(data);
  }
  return out;
}

}  // namespace gs
