#include "sim/cli/explore/results_json.hpp"

#include "analysis/statistics.hpp"

namespace gs::explore {
namespace {

using nlohmann::json;

// values[r * (steps + 1) + t] -> the replicates' values at step t.
std::vector<double> at_step(const std::vector<double>& values, std::uint32_t replicates, std::uint32_t steps,
                            std::uint32_t t) {
  std::vector<double> out(replicates);
  for (std::uint32_t r = 0; r < replicates; ++r) out[r] = values[std::size_t{r} * (steps + 1) + t];
  return out;
}

json band(const std::vector<stats::Summary>& per_step) {
  json mean = json::array(), low = json::array(), high = json::array();
  for (const auto& s : per_step) {
    mean.push_back(s.mean);  // NaN (a single replicate's interval) becomes null
    low.push_back(s.ci_low);
    high.push_back(s.ci_high);
  }
  return {{"mean", mean}, {"low", low}, {"high", high}};
}

json metric_series(const std::vector<double>& values, std::uint32_t replicates, std::uint32_t steps) {
  std::vector<stats::Summary> per_step;
  for (std::uint32_t t = 0; t <= steps; ++t)
    per_step.push_back(stats::summarize(at_step(values, replicates, steps, t)));
  return band(per_step);
}

// Mean over replicates of each neighbourhood at each step: [step][neighbourhood].
json neighbourhood_means(const std::vector<double>& values, std::uint32_t replicates, std::uint32_t steps,
                         std::size_t hoods) {
  json out = json::array();
  for (std::uint32_t t = 0; t <= steps; ++t) {
    std::vector<double> row(hoods, 0.0);
    for (std::uint32_t r = 0; r < replicates; ++r)
      for (std::size_t h = 0; h < hoods; ++h) row[h] += values[(std::size_t{r} * (steps + 1) + t) * hoods + h];
    for (double& x : row) x /= replicates;
    out.push_back(row);
  }
  return out;
}

json arm_json(const Arm& arm, const RunResult& result) {
  const Scenario& s = arm.scenario;
  json out;
  out["label"] = arm.label;
  out["overrides"] = arm.overrides;
  json series = json::object(), final_values = json::object();
  for (std::size_t m = 0; m < result.metrics.size(); ++m) {
    series[result.metrics[m].name] = metric_series(result.values[m], s.replicates, s.steps);
    final_values[result.metrics[m].name] = stats::mean(at_step(result.values[m], s.replicates, s.steps, s.steps));
  }
  out["series"] = series;
  out["final"] = final_values;
  // The first metric replicate by replicate, exactly as written to the HDF5 file.
  json replicates = json::array();
  const auto& first = result.values.front();
  const std::size_t per_replicate = std::size_t{s.steps} + 1;
  for (std::size_t r = 0; r < s.replicates; ++r) {
    const auto begin = first.begin() + static_cast<std::ptrdiff_t>(r * per_replicate);
    replicates.push_back(std::vector<double>(begin, begin + static_cast<std::ptrdiff_t>(per_replicate)));
  }
  out["replicate_series"] = {{"metric", result.metrics.front().name}, {"values", replicates}};
  json hoods = json::object();
  for (std::size_t m = 0; m < result.neighbourhood_metrics.size(); ++m)
    hoods[result.neighbourhood_metrics[m].name] =
        neighbourhood_means(result.neighbourhood_values[m], s.replicates, s.steps, result.neighbourhoods.size());
  out["neighbourhood_series"] = hoods;
  return out;
}

// B - A per replicate pair (same seed, so same random numbers where the parameters agree), at each step.
json difference_json(const RunResult& a, const RunResult& b, std::uint32_t replicates, std::uint32_t steps) {
  json out = json::object();
  for (std::size_t m = 0; m < a.metrics.size() && m < b.metrics.size(); ++m) {
    std::vector<stats::Summary> per_step;
    for (std::uint32_t t = 0; t <= steps; ++t) {
      const auto va = at_step(a.values[m], replicates, steps, t);
      const auto vb = at_step(b.values[m], replicates, steps, t);
      std::vector<double> d(replicates);
      for (std::uint32_t r = 0; r < replicates; ++r) d[r] = vb[r] - va[r];
      per_step.push_back(stats::summarize(d));
    }
    out[a.metrics[m].name] = band(per_step);
  }
  return out;
}

}  // namespace

json results_json(const Run& run, const std::vector<RunResult>& results) {
  const Scenario& first = run.arms.front().scenario;
  json out;
  out["id"] = run.id;
  out["steps"] = first.steps;
  out["replicates"] = first.replicates;
  out["seed"] = first.seed;
  json metrics = json::array();
  for (const auto& m : results.front().metrics)
    metrics.push_back({{"name", m.name}, {"description", m.description}, {"units", m.units}});
  out["metrics"] = metrics;
  json arms = json::array();
  for (std::size_t a = 0; a < results.size(); ++a) arms.push_back(arm_json(run.arms[a], results[a]));
  out["arms"] = arms;
  const NeighbourhoodTable& table = results.front().neighbourhoods;
  out["neighbourhoods"] = {{"region", table.region},
                           {"deprivation", table.deprivation},
                           {"deprivation_quintile", table.deprivation_quintile},
                           {"population", table.population}};
  // Paired differences need the same steps and replicates in both arms.
  if (results.size() == 2 && run.arms[1].scenario.steps == first.steps &&
      run.arms[1].scenario.replicates == first.replicates)
    out["difference"] = difference_json(results[0], results[1], first.replicates, first.steps);
  return out;
}

}  // namespace gs::explore
