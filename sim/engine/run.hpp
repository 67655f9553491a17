#pragma once
// The replicate x step loop. Parallelism lives inside each model step (OpenMP
// over agents) and replicates run one after another, so memory stays that of
// one; except on small worlds, where replicates run side by side, one per
// thread (see RunPlan::side_by_side_below).
#include <cstdint>
#include <functional>
#include <vector>

#include "sim/engine/model.hpp"

namespace gs {

// What the output says about each neighbourhood, from the world's population.
struct NeighbourhoodTable {
  std::vector<std::int64_t> region;
  std::vector<double> deprivation;  // national rank in [0, 1): 0 least deprived, 1 most
  std::vector<std::int64_t> deprivation_quintile;  // 1 = most deprived fifth (as participation_q1)
  std::vector<std::int64_t> population;  // residents
  std::size_t size() const { return region.size(); }
  bool operator==(const NeighbourhoodTable&) const = default;
};

NeighbourhoodTable neighbourhood_table(const Population& population);

struct RunResult {
  std::vector<MetricSpec> metrics;
  // values[m][r * (steps + 1) + t]: metric m, replicate r, step t.
  std::vector<std::vector<double>> values;
  // Only with RunPlan::neighbourhoods, else empty: the model's neighbourhood
  // metrics, neighbourhood_values[m][(r * (steps + 1) + t) * neighbourhoods.size() + h].
  std::vector<MetricSpec> neighbourhood_metrics;
  std::vector<std::vector<double>> neighbourhood_values;
  NeighbourhoodTable neighbourhoods;
};

// Where a resumed run picks up: the model state after `step` of `replicate`
// and every value recorded up to there. Counter-based random numbers need no
// saved generator state.
struct RunState {
  std::uint32_t replicate = 0;
  std::uint32_t step = 0;
  std::vector<std::vector<double>> values;  // as RunResult::values
  std::vector<std::vector<double>> neighbourhood_values;  // as RunResult::neighbourhood_values
  std::vector<std::pair<std::string, std::vector<unsigned char>>> arrays;  // Model::state_arrays(), by name
};

// Called every checkpoint_every steps with the values so far and the model.
using CheckpointCallback =
    std::function<void(std::uint32_t replicate, std::uint32_t step, const RunResult& so_far, Model& model)>;

struct RunPlan {
  const ModelInfo* model = nullptr;
  ParamValues model_params;
  std::uint64_t seed = 1;
  std::uint32_t steps = 1;
  std::uint32_t replicates = 1;
  std::uint32_t checkpoint_every = 0;  // 0: never
  CheckpointCallback checkpoint = {};
  const RunState* resume = nullptr;  // continue from here instead of the start
  // Record the model's neighbourhood_metrics too (output.neighbourhoods). Every
  // replicate's world must have the same neighbourhoods, deprivation and regions.
  bool neighbourhoods = false;
  // Every replicate runs on the world of the first (no new_graph_every), so
  // replicates may run side by side on small worlds.
  bool same_world_for_every_replicate = false;
  // Worlds with fewer nodes than this run their replicates side by side, one
  // per thread: a town's step (136,500 people) gains less from two threads
  // (1.66x on an AVX2 machine) than two replicates at once do, and each
  // replicate's state is small enough to hold one per thread. 0: never.
  std::size_t side_by_side_below = 4000000;
  // Worlds with fewer nodes than this are stepped on one thread when their
  // replicates run in turn. 0: always split steps across threads (as tests
  // of thread independence do).
  std::size_t one_thread_below = static_cast<std::size_t>(min_parallel_agents);
};

using ProgressCallback = std::function<void(std::uint64_t done, std::uint64_t total)>;

// The world for a replicate; called in replicate order, so it may rebuild
// the graph for some replicates and return the same one for others.
using WorldSource = std::function<const World&(std::uint32_t replicate)>;

RunResult run(const RunPlan& plan, const WorldSource& world, const ProgressCallback& progress = {});
RunResult run(const RunPlan& plan, const World& world, const ProgressCallback& progress = {});

}  // namespace gs
