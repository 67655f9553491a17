#include "sim/sweep/mpi_session.hpp"

#include <cstdlib>
#include <stdexcept>

#ifdef GROUNDSWELL_HAVE_MPI
#include <mpi.h>
#endif

namespace gs {

bool mpi_available() {
#ifdef GROUNDSWELL_HAVE_MPI
  return true;
#else
  return false;
#endif
}

bool launched_by_mpi_runner() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID"})
    if (std::getenv(name)) return true;
  return false;
}

MpiSession::MpiSession(bool start) {
#ifdef GROUNDSWELL_HAVE_MPI
  if (!start) return;
  int provided = 0;
  // OpenMP threads inside a rank never call MPI.
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
    throw std::runtime_error("MPI_Init_thread failed");
  active_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
#else
  (void)start;
#endif
}

MpiSession::~MpiSession() {
#ifdef GROUNDSWELL_HAVE_MPI
  if (active_) MPI_Finalize();
#endif
}

int MpiSession::broadcast(int code) const {
#ifdef GROUNDSWELL_HAVE_MPI
  if (active_) MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
#endif
  return code;
}

std::string MpiSession::broadcast(std::string text) const {
#ifdef GROUNDSWELL_HAVE_MPI
  if (active_) {
    int size = broadcast(static_cast<int>(text.size()));
    text.resize(static_cast<std::size_t>(size));
    MPI_Bcast(text.data(), size, MPI_CHAR, 0, MPI_COMM_WORLD);
  }
#endif
  return text;
}

}  // namespace gs
