/* The plug-in groundswell-mpi.so: the MPI calls of sim/sweep/mpi_calls.h on
   MPI_COMM_WORLD, built only when MPI is installed (CMakeLists.txt) and
   opened by sim/sweep/mpi_session.cpp when a sweep, sensitivity analysis or
   calibration starts MPI. */
#include <mpi.h>

#include "sim/sweep/mpi_calls.h"

static int start(int* rank, int* size) {
  int provided = 0;
  if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) return 1;
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, size);
  return 0;
}

static void finish(void) { MPI_Finalize(); }

static void broadcast(void* data, int bytes) { MPI_Bcast(data, bytes, MPI_BYTE, 0, MPI_COMM_WORLD); }

static void send(int to, int tag, const void* data, int bytes) {
  MPI_Send(data, bytes, MPI_BYTE, to, tag, MPI_COMM_WORLD);
}

static void receive(int from, int tag, void* data, int bytes) {
  MPI_Recv(data, bytes, MPI_BYTE, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

static int waiting(int tag, int* from, int* bytes) {
  int ready = 0;
  MPI_Status status;
  MPI_Iprobe(MPI_ANY_SOURCE, tag, MPI_COMM_WORLD, &ready, &status);
  if (!ready) return 0;
  *from = status.MPI_SOURCE;
  MPI_Get_count(&status, MPI_BYTE, bytes);
  return 1;
}

static const struct GroundswellMpiCalls calls = {
    GROUNDSWELL_MPI_CALLS_VERSION, start, finish, broadcast, send, receive, waiting};

const struct GroundswellMpiCalls* groundswell_mpi_calls(void) { return &calls; }
