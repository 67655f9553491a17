#pragma once
// Small helpers for writing HDF5 with the C API: a file built in memory and
// saved, and string/integer attributes. Failures throw OutputError; the
// handles are hdf5_handle.hpp's.
#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "sim/io/hdf5_handle.hpp"
#include "sim/io/output.hpp"

namespace gs::hdf5 {

// A new HDF5 file built in memory (the core driver) and saved with plain
// POSIX writes. HDF5 1.10 never meets a disk error this way: one during its
// own writes leaves a half-closed file that crashes the library at exit
// (SIGSEGV in H5F__close_cb) after the error was reported. Closing it closes
// every object still open in it (H5F_CLOSE_STRONG), so nothing is left open
// when an error unwinds.
class MemoryFile {
 public:
  // The image grows `increment` bytes at a time, each zeroed as it is
  // allocated: a small file is better built in small steps (a megabyte
  // zeroed for a 40 kB file cost a tenth of a millisecond), a large one in
  // large steps (fewer reallocations and copies).
  static constexpr std::size_t default_increment = std::size_t{1} << 20;
  explicit MemoryFile(std::string path, std::size_t increment = default_increment)
      : path_(std::move(path)), file_(create(path_, increment)) {}
  operator hid_t() const { return file_; }

  // Writes the finished file to its path, which must not exist yet, and
  // flushes it to disk.
  void save() const {
    check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush " + path_);
    const ssize_t size = H5Fget_file_image(file_, nullptr, 0);
    if (size < 0) throw OutputError("HDF5 failed to make the image of " + path_);
    std::vector<char> image(static_cast<std::size_t>(size));
    if (H5Fget_file_image(file_, image.data(), image.size()) != size)
      throw OutputError("HDF5 failed to make the image of " + path_);
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) throw OutputError(path_ + ": cannot create: " + std::strerror(errno));
    for (std::size_t done = 0; done < image.size();) {
      const ssize_t n = ::write(fd, image.data() + done, image.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int err = n < 0 ? errno : ENOSPC;
        ::close(fd);
        errno = err;
        note_write_failure();
        throw OutputError(path_ + ": cannot write: " + std::strerror(err));
      }
      done += static_cast<std::size_t>(n);
    }
    // Flushed here, through the descriptor that wrote it: one fsync, no
    // reopening; unless a BackgroundFinisher will (FlushOnSave).
    if (!flush_on_save()) {
      if (::close(fd) != 0) {
        note_write_failure();
        throw OutputError(path_ + ": cannot write: " + std::strerror(errno));
      }
      return;
    }
    if (::fsync(fd) != 0 && errno != EINVAL) {
      const int err = errno;
      ::close(fd);
      errno = err;
      note_write_failure();
      throw OutputError(path_ + ": cannot flush to disk: " + std::strerror(err));
    }
    if (::close(fd) != 0) {
      note_write_failure();
      throw OutputError(path_ + ": cannot write: " + std::strerror(errno));
    }
    flushed_file() = path_;
  }

  // The last file save() flushed on this thread: write_atomically need not flush it again.
  static std::string& flushed_file() {
    static thread_local std::string path;
    return path;
  }

  // While one is alive on this thread, save() writes without flushing (or not).
  class FlushOnSave {
   public:
    explicit FlushOnSave(bool flush) : before_(std::exchange(flush_on_save(), flush)) {}
    ~FlushOnSave() { flush_on_save() = before_; }
    FlushOnSave(const FlushOnSave&) = delete;
    FlushOnSave& operator=(const FlushOnSave&) = delete;

   private:
    bool before_;
  };

 private:
  static bool& flush_on_save() {
    static thread_local bool flush = true;
    return flush;
  }
  static Handle create(const std::string& path, std::size_t increment) {
    const Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access properties");
    check(H5Pset_fapl_core(access, increment, 0), "use the in-memory file driver");
    check(H5Pset_fclose_degree(access, H5F_CLOSE_STRONG), "set the close degree");
    const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access);
    if (id < 0) throw OutputError("HDF5 failed to create " + path);
    return {id, H5Fclose};
  }

  std::string path_;
  Handle file_;
};

// A variable-length UTF-8 string attribute (fixed-length ones over 64 KiB fail).
inline void write_text_attribute(hid_t where, const std::string& name, const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  check(H5Tset_size(type, H5T_VARIABLE), "set string size");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "set UTF-8");
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  Handle attr(H5Acreate2(where, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              "create attribute " + name);
  const char* data = value.c_str();
  check(H5Awrite(attr, type, &data), "write attribute " + name);
}

inline void write_integer_attribute(hid_t where, const std::string& name, std::int64_t value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  Handle attr(H5Acreate2(where, name.c_str(), H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              "create attribute " + name);
  check(H5Awrite(attr, H5T_NATIVE_INT64, &value), "write attribute " + name);
}

}  // namespace gs::hdf5
