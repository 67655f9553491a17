#include "sim/sweep/member_file.hpp"

#include <hdf5.h>

#include <cstdint>
#include <filesystem>

namespace gs {
namespace {

// Opens read-only with HDF5's error printing off; closes on scope exit.
struct ReadOnlyFile {
  hid_t id = -1;
  explicit ReadOnlyFile(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return;
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    if (H5Fis_hdf5(path.c_str()) > 0) id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  }
  ~ReadOnlyFile() {
    if (id >= 0) H5Fclose(id);
  }
};

}  // namespace

bool member_file_complete(const std::string& path) {
  ReadOnlyFile f(path);
  if (f.id < 0 || H5Aexists(f.id, "complete") <= 0) return false;
  const hid_t attr = H5Aopen(f.id, "complete", H5P_DEFAULT);
  if (attr < 0) return false;
  std::int64_t value = 0;
  const herr_t rc = H5Aread(attr, H5T_NATIVE_INT64, &value);
  H5Aclose(attr);
  return rc >= 0 && value == 1;
}

std::string member_file_scenario(const std::string& path) {
  ReadOnlyFile f(path);
  if (f.id < 0 || H5Aexists(f.id, "scenario_yaml") <= 0) return "";
  const hid_t attr = H5Aopen(f.id, "scenario_yaml", H5P_DEFAULT);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  char* data = nullptr;
  std::string out;
  if (attr >= 0 && H5Aread(attr, type, &data) >= 0 && data) {
    out = data;
    H5free_memory(data);
  }
  H5Tclose(type);
  if (attr >= 0) H5Aclose(attr);
  return out;
}

}  // namespace gs
