#pragma once
// The replicate x step loop. Parallelism lives inside each model step (OpenMP
// over agents); replicates run one after another so memory stays that of one.
#include <cstdint>
#include <functional>
#include <vector>

#include "sim/engine/model.hpp"

namespace gs {

struct RunPlan {
  const ModelInfo* model = nullptr;
  ParamValues model_params;
  std::uint64_t seed = 1;
  std::uint32_t steps = 1;
  std::uint32_t replicates = 1;
};

struct RunResult {
  std::vector<MetricSpec> metrics;
  // values[m][r * (steps + 1) + t]: metric m, replicate r, step t.
  std::vector<std::vector<double>> values;
};

using ProgressCallback = std::function<void(std::uint64_t done, std::uint64_t total)>;

// The world for a replicate; called in replicate order, so it may rebuild
// the graph for some replicates and return the same one for others.
using WorldSource = std::function<const World&(std::uint32_t replicate)>;

RunResult run(const RunPlan& plan, const WorldSource& world, const ProgressCallback& progress = {});
RunResult run(const RunPlan& plan, const World& world, const ProgressCallback& progress = {});

}  // namespace gs
