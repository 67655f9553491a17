#pragma once
// The one owner of an HDF5 id (file, group, dataset, space, type, property
// list, attribute) for every reader and writer: closed when it leaves scope,
// and a negative id (HDF5's failure) turned into the error the caller needs.
//   Handle h(H5Dcreate2(...), H5Dclose, "create x");        writing: OutputError "HDF5 failed to create x"
//   auto h = Handle::read(H5Dopen2(...), H5Dclose, path, "cannot open x");  reading: InputError "PATH: cannot open x"
//   Handle h(H5Fopen(...), H5Fclose);  if (!h.valid()) ...  a failure the caller handles itself
#include <hdf5.h>

#include <cerrno>
#include <string>
#include <utility>

#include "sim/core/input_error.hpp"
#include "sim/io/output.hpp"

namespace gs::hdf5 {

// HDF5 does not say why a write failed; errno does, right after it. A full
// disk (ENOSPC, EDQUOT) or the file-size limit (EFBIG) seen during a write is
// kept here so the error can say so (write_atomically resets it).
inline int& write_failure_errno() {
  static thread_local int seen = 0;
  return seen;
}
inline void note_write_failure() {
  if (errno == ENOSPC || errno == EDQUOT || errno == EFBIG) write_failure_errno() = errno;
}

// A failed HDF5 call while writing: OutputError "HDF5 failed to WHAT".
inline void check(herr_t status, const std::string& what) {
  if (status < 0) {
    note_write_failure();
    throw OutputError("HDF5 failed to " + what);
  }
}

class Handle {
 public:
  using Close = herr_t (*)(hid_t);

  // Owns `id` as it is; valid() says whether HDF5 gave one.
  Handle(hid_t id, Close close) : id_(id), close_(close) {}
  // Writing: a failed id throws OutputError("HDF5 failed to " + what).
  Handle(hid_t id, Close close, const std::string& what) : Handle(id, close) {
    if (id_ < 0) {
      note_write_failure();
      throw OutputError("HDF5 failed to " + what);
    }
  }
  // Reading: a failed id throws InputError(path + ": " + what).
  static Handle read(hid_t id, Close close, const std::string& path, const std::string& what) {
    if (id < 0) throw InputError(path + ": " + what);
    return {id, close};
  }

  ~Handle() {
    if (id_ >= 0 && close_(id_) < 0) note_write_failure();
  }
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), close_(other.close_) {}
  Handle& operator=(Handle&&) = delete;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  operator hid_t() const { return id_; }  // passed straight to the C API
  bool valid() const { return id_ >= 0; }
  // Closes now (before the handle leaves scope); false if HDF5 failed to.
  bool close() {
    const bool ok = id_ < 0 || close_(id_) >= 0;
    id_ = -1;
    return ok;
  }

 private:
  hid_t id_;
  Close close_;
};

}  // namespace gs::hdf5
