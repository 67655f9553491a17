#include "sim/io/output.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace gs {
namespace {

namespace fs = std::filesystem;

// Closes an HDF5 handle when it leaves scope.
struct Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  Handle(hid_t i, herr_t (*c)(hid_t), const std::string& what) : id(i), close(c) {
    if (id < 0) throw OutputError("HDF5 failed to " + what);
  }
  ~Handle() {
    if (id >= 0) close(id);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  operator hid_t() const { return id; }
};

void check(herr_t status, const std::string& what) {
  if (status < 0) throw OutputError("HDF5 failed to " + what);
}

void write_text_attribute(hid_t where, const std::string& name, const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  check(H5Tset_size(type, H5T_VARIABLE), "set string size");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "set UTF-8");
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  Handle attr(H5Acreate2(where, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              "create attribute " + name);
  const char* data = value.c_str();
  check(H5Awrite(attr, type, &data), "write attribute " + name);
}

void write_integer_attribute(hid_t where, const std::string& name, std::int64_t value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  Handle attr(H5Acreate2(where, name.c_str(), H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              "create attribute " + name);
  check(H5Awrite(attr, H5T_NATIVE_INT64, &value), "write attribute " + name);
}

hid_t write_axis(hid_t group, const char* name, std::size_t n, const std::string& description) {
  std::vector<std::int64_t> values(n);
  for (std::size_t i = 0; i < n; ++i) values[i] = static_cast<std::int64_t>(i);
  hsize_t dims[1] = {n};
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose, "create axis space");
  hid_t ds = H5Dcreate2(group, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (ds < 0) throw OutputError(std::string("HDF5 failed to create /timeseries/") + name);
  check(H5Dwrite(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "write axis");
  check(H5DSset_scale(ds, name), "make a dimension scale");
  write_text_attribute(ds, "description", description);
  return ds;
}

void write_file(const std::string& path, const OutputHeader& h, const RunResult& result) {
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
              "create " + path);
  write_text_attribute(file, "software", software_version());
  write_text_attribute(file, "scenario_yaml", h.scenario_yaml);
  write_integer_attribute(file, "seed", static_cast<std::int64_t>(h.seed));
  write_integer_attribute(file, "steps", h.steps);
  write_integer_attribute(file, "replicates", h.replicates);
  for (const auto& [k, v] : h.text_attributes) write_text_attribute(file, k, v);
  for (const auto& [k, v] : h.integer_attributes) write_integer_attribute(file, k, v);

  Handle group(H5Gcreate2(file, "timeseries", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
               "create /timeseries");
  const std::size_t points = std::size_t{h.steps} + 1;
  Handle step(write_axis(group, "step", points, "Step number (one step is one week); 0 is the initial state"),
              H5Dclose, "create step axis");
  Handle replicate(write_axis(group, "replicate", h.replicates, "Replicate number"), H5Dclose,
                   "create replicate axis");

  hsize_t dims[2] = {h.replicates, points};
  Handle space(H5Screate_simple(2, dims, nullptr), H5Sclose, "create metric space");
  Handle props(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create dataset properties");
  hsize_t chunk[2] = {1, std::min<hsize_t>(points, 4096)};
  check(H5Pset_chunk(props, 2, chunk), "set chunking");
  if (h.compression > 0) {
    check(H5Pset_shuffle(props), "set shuffle filter");
    check(H5Pset_deflate(props, static_cast<unsigned>(h.compression)), "set deflate filter");
  }
  for (std::size_t m = 0; m < result.metrics.size(); ++m) {
    const MetricSpec& spec = result.metrics[m];
    Handle ds(H5Dcreate2(group, spec.name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, props, H5P_DEFAULT),
              H5Dclose, "create /timeseries/" + spec.name);
    check(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, result.values[m].data()),
          "write /timeseries/" + spec.name);
    write_text_attribute(ds, "description", spec.description);
    if (!spec.units.empty()) write_text_attribute(ds, "units", spec.units);
    check(H5DSattach_scale(ds, replicate, 0), "attach replicate scale");
    check(H5DSattach_scale(ds, step, 1), "attach step scale");
  }
  // Written last: a file carrying complete = 1 holds every dataset (sweeps
  // resume by it: sim/sweep/member_file.cpp).
  write_integer_attribute(file, "complete", 1);
}

void fsync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) throw OutputError(path + ": cannot open to flush: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL) throw OutputError(path + ": cannot flush to disk: " + std::strerror(err));
}

std::string temporary_name(const std::string& path) {
  const fs::path target(path);
  return (target.parent_path() / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()))).string();
}

}  // namespace

std::string software_version() { return "groundswell " GROUNDSWELL_VERSION; }

void check_writable(const std::string& path) {
  const fs::path target(path);
  if (target.filename().empty()) throw OutputError(path + ": output path names a directory, not a file");
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw OutputError(path + ": output directory '" + dir.string() + "' does not exist");
  if (fs::is_directory(target, ec)) throw OutputError(path + ": is a directory; give a file name such as out.h5");
  if (::access(dir.c_str(), W_OK) != 0)
    throw OutputError(path + ": cannot write in directory '" + dir.string() + "': " + std::strerror(errno));
}

void write_output(const std::string& path, const OutputHeader& header, const RunResult& result) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported by us, once
  write_atomically(path, [&](const std::string& temp) { write_file(temp, header, result); });
}

void write_atomically(const std::string& path, const std::function<void(const std::string& temp)>& write) {
  check_writable(path);
  const std::string temp = temporary_name(path);
  try {
    std::filesystem::remove(temp);
    write(temp);
    fsync_path(temp, O_RDONLY);
    if (std::rename(temp.c_str(), path.c_str()) != 0)
      throw OutputError(path + ": cannot rename the finished file into place: " + std::strerror(errno));
    const fs::path dir = fs::path(path).parent_path();
    fsync_path(dir.empty() ? "." : dir.string(), O_RDONLY | O_DIRECTORY);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    throw;
  }
}

}  // namespace gs
