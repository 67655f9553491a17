#include "sim/io/output.hpp"
#include "sim/io/background_finisher.hpp"
#include "sim/io/directory_sync.hpp"
#include "sim/io/hdf5_write.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <set>

namespace gs {
namespace {

namespace fs = std::filesystem;
using hdf5::check;
using hdf5::Handle;
using hdf5::write_integer_attribute;
using hdf5::write_text_attribute;

void set_compression(hid_t props, int level) {
  if (level > 0) {
    check(H5Pset_shuffle(props), "set shuffle filter");
    check(H5Pset_deflate(props, static_cast<unsigned>(level)), "set deflate filter");
  }
}

// A dataset of 8-byte values whose data fits in this many bytes is stored
// inside its own header (compact layout): no chunk index, no filter pipeline
// and no separate data block. A small sweep member's 26 series are each
// under 1 KB; chunked and deflated they made a file 2.7 times larger and
// slower to build. Larger data keeps chunks (when given) and compression.
constexpr hsize_t compact_max_bytes = 8 * 1024;

// Creation properties for a dataset of `rank` dims of 8-byte values: compact
// when small, else chunked by `chunk` and compressed (or, without `chunk`,
// contiguous as HDF5's default).
Handle dataset_properties(int rank, const hsize_t* dims, const hsize_t* chunk, int compression) {
  Handle props(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create dataset properties");
  hsize_t bytes = 8;
  for (int i = 0; i < rank; ++i) bytes *= dims[i];
  if (bytes > 0 && bytes <= compact_max_bytes) {
    check(H5Pset_layout(props, H5D_COMPACT), "set compact layout");
  } else if (chunk != nullptr) {
    check(H5Pset_chunk(props, rank, chunk), "set chunking");
    set_compression(props, compression);
  }
  return props;
}

// Attaches dimension scales as H5DSattach_scale does (a DIMENSION_LIST on
// each dataset, a REFERENCE_LIST on each scale: netCDF-4 readers and h5py
// see the same), but writes each attribute once. H5DSattach_scale rereads
// and rewrites the dataset's list once per dimension and deletes and
// rewrites the scale's growing list on every call.
class ScaleAttachments {
 public:
  // scales[d] is the scale of dimension d of `dataset`.
  void attach(hid_t dataset, std::initializer_list<hid_t> scales, const std::string& path) {
    const hobj_ref_t self = reference(dataset, path);
    std::vector<hobj_ref_t> refs;
    int dimension = 0;
    for (const hid_t scale : scales) {
      Scale& s = find(scale, path);
      refs.push_back(s.self);
      s.users.push_back({self, dimension++});
    }
    std::vector<hvl_t> lists(refs.size());
    for (std::size_t d = 0; d < refs.size(); ++d) lists[d] = {1, &refs[d]};
    const Handle type(H5Tvlen_create(H5T_STD_REF_OBJ), H5Tclose, "create the dimension list type");
    const hsize_t n = refs.size();
    const Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "create dimension list space");
    const Handle attr(H5Acreate2(dataset, "DIMENSION_LIST", type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                      "attach dimension scales to " + path);
    check(H5Awrite(attr, type, lists.data()), "attach dimension scales to " + path);
  }

  // Writes each scale's REFERENCE_LIST: every dataset and dimension it was attached to.
  void finish() {
    const Handle type(H5Tcreate(H5T_COMPOUND, sizeof(Backref)), H5Tclose, "create the reference list type");
    check(H5Tinsert(type, "dataset", offsetof(Backref, dataset), H5T_STD_REF_OBJ), "build the reference list type");
    check(H5Tinsert(type, "dimension", offsetof(Backref, dimension), H5T_NATIVE_INT), "build the reference list type");
    for (const Scale& s : scales_) {
      const hsize_t n = s.users.size();
      const Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "create reference list space");
      const Handle attr(H5Acreate2(s.id, "REFERENCE_LIST", type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                        "list the datasets of scale " + s.path);
      check(H5Awrite(attr, type, s.users.data()), "list the datasets of scale " + s.path);
    }
  }

  // A scale (made by H5DSset_scale) that datasets will be attached to.
  void add_scale(hid_t scale, const std::string& path) {
    check(H5Iinc_ref(scale), "hold scale " + path);  // the caller may close its handle before finish()
    scales_.push_back({Handle(scale, H5Idec_ref), path, reference(scale, path), {}});
  }

 private:
  struct Backref {  // one entry of REFERENCE_LIST, laid out as HDF5's own ds_list_t
    hobj_ref_t dataset;
    int dimension;
  };
  struct Scale {
    Handle id;
    std::string path;
    hobj_ref_t self;
    std::vector<Backref> users;
  };

  static hobj_ref_t reference(hid_t object, const std::string& path) {
    hobj_ref_t ref{};
    check(H5Rcreate(&ref, object, ".", H5R_OBJECT, -1), "refer to " + path);
    return ref;
  }
  Scale& find(hid_t scale, const std::string& path) {
    for (Scale& s : scales_)
      if (s.id == scale) return s;
    throw OutputError("HDF5 failed to attach an unknown scale to " + path);
  }

  std::vector<Scale> scales_;
};

// 0 .. n-1 as an int64 dimension scale named `name` at where/name.
Handle write_axis(hid_t where, const std::string& path, const char* name, std::size_t n, const std::string& description,
                  ScaleAttachments& scales) {
  std::vector<std::int64_t> values(n);
  for (std::size_t i = 0; i < n; ++i) values[i] = static_cast<std::int64_t>(i);
  hsize_t dims[1] = {n};
  const Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose, "create axis space");
  const Handle props = dataset_properties(1, dims, nullptr, 0);
  Handle ds(H5Dcreate2(where, name, H5T_STD_I64LE, space, H5P_DEFAULT, props, H5P_DEFAULT), H5Dclose, "create " + path);
  check(H5Dwrite(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "write axis " + path);
  check(H5DSset_scale(ds, name), "make a dimension scale of " + path);
  write_text_attribute(ds, "description", description);
  scales.add_scale(ds, path);
  return ds;
}

// One column of the /neighbourhoods table, over the /neighbourhood axis.
template <class T>
void write_column(hid_t group, hid_t axis, ScaleAttachments& scales, const char* name, hid_t file_type,
                  hid_t memory_type, const std::vector<T>& values, const std::string& description,
                  const std::string& units = "") {
  static_assert(sizeof(T) == 8, "dataset_properties sizes 8-byte values");
  hsize_t dims[1] = {values.size()};
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose, "create column space");
  const Handle props = dataset_properties(1, dims, nullptr, 0);
  Handle ds(H5Dcreate2(group, name, file_type, space, H5P_DEFAULT, props, H5P_DEFAULT), H5Dclose,
            std::string("create /neighbourhoods/") + name);
  if (!values.empty())
    check(H5Dwrite(ds, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()),
          std::string("write /neighbourhoods/") + name);
  write_text_attribute(ds, "description", description);
  if (!units.empty()) write_text_attribute(ds, "units", units);
  scales.attach(ds, {axis}, std::string("/neighbourhoods/") + name);
}

// Per-neighbourhood output (output.neighbourhoods): /timeseries/<metric>
// [replicate, step, neighbourhood], the /neighbourhoods table, and the
// /neighbourhood axis both share. The axis sits at the root, the common
// parent of both groups, so netCDF readers (xarray) find the dimension from either.
void write_neighbourhoods(hid_t file, hid_t group, hid_t replicate, hid_t step, ScaleAttachments& scales,
                          const OutputHeader& h, const RunResult& result) {
  const NeighbourhoodTable& table = result.neighbourhoods;
  const std::size_t hoods = table.size();
  const Handle axis =
      write_axis(file, "/neighbourhood", "neighbourhood", hoods,
                 "Neighbourhood id (row of the /neighbourhoods table; node ids are grouped by neighbourhood)", scales);
  const std::size_t points = std::size_t{h.steps} + 1;
  hsize_t dims[3] = {h.replicates, points, hoods};
  Handle space(H5Screate_simple(3, dims, nullptr), H5Sclose, "create per-neighbourhood space");
  // Chunks of about 1 MB holding whole time series of neighbouring neighbourhoods:
  // reading one neighbourhood, or every neighbourhood at one step, touches few chunks.
  const hsize_t step_chunk = std::min<hsize_t>(points, 4096);
  hsize_t chunk[3] = {1, step_chunk, std::max<hsize_t>(1, std::min<hsize_t>(hoods, 131072 / step_chunk))};
  const Handle props = dataset_properties(3, dims, chunk, h.compression);
  for (std::size_t m = 0; m < result.neighbourhood_metrics.size(); ++m) {
    const MetricSpec& spec = result.neighbourhood_metrics[m];
    const std::string path = "/timeseries/" + spec.name;
    Handle ds(H5Dcreate2(group, spec.name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, props, H5P_DEFAULT), H5Dclose,
              "create " + path);
    if (hoods > 0)
      check(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, result.neighbourhood_values[m].data()),
            "write " + path);
    write_text_attribute(ds, "description", spec.description);
    if (!spec.units.empty()) write_text_attribute(ds, "units", spec.units);
    scales.attach(ds, {replicate, step, axis}, path);
  }

