#pragma once
// Run one scenario end to end: graph -> model steps -> HDF5 file at `output`
// (written atomically). Used by `groundswell run` and by sweeps.
#include <string>

#include "sim/engine/run.hpp"
#include "sim/scenario/scenario.hpp"

namespace gs {

// The graph each replicate runs on: one for all replicates, or a new one
// every `new_graph_every` replicates, seeded by the scenario seed and the
// graph's index. Replicates must be asked for in order.
class ScenarioWorlds {
 public:
  explicit ScenarioWorlds(const Scenario& s) : scenario_(s) {}
  const World& for_replicate(std::uint32_t replicate);
  std::uint64_t seed_for(std::uint32_t graph_index) const;
  double seconds() const { return seconds_; }

 private:
  const Scenario& scenario_;
  World world_;
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
  RunResult result;
};

// The run plan of a scenario as execute_scenario runs it: model, parameters,
// seed, steps, replicates, and output.checkpoint_every and
// output.neighbourhoods. No checkpoint callback and nothing to resume from.
RunPlan plan_for(const Scenario& s);

ExecuteSummary execute_scenario(const Scenario& s, const std::string& output, const ExecuteOptions& options = {});

}  // namespace gs
