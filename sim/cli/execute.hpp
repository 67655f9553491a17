#pragma once
// Run one scenario end to end: graph -> model steps -> HDF5 file at `output`
// (written atomically). Used by `groundswell run` and by sweeps.
#include <string>

#include "sim/engine/run.hpp"
#include "sim/scenario/scenario.hpp"

namespace gs {

struct ExecuteOptions {
  bool quiet = false;  // no progress or summary on stderr
  bool resume = false;  // continue from OUT.checkpoint when there is one (output.checkpoint_every)
};

struct ExecuteSummary {
  std::size_t nodes = 0;
  std::uint64_t edges = 0;
  double graph_seconds = 0;
  double run_seconds = 0;
  RunResult result;
};

ExecuteSummary execute_scenario(const Scenario& s, const std::string& output, const ExecuteOptions& options = {});

}  // namespace gs