  Handle tgroup(H5Gcreate2(file, "neighbourhoods", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                "create /neighbourhoods");
  write_text_attribute(tgroup, "description",
                       "One row per neighbourhood: equal-length columns over the /neighbourhood axis");
  std::vector<std::int64_t> ids(hoods);
  for (std::size_t i = 0; i < hoods; ++i) ids[i] = static_cast<std::int64_t>(i);
  write_column(tgroup, axis, scales, "id", H5T_STD_I64LE, H5T_NATIVE_INT64, ids,
               "Neighbourhood id: index along the neighbourhood axis of /timeseries/*_by_neighbourhood");
  write_column(tgroup, axis, scales, "region", H5T_STD_I64LE, H5T_NATIVE_INT64, table.region,
               "Region (local authority district) the neighbourhood lies in");
  write_column(tgroup, axis, scales, "deprivation", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, table.deprivation,
               "Deprivation as a national rank in [0, 1): 0 least deprived, towards 1 most deprived", "rank");
  write_column(tgroup, axis, scales, "deprivation_quintile", H5T_STD_I64LE, H5T_NATIVE_INT64,
               table.deprivation_quintile,
               "Deprivation quintile, 1 = most deprived fifth .. 5 = least deprived (as participation_q1 .. q5)");
  write_column(tgroup, axis, scales, "population", H5T_STD_I64LE, H5T_NATIVE_INT64, table.population,
               "Residents (citizens) of the neighbourhood", "people");
}

// Checks every dataset is in the file before it is saved. The file is built
// in memory and saved with checked POSIX writes and an fsync, so checking
// the image is enough: reading the saved file back cost more than writing it.
void verify_file(hid_t file, hid_t timeseries, const std::string& path, const RunResult& result) {
  // Names are unique within a group (creating one twice fails), so the
  // count says every series and both axes are there; one call, not a
  // lookup by path each.
  H5G_info_t info{};
  bool ok = H5Gget_info(timeseries, &info) >= 0 &&
            info.nlinks == result.metrics.size() + result.neighbourhood_metrics.size() + 2;
  if (ok && !result.neighbourhood_metrics.empty())
    ok = H5Lexists(file, "/neighbourhoods", H5P_DEFAULT) > 0 &&
         H5Lexists(file, "/neighbourhoods/population", H5P_DEFAULT) > 0;
  if (!ok) throw OutputError(path + ": the file could not be written completely");
}

void write_file(const std::string& path, const OutputHeader& h, const RunResult& result) {
  // Small files (a sweep member's, about 40 kB) grow 64 KiB at a time.
  const std::uint64_t bound = expected_output_bytes(result.metrics.size(), h.replicates, h.steps) +
                              (result.neighbourhood_metrics.empty()
                                   ? 0
                                   : expected_neighbourhood_bytes(result.neighbourhood_metrics.size(), h.replicates,
                                                                  h.steps, result.neighbourhoods.size()));
  hdf5::MemoryFile file(path,
                        bound < (std::uint64_t{4} << 20) ? std::size_t{64} << 10 : hdf5::MemoryFile::default_increment);
  write_text_attribute(file, "software", software_version());
  write_text_attribute(file, "scenario_yaml", h.scenario_yaml);
  write_integer_attribute(file, "seed", static_cast<std::int64_t>(h.seed));
  write_integer_attribute(file, "steps", h.steps);
  write_integer_attribute(file, "replicates", h.replicates);
  for (const auto& [k, v] : h.text_attributes) write_text_attribute(file, k, v);
  for (const auto& [k, v] : h.integer_attributes) write_integer_attribute(file, k, v);

  Handle group(H5Gcreate2(file, "timeseries", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "create /timeseries");
  const std::size_t points = std::size_t{h.steps} + 1;
  ScaleAttachments scales;
  const Handle step = write_axis(group, "/timeseries/step", "step", points,
                                 "Step number (one step is one week); 0 is the initial state", scales);
  const Handle replicate =
      write_axis(group, "/timeseries/replicate", "replicate", h.replicates, "Replicate number", scales);

  hsize_t dims[2] = {h.replicates, points};
  Handle space(H5Screate_simple(2, dims, nullptr), H5Sclose, "create metric space");
  hsize_t chunk[2] = {1, std::min<hsize_t>(points, 4096)};
  const Handle props = dataset_properties(2, dims, chunk, h.compression);
  for (std::size_t m = 0; m < result.metrics.size(); ++m) {
    const MetricSpec& spec = result.metrics[m];
    Handle ds(H5Dcreate2(group, spec.name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, props, H5P_DEFAULT), H5Dclose,
              "create /timeseries/" + spec.name);
    check(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, result.values[m].data()),
          "write /timeseries/" + spec.name);
    write_text_attribute(ds, "description", spec.description);
    if (!spec.units.empty()) write_text_attribute(ds, "units", spec.units);
    scales.attach(ds, {replicate, step}, "/timeseries/" + spec.name);
  }
  if (!result.neighbourhood_metrics.empty()) write_neighbourhoods(file, group, replicate, step, scales, h, result);
  scales.finish();
  verify_file(file, group, path, result);
  // Written last: a file carrying complete = 1 holds every dataset (sweeps
  // resume by it: sim/sweep/member_file.cpp).
  write_integer_attribute(file, "complete", 1);
  file.save();
}

void fsync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) throw OutputError(path + ": cannot open to flush: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0 && err != EINVAL) {
    errno = err;
    hdf5::note_write_failure();
    throw OutputError(path + ": cannot flush to disk: " + std::strerror(err));
  }
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
  std::string suffix(temp_marker);
  suffix += host_name();
  suffix += "-";
  suffix += std::to_string(::getpid());
  // A file name may be at most 255 bytes (NAME_MAX): a legal long target
  // name must not fail because its temporary's is longer, so the target's
  // part is cut (stale cleanup goes by the suffix).
  constexpr std::size_t name_max = 255;
  std::string base = target.filename().string();
  if (1 + base.size() + suffix.size() > name_max)
    base.resize(name_max > suffix.size() + 1 ? name_max - suffix.size() - 1 : 1);
  std::string name(".");  // built with += : GCC 12 warns falsely (-Wrestrict) on "." + string
  name += base;
  name += suffix;
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

}  // namespace

