#pragma once
// Run one scenario end to end: graph -> model steps -> HDF5 file at `output`
// (written atomically). Used by `groundswell run` and by sweeps.
#include <memory>
#include <mutex>
#include <string>

#include "sim/engine/run.hpp"
#include "sim/scenario/scenario.hpp"

namespace gs {

// The last graph built, kept for the next run that asks for the same one:
// sweep members (and explore's arms) that share their generator, graph
// parameters and seed run on one graph instead of building it each time.
// A graph is deterministic in (generator, parameters, seed), so results do
// not change. Memory stays that of one graph: a different graph frees the
// kept one (when no run still holds it) before it is built. Graphs read from
// files (parameters naming a path, such as edgelist's) are never kept: the
// file may change between runs. Thread-safe.
class WorldCache {
 public:
  std::shared_ptr<const World> get(const GraphGeneratorInfo& generator, const ParamValues& params, std::uint64_t seed);
  std::uint64_t builds() const;  // graphs built through the cache (misses)
  std::uint64_t hits() const;

 private:
  mutable std::mutex mutex_;
  const GraphGeneratorInfo* generator_ = nullptr;
  ParamValues params_;
  std::uint64_t seed_ = 0;
  std::shared_ptr<const World> world_;
  std::uint64_t builds_ = 0;
  std::uint64_t hits_ = 0;
};

// The graph each replicate runs on: one for all replicates, or a new one
// every `new_graph_every` replicates, seeded by the scenario seed and the
// graph's index. Replicates must be asked for in order. With a cache, a
// graph the previous run built with the same specification is reused.
class ScenarioWorlds {
 public:
  explicit ScenarioWorlds(const Scenario& s, WorldCache* cache = nullptr) : scenario_(s), cache_(cache) {}
  const World& for_replicate(std::uint32_t replicate);
  std::uint64_t seed_for(std::uint32_t graph_index) const;
  double seconds() const { return seconds_; }

 private:
  const Scenario& scenario_;
  WorldCache* cache_;
  std::shared_ptr<const World> world_;
  std::uint32_t built_ = UINT32_MAX;
  double seconds_ = 0;
};

struct ExecuteOptions {
  bool quiet = false;  // no progress or summary on stderr
  bool resume = false;  // continue from OUT.checkpoint when there is one (output.checkpoint_every)
  // Called after every step (done, total) besides the progress bar; may throw to cancel the run
  // (nothing is written then). Used by `groundswell explore` to stream progress.
  ProgressCallback progress = {};
  bool force = false;  // replace a read-only output file
  // Where the graph comes from when the previous run built the same one
  // (sweeps); nullptr: build it.
  WorldCache* worlds = nullptr;
};

// Refuses (std::runtime_error, exit 1), before anything is allocated, a
// scenario whose graph and state cannot fit: at least bytes_per_node_at_least
// per node of the graph's size parameter, against the machine's physical
// memory and the process's address-space and data limits (ulimit -v, -d).
constexpr std::uint64_t bytes_per_node_at_least = 32;  // CSR offsets and ties, population and model state
void check_memory(const Scenario& s);

struct ExecuteSummary {
  std::size_t nodes = 0;
  std::uint64_t edges = 0;
  double graph_seconds = 0;
  double run_seconds = 0;
  double output_seconds = 0;  // writing the HDF5 file: create, write, verify (and, but for a sweep's members, whose
                              // files finish in the background, fsync and rename)
  RunResult result;
};

// The run plan of a scenario as execute_scenario runs it: model, parameters,
// seed, steps, replicates, and output.checkpoint_every and
// output.neighbourhoods. No checkpoint callback and nothing to resume from.
RunPlan plan_for(const Scenario& s);

ExecuteSummary execute_scenario(const Scenario& s, const std::string& output, const ExecuteOptions& options = {});

}  // namespace gs
