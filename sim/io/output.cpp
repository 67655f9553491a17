#include "sim/io/output.hpp"
#include "sim/io/hdf5_write.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <functional>

namespace gs {
namespace {

namespace fs = std::filesystem;
using hdf5::check;
using hdf5::Handle;
using hdf5::write_integer_attribute;
using hdf5::write_text_attribute;

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
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, "create " + path);
  write_text_attribute(file, "software", software_version());
  write_text_attribute(file, "scenario_yaml", h.scenario_yaml);
  write_integer_attribute(file, "seed", static_cast<std::int64_t>(h.seed));
  write_integer_attribute(file, "steps", h.steps);
  write_integer_attribute(file, "replicates", h.replicates);
  for (const auto& [k, v] : h.text_attributes) write_text_attribute(file, k, v);
  for (const auto& [k, v] : h.integer_attributes) write_integer_attribute(file, k, v);

  Handle group(H5Gcreate2(file, "timeseries", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "create /timeseries");
  const std::size_t points = std::size_t{h.steps} + 1;
  Handle step(write_axis(group, "step", points, "Step number (one step is one week); 0 is the initial state"), H5Dclose,
              "create step axis");
  Handle replicate(write_axis(group, "replicate", h.replicates, "Replicate number"), H5Dclose, "create replicate axis");

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
    Handle ds(H5Dcreate2(group, spec.name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, props, H5P_DEFAULT), H5Dclose,
              "create /timeseries/" + spec.name);
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

// Temporaries are named .NAME.tmp-HOST-PID, so a later run can tell those
// of dead processes on this host (safe to delete) from those of live ones or
// of other hosts sharing the directory.
constexpr const char* temp_marker = ".tmp-";

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  std::string host(name);
  for (char& c : host)
    if (c == '/' || c == '-') c = '_';
  return host;
}

std::string temporary_name(const std::string& path) {
  const fs::path target(path);
  std::string name(".");  // built with += : GCC 12 warns falsely (-Wrestrict) on "." + string
  name += target.filename().string();
  name += temp_marker;
  name += host_name();
  name += "-";
  name += std::to_string(::getpid());
  return (target.parent_path() / name).string();
}

std::uint64_t free_bytes(const fs::path& dir) {
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) != 0) return UINT64_MAX;  // unknown: let the write itself tell
  return std::uint64_t{st.f_bavail} * st.f_frsize;
}

std::string megabytes(std::uint64_t bytes) { return std::to_string((bytes + 999999) / 1000000) + " MB"; }

fs::path directory_of(const std::string& path) {
  const fs::path dir = fs::path(path).parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

// Reopens the finished temporary and checks every dataset is there, so a
// write that failed silently (HDF5 does not report errors on close) never
// reaches the target name.
void verify_file(const std::string& temp, const std::string& path, const RunResult& result) {
  const hid_t file = H5Fopen(temp.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  bool ok = file >= 0;
  for (std::size_t m = 0; ok && m < result.metrics.size(); ++m)
    ok = H5Lexists(file, ("/timeseries/" + result.metrics[m].name).c_str(), H5P_DEFAULT) > 0;
  if (file >= 0) H5Fclose(file);
  if (!ok) throw OutputError(path + ": the file could not be written completely");
}

}  // namespace

void remove_stale_temporaries(const std::string& dir_name) {
  const std::string prefix_host = temp_marker + host_name() + "-";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_name.empty() ? "." : dir_name, ec)) {
    const std::string name = entry.path().filename().string();
    const auto at = name.rfind(prefix_host);
    if (name.empty() || name[0] != '.' || at == std::string::npos) continue;
    const std::string pid_text = name.substr(at + prefix_host.size());
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9)
      continue;
    const auto pid = static_cast<pid_t>(std::stol(pid_text));
    if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    std::error_code ignored;
    fs::remove(entry.path(), ignored);
  }
}

std::string software_version() { return "groundswell " GROUNDSWELL_VERSION; }

void check_writable(const std::string& path, std::uint64_t expected_bytes) {
  const fs::path target(path);
  if (target.filename().empty()) throw OutputError(path + ": output path names a directory, not a file");
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw OutputError(path + ": output directory '" + dir.string() + "' does not exist");
  if (fs::is_directory(target, ec)) throw OutputError(path + ": is a directory; give a file name such as out.h5");
  if (::access(dir.c_str(), W_OK) != 0)
    throw OutputError(path + ": cannot write in directory '" + dir.string() + "': " + std::strerror(errno));
  // access() says yes to root on a read-only file system: try for real.
  const std::string probe = temporary_name(path);
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0 && errno != EEXIST)
    throw OutputError(path + ": cannot write in directory '" + dir.string() + "': " + std::strerror(errno));
  if (fd >= 0) {
    ::close(fd);
    ::unlink(probe.c_str());
  }
  const std::uint64_t free = free_bytes(dir);
  if (expected_bytes > free)
    throw OutputError(path + ": the output needs about " + megabytes(expected_bytes) + " but '" + dir.string() +
                      "' has " + megabytes(free) + " free");
}

std::uint64_t expected_output_bytes(std::size_t metrics, std::uint32_t replicates, std::uint32_t steps) {
  // Uncompressed values plus room for HDF5's metadata: an upper bound.
  return std::uint64_t{metrics} * replicates * (std::uint64_t{steps} + 1) * sizeof(double) + 64 * 1024;
}

void write_atomically(const std::string& path, const std::function<void(const std::string& temp)>& write,
                      std::uint64_t expected_bytes) {
  check_writable(path);
  const std::string temp = temporary_name(path);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported by us, once
  try {
    std::filesystem::remove(temp);
    write(temp);
    fsync_path(temp, O_RDONLY);
    if (std::rename(temp.c_str(), path.c_str()) != 0)
      throw OutputError(path + ": cannot rename the finished file into place: " + std::strerror(errno));
    fsync_path(directory_of(path).string(), O_RDONLY | O_DIRECTORY);
  } catch (const OutputError& e) {
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    const std::uint64_t free = free_bytes(directory_of(path));
    throw OutputError(std::string(e.what()) +
                      (free < expected_bytes ? " (the disk is full: " + megabytes(free) + " free in '" +
                                                   directory_of(path).string() + "')"
                                             : "") +
                      "; nothing was left at " + path);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    throw;
  }
}

void write_output(const std::string& path, const OutputHeader& header, const RunResult& result) {
  write_atomically(
      path,
      [&](const std::string& temp) {
        write_file(temp, header, result);
        verify_file(temp, path, result);
      },
      expected_output_bytes(result.metrics.size(), header.replicates, header.steps));
}

}  // namespace gs
