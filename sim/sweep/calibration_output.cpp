#include "sim/sweep/calibration_output.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "sim/core/random.hpp"
#include "sim/io/hdf5_write.hpp"
#include "sim/io/output.hpp"

namespace gs {
namespace {
namespace fs = std::filesystem;
using hdf5::Handle;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

template <class T>
void write_column(hid_t group, const std::string& name, const std::vector<T>& values, hid_t file_type,
                  hid_t memory_type) {
  const hsize_t dims[1] = {values.size()};
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose, "create a dataspace for " + name);
  Handle ds(H5Dcreate2(group, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
            "create " + name);
  hdf5::check(H5Dwrite(ds, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "write " + name);
}

void write_reals(hid_t group, const std::string& name, const std::vector<double>& values) {
  write_column(group, name, values, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE);
}

void write_integers(hid_t group, const std::string& name, const std::vector<std::int64_t>& values) {
  write_column(group, name, values, H5T_STD_I64LE, H5T_NATIVE_INT64);
}

void write_strings(hid_t group, const std::string& name, const std::vector<std::string>& values) {
  std::vector<const char*> data;
  for (const auto& v : values) data.push_back(v.c_str());
  const hsize_t dims[1] = {values.size()};
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  hdf5::check(H5Tset_size(type, H5T_VARIABLE), "set string size");
  hdf5::check(H5Tset_cset(type, H5T_CSET_UTF8), "set UTF-8");
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose, "create a dataspace for " + name);
  Handle ds(H5Dcreate2(group, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
            "create " + name);
  hdf5::check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), "write " + name);
}

void write_real_attribute(hid_t where, const std::string& name, double value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  Handle attr(H5Acreate2(where, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              "create attribute " + name);
  hdf5::check(H5Awrite(attr, H5T_NATIVE_DOUBLE, &value), "write attribute " + name);
}

void write_posterior_group(hid_t file, const Calibration& c, const CalibrationResult& r) {
  Handle group(H5Gcreate2(file, "posterior", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "create /posterior");
  std::string names;  // the parameter paths, one a line, so a reader need not guess which datasets are parameters
  for (const auto& p : c.parameters) names += p.path + "\n";
  hdf5::write_text_attribute(group, "parameters", names);
  for (std::size_t k = 0; k < c.parameters.size(); ++k) {
    const CalibrationParameter& p = c.parameters[k];
    std::vector<double> xs;
    for (const auto& particle : r.posterior) xs.push_back(particle.values[k]);
    write_reals(group, p.path, xs);
    Handle ds(H5Dopen2(group, p.path.c_str(), H5P_DEFAULT), H5Dclose, "open /posterior/" + p.path);
    hdf5::write_text_attribute(ds, "prior", prior_name(p.prior));
    write_real_attribute(ds, "low", p.low);
    write_real_attribute(ds, "high", p.high);
  }
  std::vector<double> weight, distance;
  std::vector<std::int64_t> generation, particle;
  for (const auto& p : r.posterior) {
    weight.push_back(p.weight);
    distance.push_back(p.distance);
    generation.push_back(p.generation);
    particle.push_back(p.index);
  }
  write_reals(group, "weight", weight);
  write_reals(group, "distance", distance);
  write_integers(group, "generation", generation);
  write_integers(group, "particle", particle);
}

void write_generations_group(hid_t file, const CalibrationResult& r) {
  Handle group(H5Gcreate2(file, "generations", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "create /generations");
  std::vector<std::int64_t> generation, simulations, infeasible;
  std::vector<double> tolerance, acceptance, ess;
  for (const auto& g : r.generations) {
    generation.push_back(g.generation);
    simulations.push_back(static_cast<std::int64_t>(g.simulations));
    infeasible.push_back(static_cast<std::int64_t>(g.infeasible));
    tolerance.push_back(g.tolerance);
    acceptance.push_back(g.acceptance);
    ess.push_back(g.ess);
  }
  write_integers(group, "generation", generation);
  write_integers(group, "simulations", simulations);
  write_integers(group, "infeasible", infeasible);
  write_reals(group, "tolerance", tolerance);
  write_reals(group, "acceptance", acceptance);
  write_reals(group, "ess", ess);
}

void write_targets_group(hid_t file, const Calibration& c, const CalibrationResult& r) {
  Handle group(H5Gcreate2(file, "targets", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "create /targets");
  std::vector<std::string> metric;
  std::vector<std::int64_t> step, counts;
  std::vector<double> value, sd, lower, upper, low, median, high;
  for (std::size_t t = 0; t < c.targets.size(); ++t) {
    const CalibrationTarget& target = c.targets[t];
    metric.push_back(target.metric);
    step.push_back(target.step);
    counts.push_back(target.counts_people ? 1 : 0);
    value.push_back(target.has_value ? target.value : nan);
    sd.push_back(target.sd);
    lower.push_back(target.has_lower ? target.lower : nan);
    upper.push_back(target.has_upper ? target.upper : nan);
    const Interval i = predictive_interval(r, t);
    low.push_back(i.low);
    median.push_back(i.median);
    high.push_back(i.high);
  }
  write_strings(group, "metric", metric);
  write_integers(group, "step", step);
  write_integers(group, "scaled_by_population", counts);
  write_reals(group, "value", value);
  write_reals(group, "sd", sd);
  write_reals(group, "lower_bound", lower);
  write_reals(group, "upper_bound", upper);
  write_reals(group, "predictive_05", low);
  write_reals(group, "predictive_50", median);
  write_reals(group, "predictive_95", high);
}

void write_h5(const std::string& path, const Calibration& c, const CalibrationResult& r) {
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, "create " + path);
  hdf5::write_text_attribute(file, "software", software_version());
  hdf5::write_text_attribute(file, "method", "abc_smc");
  hdf5::write_text_attribute(file, "calibration_file", c.path);
  hdf5::write_text_attribute(file, "calibration_yaml", c.text);
  hdf5::write_integer_attribute(file, "particles", c.particles);
  hdf5::write_integer_attribute(file, "replicates", c.replicates);
  hdf5::write_integer_attribute(file, "seed", static_cast<std::int64_t>(c.seed));
  hdf5::write_integer_attribute(file, "simulations", static_cast<std::int64_t>(r.simulations));
  write_real_attribute(file, "population_scale", c.population_scale);
  write_posterior_group(file, c, r);
  write_generations_group(file, r);
  write_targets_group(file, c, r);
}

void write_csv(const std::string& path, const Calibration& c, const CalibrationResult& r) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (const auto& p : c.parameters) out << p.path << ",";
  out << "weight,distance,generation,particle\n";
  for (const auto& particle : r.posterior) {
    for (double v : particle.values) out << format_real(v) << ",";
    out << format_real(particle.weight) << "," << format_real(particle.distance) << "," << particle.generation << ","
        << particle.index << "\n";
  }
  out.flush();
  if (!out) throw OutputError(path + ": cannot write: " + std::strerror(errno));
}

Interval interval_of(const std::vector<double>& xs, const std::vector<double>& ws) {
  return {weighted_quantile(xs, ws, 0.05), weighted_quantile(xs, ws, 0.5), weighted_quantile(xs, ws, 0.95)};
}

std::vector<double> read_reals(hid_t group, const std::string& file, const std::string& name) {
  const std::string where = file + ": /posterior/" + name;
  if (H5Lexists(group, name.c_str(), H5P_DEFAULT) <= 0) throw InputError(where + " is missing");
  const hid_t ds = H5Dopen2(group, name.c_str(), H5P_DEFAULT);
  if (ds < 0) throw InputError(where + ": cannot open");
  const hid_t space = H5Dget_space(ds);
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  H5Sclose(space);
  std::vector<double> out(n > 0 ? static_cast<std::size_t>(n) : 0);
  const herr_t status = out.empty() ? 0 : H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
  H5Dclose(ds);
  if (status < 0) throw InputError(where + ": cannot read");
  return out;
}

std::string read_parameter_list(hid_t group, const std::string& file) {
  if (H5Aexists(group, "parameters") <= 0)
    throw InputError(file + ": /posterior has no 'parameters' attribute (not written by groundswell calibrate?)");
  const hid_t attr = H5Aopen(group, "parameters", H5P_DEFAULT);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  char* data = nullptr;
  const herr_t status = H5Aread(attr, type, &data);
  std::string out = status >= 0 && data ? data : "";
  if (data) H5free_memory(data);
  H5Tclose(type);
  H5Aclose(attr);
  if (status < 0) throw InputError(file + ": cannot read /posterior's parameters attribute");
  return out;
}

}  // namespace

PosteriorSample read_posterior(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw InputError(path + ": no such file (a posterior.h5 from groundswell calibrate)");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError(path + ": not an HDF5 file");
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) throw InputError(path + ": HDF5 cannot open it");
  PosteriorSample out;
  out.path = path;
  try {
    if (H5Lexists(file, "posterior", H5P_DEFAULT) <= 0)
      throw InputError(path + ": has no /posterior group (not written by groundswell calibrate?)");
    const hid_t group = H5Gopen2(file, "posterior", H5P_DEFAULT);
    try {
      std::istringstream names(read_parameter_list(group, path));
      for (std::string name; std::getline(names, name);)
        if (!name.empty()) out.parameters.push_back(name);
      for (const auto& name : out.parameters) out.values.push_back(read_reals(group, path, name));
      out.weights = read_reals(group, path, "weight");
    } catch (...) {
      H5Gclose(group);
      throw;
    }
    H5Gclose(group);
  } catch (...) {
    H5Fclose(file);
    throw;
  }
  H5Fclose(file);
  for (const auto& v : out.values)
    if (v.size() != out.weights.size()) throw InputError(path + ": /posterior datasets differ in length");
  if (out.weights.empty() || out.parameters.empty()) throw InputError(path + ": the posterior is empty");
  return out;
}

std::vector<std::size_t> resample_posterior(const PosteriorSample& posterior, std::uint32_t n, std::uint64_t seed) {
  constexpr Purpose purpose_resample = 3;  // the sweep's Latin hypercube uses 1 and 2
  std::vector<double> cumulative;
  double total = 0;
  for (double w : posterior.weights) cumulative.push_back(total += w);
  std::vector<std::size_t> out;
  for (std::uint32_t i = 0; i < n; ++i) {
    Stream s(seed, 0, 0, i, purpose_resample);
    const double x = s.uniform() * total;
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), x);
    out.push_back(std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()), cumulative.size() - 1));
  }
  return out;
}

Interval parameter_interval(const CalibrationResult& r, std::size_t k) {
  std::vector<double> xs, ws;
  for (const auto& p : r.posterior) {
    xs.push_back(p.values[k]);
    ws.push_back(p.weight);
  }
  return interval_of(xs, ws);
}

Interval predictive_interval(const CalibrationResult& r, std::size_t t) {
  std::vector<double> xs, ws;
  for (const auto& p : r.posterior)
    for (double x : p.simulated[t]) {
      xs.push_back(x);
      ws.push_back(p.weight / static_cast<double>(p.simulated[t].size()));
    }
  return interval_of(xs, ws);
}

void write_posterior(const std::string& dir, const Calibration& c, const CalibrationResult& r) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  write_atomically((fs::path(dir) / "posterior.h5").string(), [&](const std::string& temp) { write_h5(temp, c, r); });
  write_atomically((fs::path(dir) / "posterior.csv").string(), [&](const std::string& temp) { write_csv(temp, c, r); });
}

}  // namespace gs
