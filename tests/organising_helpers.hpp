#pragma once
// Shared by the organising-model tests: run a scenario in-process on a graph
// built once, and read metrics back by name.
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/engine/run.hpp"
#include "sim/scenario/scenario.hpp"

namespace gs::testing {

struct Outcome {
  RunResult result;
  std::uint32_t steps = 0, replicates = 0;

  const std::vector<double>& series(const std::string& metric) const {
    for (std::size_t m = 0; m < result.metrics.size(); ++m)
      if (result.metrics[m].name == metric) return result.values[m];
    throw std::logic_error("no metric " + metric);
  }
  double at(const std::string& metric, std::uint32_t replicate, std::uint32_t step) const {
    return series(metric)[replicate * (steps + 1) + step];
  }
  std::vector<double> finals(const std::string& metric) const {
    std::vector<double> out;
    for (std::uint32_t r = 0; r < replicates; ++r) out.push_back(at(metric, r, steps));
    return out;
  }
  double final_mean(const std::string& metric) const {
    const auto f = finals(metric);
    return std::accumulate(f.begin(), f.end(), 0.0) / static_cast<double>(f.size());
  }
};

// Runs f with the given OpenMP thread count, restoring the previous one.
template <class F>
auto with_threads(int threads, F&& f) {
  const int before = omp_get_max_threads();
  omp_set_num_threads(threads);
  auto out = f();
  omp_set_num_threads(before);
  return out;
}

// One thread unless told otherwise: results are the same for any thread
// count (tested on its own), and one thread is fastest on a shared machine.
// Each step is split across the threads even on small worlds, so that tests
// of thread independence exercise the split.
inline Outcome run_scenario(const Scenario& s, const World& world, int threads = 1) {
  RunPlan plan{s.model, s.model_params, s.seed, s.steps, s.replicates};
  plan.side_by_side_below = plan.one_thread_below = 0;
  return with_threads(threads, [&] { return Outcome{run(plan, world), s.steps, s.replicates}; });
}

inline Outcome run_scenario(const Scenario& s) {
  const World world = s.graph->generate(s.graph_params, s.seed);
  return run_scenario(s, world);
}

inline Outcome run_text(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return run_scenario(load_scenario_text(yaml, "test.yaml", overrides));
}

inline std::string source(const std::string& relative) { return std::string(GROUNDSWELL_SOURCE_DIR) + "/" + relative; }

}  // namespace gs::testing
