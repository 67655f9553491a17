#include "sim/engine/run.hpp"

#include <cstring>
#include <stdexcept>

namespace gs {
namespace {

// Overwrites the model's state arrays with a checkpoint's, which must name
// the same arrays with the same sizes.
void restore(Model& model, const RunState& state) {
  auto arrays = model.state_arrays();
  if (arrays.size() != state.arrays.size())
    throw std::runtime_error("the checkpoint holds " + std::to_string(state.arrays.size()) +
                             " state arrays but the model has " + std::to_string(arrays.size()));
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    const auto& [name, bytes] = state.arrays[i];
    void* target = arrays[i].data;
    if (name == arrays[i].name && bytes.size() != arrays[i].bytes && arrays[i].resize)
      target = arrays[i].resize(bytes.size());
    else if (name != arrays[i].name || bytes.size() != arrays[i].bytes)
      throw std::runtime_error("the checkpoint's state array '" + name + "' (" + std::to_string(bytes.size()) +
                               " bytes) does not match the model's '" + arrays[i].name + "' (" +
                               std::to_string(arrays[i].bytes) + " bytes)");
    if (!bytes.empty()) std::memcpy(target, bytes.data(), bytes.size());
  }
  model.restored();
}

}  // namespace

RunResult run(const RunPlan& plan, const World& world, const ProgressCallback& progress) {
  return run(
      plan, [&](std::uint32_t) -> const World& { return world; }, progress);
}

RunResult run(const RunPlan& plan, const WorldSource& world_for, const ProgressCallback& progress) {
  RunResult result;
  result.metrics = plan.model->metrics;
  const std::size_t per_replicate = plan.steps + 1;
  result.values.assign(result.metrics.size(), std::vector<double>(per_replicate * plan.replicates, 0.0));
  std::vector<double> sample(result.metrics.size());
  const std::uint64_t total = std::uint64_t{plan.steps} * plan.replicates;

  std::uint32_t first_replicate = 0;
  const RunState* resume = plan.resume;
  if (resume) {
    if (resume->values.size() != result.values.size() || resume->replicate >= plan.replicates ||
        resume->step > plan.steps ||
        (!resume->values.empty() && resume->values.front().size() != result.values.front().size()))
      throw std::runtime_error("the checkpoint does not match the run's metrics, steps or replicates");
    result.values = resume->values;
    // A checkpoint at a replicate's last step: carry on with the next one.
    first_replicate = resume->step == plan.steps ? resume->replicate + 1 : resume->replicate;
  }

  for (std::uint32_t r = first_replicate; r < plan.replicates; ++r) {
    auto model = plan.model->create(plan.model_params, world_for(r));
    auto record = [&](std::uint32_t t) {
      model->measure(sample);
      for (std::size_t m = 0; m < sample.size(); ++m) result.values[m][r * per_replicate + t] = sample[m];
    };
    model->initialise(StepContext{plan.seed, r, 0});
    std::uint32_t first_step = 1;
    if (resume && r == resume->replicate) {
      restore(*model, *resume);
      first_step = resume->step + 1;
    } else {
      record(0);
    }
    for (std::uint32_t t = first_step; t <= plan.steps; ++t) {
      model->step(StepContext{plan.seed, r, t});
      record(t);
      if (progress) progress(std::uint64_t{r} * plan.steps + t, total);
      const bool last = r + 1 == plan.replicates && t == plan.steps;  // the output follows at once
      if (plan.checkpoint && plan.checkpoint_every && t % plan.checkpoint_every == 0 && !last)
        plan.checkpoint(r, t, result, *model);
    }
  }
  return result;
}

}  // namespace gs
