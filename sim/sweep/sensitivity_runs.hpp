#pragma once
// A sensitivity design as sweeps the sweep machinery runs (serially, over MPI,
// one point with --member, --resume), and the outputs read back from them.
// Every design point is one sweep member; a `minus:` scenario gets its own
// sweep over the same points with the same seeds, so the difference is paired.
#include <string>
#include <vector>

#include "sim/sweep/sensitivity_design.hpp"
#include "sim/sweep/sweep.hpp"

namespace gs {

struct SensitivityRuns {
  std::vector<Sweep> sweeps;  // [0]: the base scenario; [1 + m]: minus scenario m
  std::vector<std::string> subdirs;  // of DIR, one per sweep: "points", "minus-1", ...
};

SensitivityRuns sensitivity_runs(const SensitivityFile& sa, const SensitivityDesign& design);

// The seed of design point `point`: the file's seed for every point with
// common random numbers, else a distinct seed per point.
std::uint64_t point_seed(const SensitivityFile& sa, std::size_t point);

// outputs[o][point]: output o of the file (the replicate mean of the metric at
// its step, minus the same on its minus scenario) at every design point.
// Throws InputError naming a member file that is missing or incomplete.
std::vector<std::vector<double>> read_sensitivity_outputs(const SensitivityFile& sa, const SensitivityRuns& runs,
                                                          const std::string& dir);

}  // namespace gs
