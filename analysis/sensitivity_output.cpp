#include "analysis/sensitivity_output.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/io/hdf5_write.hpp"
#include "sim/io/output.hpp"
#include "sim/sweep/sensitivity_runs.hpp"

namespace gs {
namespace {

using hdf5::check;
using hdf5::Handle;
using hdf5::write_integer_attribute;
using hdf5::write_text_attribute;

// Datasets and groups without modification times, so the file's bytes
// depend only on its contents.
Handle untimed(hid_t class_id) {
  Handle props(H5Pcreate(class_id), H5Pclose, "create a property list without object times");
  check(H5Pset_obj_track_times(props, false), "create a property list without object times");
  return props;
}

Handle make_group(hid_t file, const char* name) {
  const Handle props = untimed(H5P_GROUP_CREATE);
  return {H5Gcreate2(file, name, H5P_DEFAULT, props, H5P_DEFAULT), H5Gclose, std::string("create /") + name};
}

Handle write_doubles(hid_t where, const char* name, const std::vector<double>& values, std::vector<hsize_t> dims,
                     const std::string& description) {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, "create space");
  const Handle props = untimed(H5P_DATASET_CREATE);
  Handle ds(H5Dcreate2(where, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, props, H5P_DEFAULT), H5Dclose,
            std::string("create ") + name);
  if (!values.empty())
    check(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), std::string("write ") + name);
  write_text_attribute(ds, "description", description);
  return ds;
}

Handle write_strings(hid_t where, const char* name, const std::vector<std::string>& values,
                     const std::string& description) {
  std::vector<const char*> data;
  for (const auto& v : values) data.push_back(v.c_str());
  hsize_t dims[1] = {values.size()};
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  check(H5Tset_size(type, H5T_VARIABLE), "set string size");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "set UTF-8");
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose, "create space");
  const Handle props = untimed(H5P_DATASET_CREATE);
  Handle ds(H5Dcreate2(where, name, type, space, H5P_DEFAULT, props, H5P_DEFAULT), H5Dclose,
            std::string("create ") + name);
  check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), std::string("write ") + name);
  write_text_attribute(ds, "description", description);
  return ds;
}

struct Scales {
  hid_t output, parameter;
};

// An [output, parameter] table with the names attached as dimension scales.
void write_table(hid_t group, const char* name, const std::vector<std::vector<double>>& rows, const Scales& scales,
                 const std::string& description) {
  std::vector<double> flat;
  for (const auto& r : rows) flat.insert(flat.end(), r.begin(), r.end());
  const hsize_t columns = rows.empty() ? 0 : rows[0].size();
  const Handle ds = write_doubles(group, name, flat, {rows.size(), columns}, description);
  check(H5DSattach_scale(ds, scales.output, 0), "attach output scale");
  check(H5DSattach_scale(ds, scales.parameter, 1), "attach parameter scale");
}

template <class Field>
std::vector<std::vector<double>> column(const std::vector<SobolIndices>& all, Field field) {
  std::vector<std::vector<double>> rows;
  for (const auto& s : all) rows.push_back(s.*field);
  return rows;
}

template <class Field>
std::vector<std::vector<double>> column(const std::vector<MorrisEffects>& all, Field field) {
  std::vector<std::vector<double>> rows;
  for (const auto& m : all) rows.push_back(m.*field);
  return rows;
}

