#include "sim/io/checkpoint.hpp"

#include <hdf5.h>

#include <cstring>

#include "sim/io/hdf5_write.hpp"
#include "sim/io/output.hpp"

namespace gs {
namespace {

using hdf5::check;
using hdf5::Handle;
using hdf5::write_integer_attribute;

// A damaged checkpoint must be refused, not resumed into wrong results. Each
// dataset carries a 64-bit checksum of its bytes (and the root one of the
// counters): word-wise FNV-1a with a final mix, so any change to one word
// always changes the sum (each step is a bijection of the running value).
std::uint64_t checksum(const void* data, std::size_t bytes) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint64_t h = 0xcbf29ce484222325ull ^ bytes;
  std::size_t i = 0;
  for (; i + 8 <= bytes; i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p + i, 8);
    h = (h ^ word) * 0x100000001b3ull;
    h ^= h >> 29;
  }
  for (; i < bytes; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h ^ (h >> 32);
}

// A checksum's attribute: the bits of the unsigned value, stored as a signed 64-bit integer.
std::int64_t as_stored(std::uint64_t sum) {
  std::int64_t stored = 0;
  std::memcpy(&stored, &sum, sizeof stored);
  return stored;
}

std::int64_t read_attribute(hid_t where, const std::string& name);

class DamagedCheckpoint : public OutputError {
 public:
  using OutputError::OutputError;
};

void write_dataset(hid_t where, const std::string& name, hid_t type, const void* data, hsize_t count) {
  Handle space(H5Screate_simple(1, &count, nullptr), H5Sclose, "create space for " + name);
  Handle ds(H5Dcreate2(where, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
            "create " + name);
  if (count > 0) check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write " + name);
  write_integer_attribute(ds, "checksum", as_stored(checksum(data, count * H5Tget_size(type))));
}

template <class T>
std::vector<T> read_dataset(hid_t where, const std::string& name, hid_t type) {
  Handle ds(H5Dopen2(where, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name);
  Handle space(H5Dget_space(ds), H5Sclose, "read the size of " + name);
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n < 0) throw OutputError("HDF5 failed to read the size of " + name);
  std::vector<T> out(static_cast<std::size_t>(n));
  if (n > 0) check(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "read " + name);
  if (H5Aexists(ds, "checksum") <= 0) throw DamagedCheckpoint(name + " has no checksum");
  if (read_attribute(ds, "checksum") != as_stored(checksum(out.data(), out.size() * sizeof(T))))
    throw DamagedCheckpoint(name + " does not match its checksum");
  return out;
}

// The counters that say how to read the rest, in one checksum.
std::uint64_t counters_checksum(std::int64_t replicate, std::int64_t step, std::int64_t metrics,
                                std::int64_t hood_metrics, std::int64_t arrays) {
  const std::int64_t counters[] = {replicate, step, metrics, hood_metrics, arrays};
  return checksum(counters, sizeof counters);
}

std::int64_t read_attribute(hid_t where, const std::string& name) {
  Handle attr(H5Aopen(where, name.c_str(), H5P_DEFAULT), H5Aclose, "open attribute " + name);
  std::int64_t value = 0;
  check(H5Aread(attr, H5T_NATIVE_INT64, &value), "read attribute " + name);
  return value;
}

}  // namespace

std::string checkpoint_path(const std::string& output) { return output + ".checkpoint"; }

void write_checkpoint(const std::string& path, const std::string& scenario_yaml, std::uint32_t replicate,
                      std::uint32_t step, const RunResult& so_far, Model& model) {
  write_atomically(path, [&](const std::string& temp) {
    hdf5::MemoryFile file(temp);
    write_integer_attribute(file, "replicate", replicate);
    write_integer_attribute(file, "step", step);
    write_integer_attribute(file, "metrics", static_cast<std::int64_t>(so_far.values.size()));
    write_dataset(file, "scenario_yaml", H5T_NATIVE_CHAR, scenario_yaml.data(), scenario_yaml.size());
    for (std::size_t m = 0; m < so_far.values.size(); ++m)
      write_dataset(file, "value_" + std::to_string(m), H5T_NATIVE_DOUBLE, so_far.values[m].data(),
                    so_far.values[m].size());
    // Per-neighbourhood series (output.neighbourhoods); checkpoints without them have no attribute.
    if (!so_far.neighbourhood_values.empty()) {
      write_integer_attribute(file, "neighbourhood_metrics",
                              static_cast<std::int64_t>(so_far.neighbourhood_values.size()));
      for (std::size_t m = 0; m < so_far.neighbourhood_values.size(); ++m)
        write_dataset(file, "neighbourhood_value_" + std::to_string(m), H5T_NATIVE_DOUBLE,
                      so_far.neighbourhood_values[m].data(), so_far.neighbourhood_values[m].size());
    }
    Handle state(H5Gcreate2(file, "state", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "create /state");
    const auto arrays = model.state_arrays();
    write_integer_attribute(state, "arrays", static_cast<std::int64_t>(arrays.size()));
    write_integer_attribute(
        file, "counters_checksum",
        as_stored(counters_checksum(replicate, step, static_cast<std::int64_t>(so_far.values.size()),
                                    static_cast<std::int64_t>(so_far.neighbourhood_values.size()),
                                    static_cast<std::int64_t>(arrays.size()))));
    for (std::size_t i = 0; i < arrays.size(); ++i) {
      Handle group(H5Gcreate2(state, std::to_string(i).c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                   "create a state group");
      write_dataset(group, "name", H5T_NATIVE_CHAR, arrays[i].name.data(), arrays[i].name.size());
      write_dataset(group, "bytes", H5T_NATIVE_UCHAR, arrays[i].data, arrays[i].bytes);
    }
    file.save();
  });
}

RunState read_checkpoint(const std::string& path, std::string& scenario_yaml) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  try {
    Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open " + path);
    RunState s;
    const std::int64_t replicate = read_attribute(file, "replicate"), step = read_attribute(file, "step");
    s.replicate = static_cast<std::uint32_t>(replicate);
    s.step = static_cast<std::uint32_t>(step);
    const auto text = read_dataset<char>(file, "scenario_yaml", H5T_NATIVE_CHAR);
    scenario_yaml.assign(text.begin(), text.end());
    const std::int64_t metrics = read_attribute(file, "metrics");
    for (std::int64_t m = 0; m < metrics; ++m)
      s.values.push_back(read_dataset<double>(file, "value_" + std::to_string(m), H5T_NATIVE_DOUBLE));
    const std::int64_t hood_metrics =
        H5Aexists(file, "neighbourhood_metrics") > 0 ? read_attribute(file, "neighbourhood_metrics") : 0;
    for (std::int64_t m = 0; m < hood_metrics; ++m)
      s.neighbourhood_values.push_back(
          read_dataset<double>(file, "neighbourhood_value_" + std::to_string(m), H5T_NATIVE_DOUBLE));
    Handle state(H5Gopen2(file, "state", H5P_DEFAULT), H5Gclose, "open /state");
    const std::int64_t arrays = read_attribute(state, "arrays");
    if (H5Aexists(file, "counters_checksum") <= 0 ||
        read_attribute(file, "counters_checksum") !=
            as_stored(counters_checksum(replicate, step, metrics, hood_metrics, arrays)))
      throw DamagedCheckpoint("its counters (replicate, step, metrics, arrays) do not match their checksum");
    for (std::int64_t i = 0; i < arrays; ++i) {
      Handle group(H5Gopen2(state, std::to_string(i).c_str(), H5P_DEFAULT), H5Gclose, "open a state group");
      const auto name = read_dataset<char>(group, "name", H5T_NATIVE_CHAR);
      s.arrays.emplace_back(std::string(name.begin(), name.end()),
                            read_dataset<unsigned char>(group, "bytes", H5T_NATIVE_UCHAR));
    }
    return s;
  } catch (const DamagedCheckpoint& e) {
    throw OutputError(path + ": the checkpoint is damaged (" + std::string(e.what()) +
                      "); it was kept for inspection; delete it to start again from the beginning");
  } catch (const OutputError& e) {
    throw OutputError(path + ": not a usable checkpoint (" + e.what() +
                      "); delete it to start again from the beginning");
  }
}

}  // namespace gs
