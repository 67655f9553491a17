#pragma once
// Running ABC-SMC through the sweep machinery: each generation's particles
// are one sweep, run into DIR/gen-K/ by run_sweep() (serially or over MPI
// ranks, resumable). Every rank replays the same arithmetic on the same
// member files, so every rank proposes the same next generation and the
// posterior is bitwise the same for any rank count.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/sweep/calibration_smc.hpp"
#include "sim/sweep/mpi_session.hpp"
#include "sim/sweep/sweep.hpp"

namespace gs {

struct CalibrationRunOptions {
  std::string dir;
  bool resume = false;  // keep complete member files of an interrupted calibration in DIR
  bool quiet = false;  // no progress lines
  bool verbose = false;  // a progress line per simulation too
};

struct GenerationSummary {
  std::uint32_t generation = 0;
  std::size_t simulations = 0;
  std::size_t infeasible = 0;  // of those, particles outside the model's domain (rejected)
  double tolerance = 0;  // distance of the worst particle kept after this generation
  double acceptance = 1;  // share of this generation's new particles below the previous tolerance
  double ess = 0;  // effective sample size of the kept particles
};

struct CalibrationResult {
  std::vector<Particle> posterior;  // weights sum to 1
  std::vector<GenerationSummary> generations;
  std::size_t simulations = 0;
  std::size_t simulations_run_now = 0;
};

// The sweep that simulates `particles` of `generation`: member i is particle i.
Sweep generation_sweep(const Calibration& c, const std::vector<Particle>& particles, std::uint32_t generation);

// Collective: every MPI rank calls it. Throws InputError for a DIR that is
// not empty without resume, or that holds another calibration.
CalibrationResult run_calibration(const Calibration& c, const CalibrationRunOptions& options, const MpiSession& mpi);

}  // namespace gs