void write_indices(hid_t file, const SensitivityResult& r, const Scales& scales) {
  if (!r.sobol.empty()) {
    const Handle g = make_group(file, "sobol");
    write_table(g, "S1", column(r.sobol, &SobolIndices::first), scales, "first-order index (Saltelli 2010)");
    write_table(g, "S1_low", column(r.sobol, &SobolIndices::first_low), scales, "S1: 95% bootstrap interval, low");
    write_table(g, "S1_high", column(r.sobol, &SobolIndices::first_high), scales, "S1: 95% bootstrap interval, high");
    write_table(g, "ST", column(r.sobol, &SobolIndices::total), scales, "total-order index (Jansen 1999)");
    write_table(g, "ST_low", column(r.sobol, &SobolIndices::total_low), scales, "ST: 95% bootstrap interval, low");
    write_table(g, "ST_high", column(r.sobol, &SobolIndices::total_high), scales, "ST: 95% bootstrap interval, high");
    std::vector<double> variance;
    for (const auto& s : r.sobol) variance.push_back(s.variance);
    const Handle v = write_doubles(g, "variance", variance, {variance.size()}, "variance of the output over A and B");
    check(H5DSattach_scale(v, scales.output, 0), "attach output scale");
  } else {
    const Handle g = make_group(file, "morris");
    write_table(g, "mu_star", column(r.morris, &MorrisEffects::mu_star), scales,
                "mean |elementary effect| per parameter range (Campolongo et al. 2007)");
    write_table(g, "mu", column(r.morris, &MorrisEffects::mu), scales, "mean elementary effect per parameter range");
    write_table(g, "sigma", column(r.morris, &MorrisEffects::sigma), scales,
                "standard deviation of the elementary effects (n - 1)");
  }
}

void write_design(hid_t file, const SensitivityFile& sa, const SensitivityDesign& d, const SensitivityResult& r,
                  const Scales& scales) {
  const Handle g = make_group(file, "design");
  const auto points = static_cast<hsize_t>(d.points), k = static_cast<hsize_t>(d.parameters);
  const Handle unit =
      write_doubles(g, "unit", d.unit, {points, k}, "design points in the unit cube [point, parameter]");
  check(H5DSattach_scale(unit, scales.parameter, 1), "attach parameter scale");
  const Handle values = write_doubles(g, "values", d.values, {points, k}, "parameter values run [point, parameter]");
  check(H5DSattach_scale(values, scales.parameter, 1), "attach parameter scale");
  std::vector<double> seeds;
  for (std::size_t i = 0; i < d.points; ++i) seeds.push_back(static_cast<double>(point_seed(sa, i)));
  const Handle seed = write_doubles(g, "seed", seeds, {points}, "each point's scenario seed");
  std::vector<double> low, high;
  for (const auto& p : sa.parameters) {
    low.push_back(p.low);
    high.push_back(p.high);
  }
  const Handle lo = write_doubles(g, "low", low, {k}, "range of each parameter: low");
  check(H5DSattach_scale(lo, scales.parameter, 0), "attach parameter scale");
  const Handle hi = write_doubles(g, "high", high, {k}, "range of each parameter: high");
  check(H5DSattach_scale(hi, scales.parameter, 0), "attach parameter scale");
  std::vector<double> flat;
  for (const auto& o : r.outputs) flat.insert(flat.end(), o.begin(), o.end());
  const Handle y =
      write_doubles(g, "outputs", flat, {r.outputs.size(), points}, "each output at each point [output, point]");
  check(H5DSattach_scale(y, scales.output, 0), "attach output scale");
  if (!d.moved.empty()) {
    std::vector<double> moved(d.moved.begin(), d.moved.end());
    const Handle m =
        write_doubles(g, "moved", moved, {d.samples, k}, "Morris: parameter moved at each step of a trajectory");
  }
}

void write_file(const std::string& temp, const SensitivityFile& sa, const SensitivityDesign& d,
                const SensitivityResult& r) {
  const Handle create = untimed(H5P_FILE_CREATE);
  Handle file(H5Fcreate(temp.c_str(), H5F_ACC_TRUNC, create, H5P_DEFAULT), H5Fclose, "create " + temp);
  write_text_attribute(file, "software", software_version());
  write_text_attribute(file, "sensitivity_yaml", sa.text);
  write_text_attribute(file, "sensitivity_file", sa.path);
  write_text_attribute(file, "method", sa.method == SensitivityMethod::sobol ? "sobol" : "morris");
  write_integer_attribute(file, "samples", sa.samples);
  write_integer_attribute(file, "replicates", sa.replicates);
  write_integer_attribute(file, "seed", static_cast<std::int64_t>(sa.seed));
  write_integer_attribute(file, "common_random_numbers", sa.common_random_numbers ? 1 : 0);
  write_integer_attribute(file, sa.method == SensitivityMethod::sobol ? "bootstrap" : "levels",
                          sa.method == SensitivityMethod::sobol ? sa.bootstrap : sa.levels);
  std::vector<std::string> parameters, outputs;
  for (const auto& p : sa.parameters) parameters.push_back(p.path);
  for (const auto& o : sa.outputs) outputs.push_back(o.name);
  const Handle parameter = write_strings(file, "parameter", parameters, "varied parameter paths");
  check(H5DSset_scale(parameter, "parameter"), "make /parameter a dimension scale");
  const Handle output =
      write_strings(file, "output", outputs, "outputs: metric@step, -minus-<scenario> for differences");
  check(H5DSset_scale(output, "output"), "make /output a dimension scale");
  const Scales scales{output, parameter};
  write_indices(file, r, scales);
  write_design(file, sa, d, r, scales);
  write_integer_attribute(file, "complete", 1);
}

