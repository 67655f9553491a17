#pragma once
// Small helpers for writing HDF5 with the C API: handles closed on scope
// exit, and string/integer attributes. Failures throw OutputError.
#include <hdf5.h>

#include <cstdint>
#include <string>

#include "sim/io/output.hpp"

namespace gs::hdf5 {

class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id_ < 0) throw OutputError("HDF5 failed to " + what);
  }
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  operator hid_t() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

inline void check(herr_t status, const std::string& what) {
  if (status < 0) throw OutputError("HDF5 failed to " + what);
}

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
