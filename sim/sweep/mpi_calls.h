/* MPI as the sweep layer uses it: a table of plain functions that the
   plug-in groundswell-mpi.so (sim/sweep/mpi_plugin/) fills from the MPI
   library. The program opens the plug-in only when it starts MPI, so a `run`
   does not load libmpi and its five companions at every start (3 ms and 100
   page faults: docs/performance.md, "Huge pages"). C, so that the plug-in
   needs no C++ runtime. Messages are bytes; every rank runs the same binary. */
#ifndef GROUNDSWELL_SIM_SWEEP_MPI_CALLS_H
#define GROUNDSWELL_SIM_SWEEP_MPI_CALLS_H

#ifdef __cplusplus
extern "C" {
#endif

#define GROUNDSWELL_MPI_CALLS_VERSION 1

struct GroundswellMpiCalls {
  int version; /* GROUNDSWELL_MPI_CALLS_VERSION */
  /* MPI_Init_thread (funnelled: OpenMP threads inside a rank never call MPI), then this rank and the size of
     MPI_COMM_WORLD; 0 on success. */
  int (*start)(int* rank, int* size);
  void (*finish)(void);
  /* Rank 0's `bytes` bytes at `data` to every rank. */
  void (*broadcast)(void* data, int bytes);
  void (*send)(int to, int tag, const void* data, int bytes);
  /* Exactly `bytes` bytes of a message of `tag` from rank `from`. */
  void (*receive)(int from, int tag, void* data, int bytes);
  /* Whether a message of `tag` from any rank is waiting (not blocking); if so, its sender and length. */
  int (*waiting)(int tag, int* from, int* bytes);
};

/* What the plug-in exports. */
const struct GroundswellMpiCalls* groundswell_mpi_calls(void);

#ifdef __cplusplus
}
#endif

#endif