std::string fixed(double x) {
  if (std::isnan(x)) return "     nan";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%8.3f", x);
  return buf;
}

std::string general(double x) {
  if (std::isnan(x)) return "        nan";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%11.4g", x);
  return buf;
}

// Parameters by decreasing key, NaN last, ties by order in the file.
std::vector<std::size_t> ranking(const std::vector<double>& key) {
  std::vector<std::size_t> order(key.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (std::isnan(key[b])) return !std::isnan(key[a]);
    return !std::isnan(key[a]) && key[a] > key[b];
  });
  return order;
}

}  // namespace

SensitivityResult analyse_sensitivity(const SensitivityFile& sa, const SensitivityDesign& design,
                                      std::vector<std::vector<double>> outputs) {
  SensitivityResult r;
  r.outputs = std::move(outputs);
  for (std::size_t o = 0; o < r.outputs.size(); ++o) {
    if (sa.method == SensitivityMethod::sobol)
      // Each output its own bootstrap stream, so adding an output does not change the others' intervals.
      r.sobol.push_back(sobol_indices(r.outputs[o], design.samples, design.parameters, sa.bootstrap, sa.seed + o));
    else
      r.morris.push_back(morris_effects(sa, design, r.outputs[o]));
  }
  return r;
}

void write_sensitivity_h5(const std::string& path, const SensitivityFile& sa, const SensitivityDesign& design,
                          const SensitivityResult& result) {
  write_atomically(path, [&](const std::string& temp) { write_file(temp, sa, design, result); });
}

void print_sensitivity_table(std::FILE* out, const SensitivityFile& sa, const SensitivityResult& r) {
  std::size_t width = 9;
  for (const auto& p : sa.parameters) width = std::max(width, p.path.size());
  const int w = static_cast<int>(width);
  for (std::size_t o = 0; o < sa.outputs.size(); ++o) {
    std::fprintf(out, "\n%s\n", sa.outputs[o].name.c_str());
    if (!r.sobol.empty()) {
      const SobolIndices& s = r.sobol[o];
      if (!(s.variance > 0)) std::fprintf(out, "  the output did not vary over the design: no indices\n");
      std::fprintf(out, "  %-*s %8s  %-19s %8s  %-19s\n", w, "parameter", "ST", "95% interval", "S1", "95% interval");
      for (std::size_t i : ranking(s.total))
        std::fprintf(out, "  %-*s %s  [%s,%s] %s  [%s,%s]\n", w, sa.parameters[i].path.c_str(),
                     fixed(s.total[i]).c_str(), fixed(s.total_low[i]).c_str(), fixed(s.total_high[i]).c_str(),
                     fixed(s.first[i]).c_str(), fixed(s.first_low[i]).c_str(), fixed(s.first_high[i]).c_str());
    } else {
      const MorrisEffects& m = r.morris[o];
      std::fprintf(out, "  %-*s %11s %11s %11s  (per parameter range)\n", w, "parameter", "mu*", "mu", "sigma");
      for (std::size_t i : ranking(m.mu_star))
        std::fprintf(out, "  %-*s %s %s %s\n", w, sa.parameters[i].path.c_str(), general(m.mu_star[i]).c_str(),
                     general(m.mu[i]).c_str(), general(m.sigma[i]).c_str());
    }
  }
}

}  // namespace gs