void remove_stale_temporaries(const std::string& dir_name) {
  {
    // Once per directory and process: a sweep calls this before every
    // member, and listing a directory of 10,000 member files cost about 3 ms.
    static std::mutex mutex;
    static std::set<std::string> cleaned;
    const std::lock_guard lock(mutex);
    if (!cleaned.insert(dir_name.empty() ? "." : dir_name).second) return;
  }
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

namespace {

// What check_writable checks but the free space, and what write_atomically
// checks before every write: the path can be a file and the directory takes
// new files.
void check_target(const std::string& path, bool replace_read_only) {
  const fs::path target(path);
  if (target.filename().empty()) throw OutputError(path + ": output path names a directory, not a file");
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw OutputError(path + ": output directory '" + dir.string() + "' does not exist");
  if (fs::is_directory(target, ec)) throw OutputError(path + ": is a directory; give a file name such as out.h5");
  const fs::file_status existing = fs::status(target, ec);
  if (fs::exists(existing) && !fs::is_regular_file(existing))
    throw OutputError(path + ": is not a regular file (a device, FIFO or socket), and would be replaced by one; " +
                      "give a file name such as out.h5");
  constexpr auto any_write = fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write;
  if (fs::exists(existing) && !replace_read_only &&
      ((existing.permissions() & any_write) == fs::perms::none || ::access(path.c_str(), W_OK) != 0))
    throw OutputError(path + ": the file is read-only; refusing to replace it (run with --force to replace it)");
  if (::access(dir.c_str(), W_OK) != 0)
    throw OutputError(path + ": cannot write in directory '" + dir.string() + "': " + std::strerror(errno));
}

}  // namespace

void check_writable(const std::string& path, std::uint64_t expected_bytes, bool replace_read_only) {
  // No probe file: access() in check_target already says no on a read-only
  // file system, to root too (EROFS; test_output_safety mounts one), and
  // creating and unlinking a file cost about 1 ms of a small run's wall time
  // (an ext4 journal commit). Whatever else access() cannot see fails at the
  // write itself, which leaves nothing at the path.
  check_target(path, replace_read_only);
  const fs::path dir = directory_of(path);
  const std::uint64_t free = free_bytes(dir);
  if (expected_bytes > free)
    throw OutputError(path + ": the output needs about " + megabytes(expected_bytes) + " but '" + dir.string() +
                      "' has " + megabytes(free) + " free");
}

std::uint64_t expected_output_bytes(std::size_t metrics, std::uint32_t replicates, std::uint32_t steps) {
  // Uncompressed values plus room for HDF5's metadata: an upper bound. Each
  // chunk (one replicate's series, up to 4096 steps) also costs an index
  // entry and allocation slack in the file, about 512 bytes.
  const std::uint64_t points = std::uint64_t{steps} + 1;
  const std::uint64_t chunks = std::uint64_t{metrics} * replicates * ((points + 4095) / 4096);
  return std::uint64_t{metrics} * replicates * points * sizeof(double) + chunks * 512 + 64 * 1024;
}

std::uint64_t expected_neighbourhood_bytes(std::size_t metrics, std::uint32_t replicates, std::uint32_t steps,
                                           std::size_t neighbourhoods) {
  const std::uint64_t columns = 6;  // the axis and the table's five columns
  // Plus room for HDF5's metadata of the new datasets (about 2 KB each, more with chunk indexes).
  return (std::uint64_t{metrics} * replicates * (std::uint64_t{steps} + 1) + columns) * neighbourhoods *
             sizeof(double) +
         64 * 1024;
}

namespace {

// Called in a catch block for a failed write or finish of `temp`: removes
// it and rethrows the error, saying when the disk is full and that nothing
// was left at `path`.
[[noreturn]] void fail_atomic_write(const std::string& temp, const std::string& path, std::uint64_t expected_bytes) {
  std::error_code ec;
  std::filesystem::remove(temp, ec);
  try {
    throw;
  } catch (const DiskFullError& e) {  // a writer of its own (a text file) saw the disk full
    throw DiskFullError(std::string(e.what()) + "; nothing was left at " + path);
  } catch (const OutputError& e) {
    const std::uint64_t free = free_bytes(directory_of(path));
    const int seen = hdf5::write_failure_errno();
    if (seen != 0 || free < expected_bytes)
      throw DiskFullError(path + ": no space left on device while writing it (" +
                          (seen == EFBIG ? std::string("the file-size limit, ulimit -f, was reached")
                                         : megabytes(free) + " free in '" + directory_of(path).string() + "'") +
                          "); nothing was left at " + path);
    throw OutputError(std::string(e.what()) + "; nothing was left at " + path);
  }
}

// The second half of an atomic write, on the writer's thread or a
// BackgroundFinisher's: flush the written temporary (unless its writer
// did), rename it into place, flush the directory (now or deferred).
void finish_atomic_write(const std::string& temp, const std::string& path, bool flushed, std::uint64_t expected_bytes) {
  try {
    hdf5::write_failure_errno() = 0;
    if (!flushed) fsync_path(temp, O_RDONLY);
    if (std::rename(temp.c_str(), path.c_str()) != 0)
      throw OutputError(path + ": cannot rename the finished file into place: " + std::strerror(errno));
    flush_directory_after_rename(directory_of(path).string());
  } catch (...) {
    fail_atomic_write(temp, path, expected_bytes);
  }
}

}  // namespace

void write_atomically(const std::string& path, const std::function<void(const std::string& temp)>& write,
                      std::uint64_t expected_bytes, bool replace_read_only, Finishing finishing) {
  check_target(path, replace_read_only);
  const std::string temp = temporary_name(path);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported by us, once
  hdf5::write_failure_errno() = 0;
  hdf5::MemoryFile::flushed_file().clear();
  BackgroundFinisher* const finisher = finishing == Finishing::may_defer ? BackgroundFinisher::active() : nullptr;
  // Handed over, the file is flushed on the finisher's thread: not here too.
  const hdf5::MemoryFile::FlushOnSave flush_on_save(finisher == nullptr);
  try {
    std::filesystem::remove(temp);
    write(temp);
  } catch (...) {
    fail_atomic_write(temp, path, expected_bytes);
  }
  if (finisher != nullptr) {
    finisher->hand_over([temp, path, expected_bytes] { finish_atomic_write(temp, path, false, expected_bytes); }, path);
    return;
  }
  finish_atomic_write(temp, path, hdf5::MemoryFile::flushed_file() == temp, expected_bytes);
}

void write_output(const std::string& path, const OutputHeader& header, const RunResult& result) {
  write_atomically(
      path, [&](const std::string& temp) { write_file(temp, header, result); },
      expected_output_bytes(result.metrics.size(), header.replicates, header.steps) +
          expected_neighbourhood_bytes(result.neighbourhood_metrics.size(), header.replicates, header.steps,
                                       result.neighbourhoods.size()),
      header.replace_read_only, Finishing::may_defer);
}

}  // namespace gs
