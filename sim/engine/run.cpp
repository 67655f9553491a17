#include "sim/engine/run.hpp"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <exception>
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

// Replicates run side by side, one per thread, when the world is too small
// for one replicate's step to be split across threads profitably, the same
// world serves every replicate and nothing is checkpointed (a checkpoint
// holds one replicate's state). Results do not depend on it: each replicate's
// values go to their own slots.
bool side_by_side(const RunPlan& plan, const World& world, std::uint32_t first_replicate) {
  return plan.same_world_for_every_replicate && plan.checkpoint_every == 0 && !plan.resume &&
         plan.replicates - first_replicate > 1 && omp_get_max_threads() > 1 &&
         world.graph.nodes() < plan.side_by_side_below;
}

// A world this small is stepped on one thread: its parallel regions would
// cost more than their loops, and far more while another process holds a core.
class OneThreadIfSmall {
 public:
  OneThreadIfSmall(const World& world, std::size_t below) {
    if (world.graph.nodes() >= below) return;
    before_ = omp_get_max_threads();
    omp_set_num_threads(1);
  }
  ~OneThreadIfSmall() {
    if (before_ > 0) omp_set_num_threads(before_);
  }
  OneThreadIfSmall(const OneThreadIfSmall&) = delete;
  OneThreadIfSmall& operator=(const OneThreadIfSmall&) = delete;

 private:
  int before_ = 0;
};

using ReplicateRunner = std::function<void(std::uint32_t replicate, const World&, std::vector<double>& sample,
                                           std::vector<double>& hood_sample, const std::function<void()>& stepped)>;

void run_side_by_side(const RunPlan& plan, const World& world, std::uint32_t first_replicate,
                      const ProgressCallback& progress, const ReplicateRunner& run_one, std::size_t samples,
                      std::size_t hood_samples) {
  const std::uint64_t total = std::uint64_t{plan.steps} * plan.replicates;
  std::uint64_t done = std::uint64_t{plan.steps} * first_replicate;
  std::exception_ptr failure;
  std::uint32_t failed_replicate = plan.replicates;
  // Steps inside a replicate run on its thread alone (their parallel regions
  // are nested, so inactive), and threads do not wait for each other.
  const int levels = omp_get_max_active_levels();
  omp_set_max_active_levels(1);
  const auto count = static_cast<std::int64_t>(plan.replicates);
#pragma omp parallel
  {
    std::vector<double> sample, hood_sample;
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t r = first_replicate; r < count; ++r) {
      const auto replicate = static_cast<std::uint32_t>(r);
      try {
        sample.resize(samples);  // allocated here, where a std::bad_alloc is caught; then kept
        hood_sample.resize(hood_samples);
        run_one(replicate, world, sample, hood_sample, [&] {
          if (!progress) return;
          // The callback may throw to cancel the run: no exception may leave
          // the critical section either, so it is carried out of it.
          std::exception_ptr stop;
#pragma omp critical(gs_run_progress)
          try {
            progress(++done, total);
          } catch (...) {
            stop = std::current_exception();
          }
          if (stop) std::rethrow_exception(stop);
        });
      } catch (...) {  // no exception may leave an OpenMP region: keep the first replicate's
#pragma omp critical(gs_run_failure)
        if (replicate < failed_replicate) {
          failed_replicate = replicate;
          failure = std::current_exception();
        }
      }
    }
  }
  omp_set_max_active_levels(levels);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

RunResult run(const RunPlan& plan, const World& world, const ProgressCallback& progress) {
  RunPlan one_world = plan;
  one_world.same_world_for_every_replicate = true;
  return run(
      one_world, [&](std::uint32_t) -> const World& { return world; }, progress);
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

  // One replicate from step 0 (or from the checkpoint) to the end; its values
  // go to its own slots of `result`, so replicates may run side by side.
  auto run_replicate = [&](std::uint32_t r, const World& world, std::vector<double>& sample,
                           std::vector<double>& hood_sample, auto&& after_step) {
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
      after_step(t, *model);
    }
  };
  auto check_neighbourhoods = [&](std::uint32_t r, const World& world) {
    if (plan.neighbourhoods && !(neighbourhood_table(world.population) == result.neighbourhoods))
      throw std::runtime_error(
          "per-neighbourhood output needs the same neighbourhoods in every replicate, but replicate " +
          std::to_string(r) + " runs on a graph with other neighbourhoods");
  };

  if (first_replicate < plan.replicates && side_by_side(plan, world_for(first_replicate), first_replicate)) {
    run_side_by_side(
        plan, world_for(first_replicate), first_replicate, progress,
        [&](std::uint32_t r, const World& world, std::vector<double>& s, std::vector<double>& hs,
            const std::function<void()>& stepped) {
          check_neighbourhoods(r, world);
          run_replicate(r, world, s, hs, [&](std::uint32_t, Model&) { stepped(); });
        },
        sample.size(), hood_sample.size());
    return result;
  }
  for (std::uint32_t r = first_replicate; r < plan.replicates; ++r) {
    const World& world = world_for(r);
    const OneThreadIfSmall team(world, plan.one_thread_below);
    check_neighbourhoods(r, world);
    run_replicate(r, world, sample, hood_sample, [&](std::uint32_t t, Model& model) {
      if (progress) progress(std::uint64_t{r} * plan.steps + t, total);
      const bool last = r + 1 == plan.replicates && t == plan.steps;  // the output follows at once
      if (plan.checkpoint && plan.checkpoint_every && t % plan.checkpoint_every == 0 && !last)
        plan.checkpoint(r, t, result, model);
    });
  }
  return result;
}

}  // namespace gs
