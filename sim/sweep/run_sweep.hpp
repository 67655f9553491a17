#pragma once
// Running a whole sweep into a directory: the directory checks, --resume,
// handing members to MPI ranks and writing index.h5/.csv. `groundswell sweep`
// calls it, and so can any command that expands its own design into a Sweep
// (sensitivity analysis, calibration): they share resume, MPI and the index.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/sweep/mpi_session.hpp"
#include "sim/sweep/runner.hpp"
#include "sim/sweep/sweep.hpp"

namespace gs {

struct SweepRunOptions {
  std::string dir;
  bool resume = false;  // keep complete member files made from the same scenario; run the rest
  bool quiet = false;  // no progress lines
  bool write_index = true;  // DIR/index.h5 and DIR/index.csv
  // The members' scenarios (load_member, index order) when the caller has
  // loaded them already; empty: run_sweep loads them (1,000 members: 3 s).
  std::vector<Scenario> scenarios;
};

struct SweepOutcome {
  std::vector<MemberStatus> results;  // one per member, index order (rank 0 only)
  std::size_t ran = 0;  // members run now and done
  std::size_t earlier = 0;  // members complete before (--resume)
  std::size_t failed = 0;
};

// Collective: every MPI rank calls it with the same sweep. Throws InputError
// (on rank 0; other ranks return with failed = members) when DIR is not empty
// without resume, or holds a member file made from other parameters.
SweepOutcome run_sweep(const Sweep& sweep, const SweepRunOptions& options, const MpiSession& mpi);

// One member only (Slurm job arrays); returns the member's status.
MemberStatus run_sweep_member(const Sweep& sweep, std::uint32_t index, const SweepRunOptions& options);

// DIR/<member name>.h5
std::string member_path(const std::string& dir, const SweepMember& member);

}  // namespace gs
