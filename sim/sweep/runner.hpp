#pragma once
// Running a sweep's members: one HDF5 file per member in the output
// directory, serially or spread over MPI ranks. Every member's data depends
// only on its scenario, so the runner and rank count never change results.
#include <cstdint>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/io/background_finisher.hpp"
#include "sim/run/execute.hpp"
#include "sim/sweep/sweep.hpp"

namespace gs {

struct MemberStatus {
  std::string status = "missing";  // done, done-earlier, failed, missing
  double wall_seconds = std::numeric_limits<double>::quiet_NaN();
  // Of that, writing the member's HDF5 file (build and write; in a sweep the
  // fsync and rename follow on the finisher's thread, off this time);
  // known where the member ran (not sent between MPI ranks).
  double output_seconds = std::numeric_limits<double>::quiet_NaN();
  std::string message;  // why it failed
  // Failed because the model has no valid state at the member's parameters
  // (InfeasibleParameters): a calibration rejects such a particle.
  bool infeasible = false;
};

struct SweepJob {
  const Sweep* sweep = nullptr;
  std::vector<Scenario> scenarios;  // one per member, index order
  std::string dir;
  bool quiet = false;
  // The last graph built in this process: members that share generator,
  // graph parameters and seed (a sensitivity analysis with common random
  // numbers, say) build it once. Memory stays that of one graph.
  std::shared_ptr<WorldCache> worlds = std::make_shared<WorldCache>();
  // When set (run_sweep), member files are flushed and renamed by it while
  // the next member runs; each member's lock is held until its file is in
  // place. finish_member_files() waits for it.
  BackgroundFinisher* finisher = nullptr;
  // The temporaries in `dir` when this process's share of the sweep began
  // (list_temporaries): a member's stale ones are looked up here, not by
  // listing the directory before each member (at 10,000 members, about 3 ms
  // each). Null: list the directory each time.
  std::shared_ptr<const std::set<std::string>> temporaries_at_start;
};

// Names of the temporaries (".NAME.tmp-...") in dir.
std::set<std::string> list_temporaries(const std::string& dir);

// A member whose file failed after run_member returned "done": its flush or
// rename on the finisher's thread failed (a full disk, say).
struct LateFailure {
  std::uint32_t index = 0;
  std::string message;
};

std::string member_file_name(const SweepMember& m);  // "<name>.h5"

// Runs one member into DIR/<name>.h5; failures are caught and returned.
MemberStatus run_member(const SweepJob& job, std::uint32_t index);

// Expected cost population x steps x replicates, largest first (ties by
// index), so the longest members start first and the tail stays short.
std::vector<std::uint32_t> longest_first(const SweepJob& job, std::vector<std::uint32_t> todo);

// Waits until every member file this process handed to job.finisher is in
// place (or failed) and returns those that failed. Without a finisher, none.
// Throws OutputError for a failed file that is no member's.
std::vector<LateFailure> finish_member_files(const SweepJob& job);

// Marks the late failures failed in `results`, with a progress line each
// (shown with --quiet too, as every failure).
void record_late_failures(const SweepJob& job, const std::vector<LateFailure>& failures,
                          std::vector<MemberStatus>& results, std::size_t total, int rank);

// Runs the members in turn, then finish_member_files: every member "done"
// in `results` is complete under its final name when it returns.
void run_serial(const SweepJob& job, const std::vector<std::uint32_t>& todo, std::vector<MemberStatus>& results);

// Rank 0 hands out members one at a time to ranks 1..size-1 as they become
// free and gathers their statuses into `results`; the other ranks run them,
// and once told to stop, finish their member files and send rank 0 the late
// failures.
void run_mpi(const SweepJob& job, const std::vector<std::uint32_t>& todo, std::vector<MemberStatus>& results, int rank,
             int size);

// One progress line on stderr: "[done/total] name status in S s (rank r; output M ms)".
void report_member(const SweepJob& job, std::uint32_t index, const MemberStatus& st, std::size_t finished,
                   std::size_t total, int rank);

}  // namespace gs
