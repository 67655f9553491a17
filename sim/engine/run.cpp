#include "sim/engine/run.hpp"

#include <algorithm>
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
                             " state arrays but the model has " + std::to_string(arrays.size()) +
                             " (written by another version of the model: run again without --resume)");
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

NeighbourhoodTable neighbourhood_table(const Population& population) {
  NeighbourhoodTable t;
  const std::size_t n = population.neighbourhoods();
  t.region.resize(n);
  t.deprivation.resize(n);
  t.deprivation_quintile.resize(n);
  t.population.resize(n);
  for (std::size_t h = 0; h < n; ++h) {
    const auto id = static_cast<std::uint32_t>(h);
    t.region[h] = population.region.empty() ? 0 : population.region[h];
    t.deprivation[h] = population.deprivation.empty() ? 0.0 : population.deprivation[h];
    t.deprivation_quintile[h] = population.deprivation.empty() ? 0 : population.deprivation_quintile(id);
    t.population[h] =
        static_cast<std::int64_t>(population.neighbourhood_start[h + 1] - population.neighbourhood_start[h]);
  }
  return t;
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

  // Per-neighbourhood series: allocated only when asked for (UK scale: 34 MB
  // per replicate and metric).
  std::size_t hoods = 0;
  std::vector<double> hood_sample;
  if (plan.neighbourhoods) {
    if (plan.model->neighbourhood_metrics.empty())
      throw std::runtime_error("model '" + plan.model->name + "' reports nothing per neighbourhood");
    result.neighbourhood_metrics = plan.model->neighbourhood_metrics;
    result.neighbourhoods = neighbourhood_table(world_for(std::min(first_replicate, plan.replicates - 1)).population);
    hoods = result.neighbourhoods.size();
    result.neighbourhood_values.assign(result.neighbourhood_metrics.size(),
                                       std::vector<double>(per_replicate * plan.replicates * hoods, 0.0));
    hood_sample.resize(result.neighbourhood_metrics.size() * hoods);
    if (resume) {
      if (resume->neighbourhood_values.size() != result.neighbourhood_values.size() ||
          (!resume->neighbourhood_values.empty() &&
           resume->neighbourhood_values.front().size() != result.neighbourhood_values.front().size()))
        throw std::runtime_error("the checkpoint does not match the run's per-neighbourhood series");
      result.neighbourhood_values = resume->neighbourhood_values;
    }
  }

  for (std::uint32_t r = first_replicate; r < plan.replicates; ++r) {
    const World& world = world_for(r);
    if (plan.neighbourhoods && !(neighbourhood_table(world.population) == result.neighbourhoods))
      throw std::runtime_error(
          "per-neighbourhood output needs the same neighbourhoods in every replicate, but replicate " +
          std::to_string(r) + " runs on a graph with other neighbourhoods");
    auto model = plan.model->create(plan.model_params, world);
    auto record = [&](std::uint32_t t) {
      model->measure(sample);
      for (std::size_t m = 0; m < sample.size(); ++m) result.values[m][r * per_replicate + t] = sample[m];
      if (hoods == 0) return;
      model->measure_neighbourhoods(hood_sample);
      const std::size_t at = (r * per_replicate + t) * hoods;
      for (std::size_t m = 0; m < result.neighbourhood_values.size(); ++m)
        std::copy_n(hood_sample.begin() + static_cast<std::ptrdiff_t>(m * hoods), hoods,
                    result.neighbourhood_values[m].begin() + static_cast<std::ptrdiff_t>(at));
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
