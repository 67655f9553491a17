#include "sim/engine/run.hpp"

namespace gs {

RunResult run(const RunPlan& plan, const World& world, const ProgressCallback& progress) {
  return run(plan, [&](std::uint32_t) -> const World& { return world; }, progress);
}

RunResult run(const RunPlan& plan, const WorldSource& world_for, const ProgressCallback& progress) {
  RunResult result;
  result.metrics = plan.model->metrics;
  const std::size_t per_replicate = plan.steps + 1;
  result.values.assign(result.metrics.size(), std::vector<double>(per_replicate * plan.replicates, 0.0));
  std::vector<double> sample(result.metrics.size());
  const std::uint64_t total = std::uint64_t{plan.steps} * plan.replicates;

  for (std::uint32_t r = 0; r < plan.replicates; ++r) {
    auto model = plan.model->create(plan.model_params, world_for(r));
    auto record = [&](std::uint32_t t) {
      model->measure(sample);
      for (std::size_t m = 0; m < sample.size(); ++m) result.values[m][r * per_replicate + t] = sample[m];
    };
    model->initialise(StepContext{plan.seed, r, 0});
    record(0);
    for (std::uint32_t t = 1; t <= plan.steps; ++t) {
      model->step(StepContext{plan.seed, r, t});
      record(t);
      if (progress) progress(std::uint64_t{r} * plan.steps + t, total);
    }
  }
  return result;
}

}  // namespace gs
