#pragma once
// MPI for the sweep command only. MPI is initialised when the process was
// started by mpirun/srun (or --mpi is given), so a plain `groundswell sweep`
// needs no MPI launcher; builds without MPI (GROUNDSWELL_HAVE_MPI unset) run
// members serially. MPI itself lives in a plug-in (mpi_calls.h) opened when
// a session starts it.
#include <string>

#include "sim/sweep/mpi_calls.h"

namespace gs {

bool mpi_available();  // built with MPI
bool launched_by_mpi_runner();  // environment set by mpirun, srun or another PMI launcher
// The MPI calls, once an MpiSession has started MPI (std::logic_error before).
const GroundswellMpiCalls& mpi_calls();

class MpiSession {
 public:
  explicit MpiSession(bool start);  // start: initialise MPI (when available)
  ~MpiSession();  // finalises if it initialised
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool active() const { return active_; }
  // Rank 0's value of `code` on every rank (a no-op without MPI).
  int broadcast(int code) const;
  std::string broadcast(std::string text) const;

 private:
  bool active_ = false;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace gs
