#include "sim/sweep/index.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include "sim/io/hdf5_handle.hpp"
#include "sim/io/hdf5_write.hpp"
#include "sim/io/output.hpp"

namespace gs {
namespace {
namespace fs = std::filesystem;
using hdf5::Handle;

void check(bool ok, const std::string& what) {
  if (!ok) throw OutputError("HDF5 failed to " + what + " in index.h5");
}

bool is_number(const std::string& text, double& x) {
  char* end = nullptr;
  x = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size() && std::isfinite(x);
}

void write_strings(hid_t group, const std::string& name, const std::vector<std::string>& values) {
  std::vector<const char*> data;
  for (const auto& v : values) data.push_back(v.c_str());
  hsize_t dims[1] = {values.size()};
  const Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  const Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  const Handle ds(H5Dcreate2(group, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  check(ds.valid() && H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) >= 0, "write /members/" + name);
}

template <class T>
void write_numbers(hid_t group, const std::string& name, const std::vector<T>& values, hid_t file_type,
                   hid_t memory_type) {
  hsize_t dims[1] = {values.size()};
  const Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  const Handle ds(H5Dcreate2(group, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  check(ds.valid() && H5Dwrite(ds, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0,
        "write /members/" + name);
}

using hdf5::write_text_attribute;

void write_h5(const std::string& path, const Sweep& sweep, const std::vector<MemberStatus>& results) {
  const hdf5::MemoryFile file(path);  // closes whatever is left open when an error unwinds
  {
    write_text_attribute(file, "software", software_version());
    write_text_attribute(file, "sweep_yaml", sweep.text);
    write_text_attribute(file, "sweep_file", sweep.path);
    Handle members(H5Gcreate2(file, "members", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    check(members.valid(), "create /members");
    std::vector<std::int64_t> index, seed;
    std::vector<std::string> name, file_name, status, message;
    std::vector<double> wall;
    for (const auto& m : sweep.members) {
      index.push_back(m.index);
      seed.push_back(static_cast<std::int64_t>(m.seed));
      name.push_back(m.name);
      file_name.push_back(member_file_name(m));
      status.push_back(results[m.index].status);
      message.push_back(results[m.index].message);
      wall.push_back(results[m.index].wall_seconds);
    }
    write_numbers(members, "index", index, H5T_STD_I64LE, H5T_NATIVE_INT64);
    write_strings(members, "name", name);
    write_numbers(members, "seed", seed, H5T_STD_I64LE, H5T_NATIVE_INT64);
    write_strings(members, "file", file_name);
    write_strings(members, "status", status);
    write_numbers(members, "wall_seconds", wall, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE);
    write_strings(members, "message", message);
    // Varied parameters, one column each, named by their path; numeric when every value is a number.
    for (std::size_t p = 0; p < sweep.varied_paths.size(); ++p) {
      std::vector<std::string> texts;
      std::vector<double> numbers;
      bool numeric = true;
      for (const auto& m : sweep.members) {
        double x = 0;
        texts.push_back(m.values[p].yaml);
        numeric = numeric && is_number(m.values[p].yaml, x);
        numbers.push_back(x);
      }
      if (numeric)
        write_numbers(members, sweep.varied_paths[p], numbers, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE);
      else
        write_strings(members, sweep.varied_paths[p], texts);
    }
    members.close();
    // Relative external links: HDF5 looks for the target beside index.h5.
    const Handle runs(H5Gcreate2(file, "runs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    check(runs.valid(), "create /runs");
    for (const auto& m : sweep.members)
      if (results[m.index].status == "done" || results[m.index].status == "done-earlier")
        check(H5Lcreate_external(member_file_name(m).c_str(), "/timeseries", runs, m.name.c_str(), H5P_DEFAULT,
                                 H5P_DEFAULT) >= 0,
              "link /runs/" + m.name);
  }
  file.save();
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void write_csv(const std::string& path, const Sweep& sweep, const std::vector<MemberStatus>& results) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << "index,name";
  for (const auto& p : sweep.varied_paths) out << "," << csv_field(p);
  out << ",seed,file,status,wall_seconds,message\n";
  for (const auto& m : sweep.members) {
    const MemberStatus& st = results[m.index];
    out << m.index << "," << csv_field(m.name);
    for (const auto& v : m.values) out << "," << csv_field(v.yaml);
    char wall[32] = "";
    if (std::isfinite(st.wall_seconds)) std::snprintf(wall, sizeof wall, "%.3f", st.wall_seconds);
    out << "," << m.seed << "," << csv_field(member_file_name(m)) << "," << st.status << "," << wall << ","
        << csv_field(st.message) << "\n";
  }
  out.flush();
  if (!out) {
    hdf5::note_write_failure();  // a full disk is reported as such by write_atomically
    throw OutputError(path + ": cannot write: " + std::strerror(errno));
  }
}

}  // namespace

void write_index(const std::string& dir, const Sweep& sweep, const std::vector<MemberStatus>& results) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  write_atomically((fs::path(dir) / "index.h5").string(),
                   [&](const std::string& temp) { write_h5(temp, sweep, results); });
  write_atomically((fs::path(dir) / "index.csv").string(),
                   [&](const std::string& temp) { write_csv(temp, sweep, results); });
}

}  // namespace gs
