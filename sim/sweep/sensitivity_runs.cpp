#include "sim/sweep/sensitivity_runs.hpp"

#include <filesystem>
#include <map>

#include "sim/io/read.hpp"
#include "sim/sweep/member_file.hpp"
#include "sim/sweep/run_sweep.hpp"

namespace gs {
namespace {

namespace fs = std::filesystem;

Sweep design_sweep(const SensitivityFile& sa, const SensitivityDesign& design, const ScenarioText& scenario) {
  Sweep sw;
  sw.path = sa.path;
  sw.text = sa.text;
  sw.base_text = scenario.text;
  sw.base_origin = scenario.path;
  for (const auto& p : sa.parameters) sw.varied_paths.push_back(p.path);
  const std::size_t width = std::max<std::size_t>(4, std::to_string(design.points - 1).size());
  for (std::size_t i = 0; i < design.points; ++i) {
    SweepMember m;
    m.index = static_cast<std::uint32_t>(i);
    m.seed = point_seed(sa, i);
    const std::string digits = std::to_string(i);
    m.name = "p";  // built with += : GCC 12 warns falsely (-Wrestrict) on "p" + string
    m.name += std::string(width - digits.size(), '0');
    m.name += digits;
    m.overrides = sa.common;
    for (std::size_t j = 0; j < design.parameters; ++j) {
      const SensitivityParameter& p = sa.parameters[j];
      const std::string given = sensitivity_override(p, design.value(i, j));
      const std::string text = given.substr(given.rfind('=') + 1);
      m.values.push_back(SweepValue{p.path, text, p.origin});
      m.overrides.push_back(given);
    }
    m.overrides.push_back(sa.seed_origin + ": seed=" + std::to_string(m.seed));
    sw.members.push_back(std::move(m));
  }
  return sw;
}

// The replicate mean at `step` of a metric in every member of a sweep.
std::vector<double> member_means(const Sweep& sweep, const std::string& dir, const std::string& metric,
                                 std::uint32_t step) {
  std::vector<double> out;
  out.reserve(sweep.members.size());
  for (const auto& m : sweep.members) {
    const std::string path = member_path(dir, m);
    if (!member_file_complete(path))
      throw InputError(path + ": missing or incomplete; finish the runs with --resume before the analysis");
    const MetricData data = read_metric(path, metric);
    if (step >= data.points) throw InputError(path + ": has no step " + std::to_string(step));
    double sum = 0.0;
    for (std::size_t r = 0; r < data.replicates; ++r) sum += data.at(r, step);
    out.push_back(sum / static_cast<double>(data.replicates));
  }
  return out;
}

}  // namespace

std::uint64_t point_seed(const SensitivityFile& sa, std::size_t point) {
  return sa.common_random_numbers ? sa.seed : member_seed(sa.seed, static_cast<std::uint32_t>(point));
}

SensitivityRuns sensitivity_runs(const SensitivityFile& sa, const SensitivityDesign& design) {
  SensitivityRuns runs;
  runs.sweeps.push_back(design_sweep(sa, design, sa.base));
  runs.subdirs.emplace_back("points");
  for (std::size_t m = 0; m < sa.minus_scenarios.size(); ++m) {
    runs.sweeps.push_back(design_sweep(sa, design, sa.minus_scenarios[m]));
    runs.subdirs.push_back("minus-" + std::to_string(m + 1));
  }
  return runs;
}

std::vector<std::vector<double>> read_sensitivity_outputs(const SensitivityFile& sa, const SensitivityRuns& runs,
                                                          const std::string& dir) {
  std::vector<std::vector<double>> outputs;
  for (const auto& o : sa.outputs) {
    std::vector<double> y = member_means(runs.sweeps[0], (fs::path(dir) / runs.subdirs[0]).string(), o.metric, o.step);
    if (o.minus >= 0) {
      const auto s = static_cast<std::size_t>(o.minus) + 1;
      const std::vector<double> other =
          member_means(runs.sweeps[s], (fs::path(dir) / runs.subdirs[s]).string(), o.metric, o.step);
      for (std::size_t i = 0; i < y.size(); ++i) y[i] -= other[i];
    }
    outputs.push_back(std::move(y));
  }
  return outputs;
}

}  // namespace gs
