#include "sim/io/read.hpp"

#include <hdf5.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "sim/core/input_error.hpp"
#include "sim/core/text_checks.hpp"
#include "sim/io/hdf5_handle.hpp"

namespace gs {
namespace {

using hdf5::Handle;

std::string not_output_hint(const std::string& path) {
  return path + ": not a Groundswell output file (written by 'groundswell run' or a sweep)";
}

// Opens read-only after checking it is there and is HDF5, so a foreign or
// truncated file gets a message rather than HDF5's error stack.
hid_t open_file(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported by us, once
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw InputError(path + ": no such file");
  if (std::filesystem::is_directory(path, ec)) throw InputError(path + ": is a directory, not an output file");
  require_regular_file(path, "an output file (HDF5)");  // H5Fis_hdf5 on a FIFO blocks forever
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 <= 0) throw InputError(path + ": not an HDF5 file (or unreadable)");
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) throw InputError(path + ": HDF5 cannot open it (truncated or damaged file?)");
  return file;
}

bool has_attribute(hid_t where, const char* name) { return H5Aexists(where, name) > 0; }

std::string text_attribute(hid_t where, const std::string& path, const char* name, bool required) {
  if (!has_attribute(where, name)) {
    if (required) throw InputError(not_output_hint(path) + ": attribute '" + name + "' is missing");
    return "";
  }
  const auto attr =
      Handle::read(H5Aopen(where, name, H5P_DEFAULT), H5Aclose, path, std::string("cannot open attribute ") + name);
  const auto ftype =
      Handle::read(H5Aget_type(attr), H5Tclose, path, std::string("cannot read the type of attribute ") + name);
  if (H5Tget_class(ftype) != H5T_STRING)
    throw InputError(not_output_hint(path) + ": attribute '" + name + "' is not text");
  if (H5Tis_variable_str(ftype) > 0) {
    const auto mtype = Handle::read(H5Tcopy(H5T_C_S1), H5Tclose, path, "cannot make a string type");
    H5Tset_size(mtype, H5T_VARIABLE);
    H5Tset_cset(mtype, H5Tget_cset(ftype));
    char* data = nullptr;
    if (H5Aread(attr, mtype, &data) < 0) throw InputError(path + ": cannot read attribute " + name);
    std::string out = data ? data : "";
    H5free_memory(data);
    return out;
  }
  const std::size_t size = H5Tget_size(ftype);
  std::string out(size, '\0');
  if (H5Aread(attr, ftype, out.data()) < 0) throw InputError(path + ": cannot read attribute " + name);
  out.resize(std::min(out.find('\0'), out.size()));
  return out;
}

std::int64_t integer_attribute(hid_t where, const std::string& path, const char* name, bool required) {
  if (!has_attribute(where, name)) {
    if (required) throw InputError(not_output_hint(path) + ": attribute '" + name + "' is missing");
    return 0;
  }
  const auto attr =
      Handle::read(H5Aopen(where, name, H5P_DEFAULT), H5Aclose, path, std::string("cannot open attribute ") + name);
  std::int64_t value = 0;
  if (H5Aread(attr, H5T_NATIVE_INT64, &value) < 0)
    throw InputError(path + ": cannot read attribute " + name + " as an integer");
  return value;
}

// A [replicate, step, neighbourhood] series (output.neighbourhoods): read
// with h5py or xarray, not by the CLI's commands, which take [replicate, step].
// Anything else stays listed, so a damaged dataset is still reported on reading.
bool per_neighbourhood(hid_t group, const std::string& name) {
  const Handle ds(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.valid()) return false;
  const Handle space(H5Dget_space(ds), H5Sclose);
  return space.valid() && H5Sget_simple_extent_ndims(space) == 3;
}

std::vector<std::string> list_metrics(hid_t group, const std::string& path) {
  H5G_info_t info;
  if (H5Gget_info(group, &info) < 0) throw InputError(path + ": cannot list /timeseries");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t len = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (len < 0) throw InputError(path + ": cannot list /timeseries");
    std::string name(static_cast<std::size_t>(len) + 1, '\0');
    H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(len));
    if (name == "step" || name == "replicate" || per_neighbourhood(group, name)) continue;
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

OutputInfo read_info(hid_t file, const std::string& path) {
  OutputInfo info;
  info.path = path;
  info.software = text_attribute(file, path, "software", true);
  info.scenario_yaml = text_attribute(file, path, "scenario_yaml", true);
  info.scenario_name = text_attribute(file, path, "scenario_name", false);
  info.model = text_attribute(file, path, "model", false);
  info.graph = text_attribute(file, path, "graph", false);
  info.seed = static_cast<std::uint64_t>(integer_attribute(file, path, "seed", true));
  info.steps = static_cast<std::uint32_t>(integer_attribute(file, path, "steps", true));
  info.replicates = static_cast<std::uint32_t>(integer_attribute(file, path, "replicates", true));
  info.graph_nodes = integer_attribute(file, path, "graph_nodes", false);
  info.graph_edges = integer_attribute(file, path, "graph_edges", false);
  if (H5Lexists(file, "timeseries", H5P_DEFAULT) <= 0)
    throw InputError(not_output_hint(path) + ": no /timeseries group");
  const auto group = Handle::read(H5Gopen2(file, "timeseries", H5P_DEFAULT), H5Gclose, path, "cannot open /timeseries");
  info.metrics = list_metrics(group, path);
  return info;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

OutputInfo read_output_info(const std::string& path) {
  const auto file = Handle::read(open_file(path), H5Fclose, path, "cannot open");
  return read_info(file, path);
}

MetricData read_metric(const std::string& path, const std::string& metric) {
  const auto file = Handle::read(open_file(path), H5Fclose, path, "cannot open");
  const OutputInfo info = read_info(file, path);
  if (std::find(info.metrics.begin(), info.metrics.end(), metric) == info.metrics.end()) {
    const std::string hint = did_you_mean(metric, info.metrics);
    throw InputError(path + ": no metric '" + metric + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                     "; this file has: " + join(info.metrics));
  }
  const std::string where = "/timeseries/" + metric;
  const auto ds = Handle::read(H5Dopen2(file, where.c_str(), H5P_DEFAULT), H5Dclose, path, "cannot open " + where);
  const auto space = Handle::read(H5Dget_space(ds), H5Sclose, path, "cannot read the shape of " + where);
  hsize_t dims[2] = {0, 0};
  if (H5Sget_simple_extent_ndims(space) != 2 || H5Sget_simple_extent_dims(space, dims, nullptr) != 2)
    throw InputError(not_output_hint(path) + ": " + where + " is not a [replicate, step] table");
  if (dims[0] != info.replicates || dims[1] != std::size_t{info.steps} + 1)
    throw InputError(path + ": " + where + " has shape [" + std::to_string(dims[0]) + ", " + std::to_string(dims[1]) +
                     "] but the file says " + std::to_string(info.replicates) + " replicates x " +
                     std::to_string(info.steps + 1) + " steps");
  MetricData data;
  data.name = metric;
  data.replicates = dims[0];
  data.points = dims[1];
  data.values.resize(dims[0] * dims[1]);
  if (!data.values.empty() && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.values.data()) < 0)
    throw InputError(path + ": cannot read " + where + " (truncated or damaged file?)");
  data.description = text_attribute(ds, path, "description", false);
  data.units = text_attribute(ds, path, "units", false);
  return data;
}

}  // namespace gs
