#pragma once
// Checkpoints: a run's full model state and the values recorded so far, in an
// HDF5 file beside the output (OUT.h5.checkpoint), written atomically like the
// output, so `groundswell run --resume` continues a killed run and produces a
// file identical to an uninterrupted run's. Layout: docs/reliability.md.
#include <string>

#include "sim/engine/run.hpp"

namespace gs {

std::string checkpoint_path(const std::string& output);

// scenario_yaml identifies the run: resuming with another scenario is refused.
void write_checkpoint(const std::string& path, const std::string& scenario_yaml, std::uint32_t replicate,
                      std::uint32_t step, const RunResult& so_far, Model& model);

// Throws OutputError naming the path when the file is not a readable checkpoint.
RunState read_checkpoint(const std::string& path, std::string& scenario_yaml);

}  // namespace gs
