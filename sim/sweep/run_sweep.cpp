#include "sim/sweep/run_sweep.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>

#include "sim/io/background_finisher.hpp"
#include "sim/io/directory_sync.hpp"
#include "sim/io/file_lock.hpp"
#include "sim/io/output.hpp"
#include "sim/sweep/index.hpp"
#include "sim/sweep/member_file.hpp"

namespace gs {
namespace {
namespace fs = std::filesystem;

constexpr int exit_bad_input = 2;

std::string without_first_line(const std::string& text) {
  const auto nl = text.find('\n');
  return nl == std::string::npos ? "" : text.substr(nl + 1);
}

// A member counts as done only if its file is complete and was made from the
// same scenario; a complete file from another sweep is refused, not reused.
bool already_done(const SweepJob& job, std::uint32_t index) {
  const std::string path = member_path(job.dir, job.sweep->members[index]);
  if (!member_file_complete(path)) return false;
  // The first line names the file the scenario was read from, which depends on the working directory.
  if (without_first_line(member_file_scenario(path)) != without_first_line(job.scenarios[index].resolved_yaml))
    throw InputError(path + ": was made from different parameters than member " + std::to_string(index) + " of " +
                     job.sweep->path + " (was the sweep file changed?); use a new --out-dir, or delete the file");
  return true;
}

// Lock files (.NAME.lock) of this and concurrent processes do not count.
bool directory_has_entries(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] != '.' || !name.ends_with(".lock")) return true;
  }
  return false;
}

void make_directory(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir)) throw OutputError(dir + ": cannot create output directory: " + ec.message());
}

// Member locks left by a killed process (one killed after its member was
// complete, which --resume then skips) are removed: each is taken, which
// succeeds only when no live process holds it, and released, which deletes it.
void remove_stale_member_locks(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> locks;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 9 && name[0] == '.' && name.ends_with(".h5.lock")) locks.push_back(entry.path().string());
  }
  for (const auto& path : locks) {
    try {
      const FileLock stale(path, path);
    } catch (const OutputError&) {
      // held by a live process (a --member run): its lock stays
    }
  }
}

SweepJob job_for(const Sweep& sweep, const SweepRunOptions& options) {
  SweepJob job;
  job.sweep = &sweep;
  job.quiet = options.quiet;
  job.dir = options.dir;
  if (options.scenarios.size() == sweep.members.size()) {
    job.scenarios = options.scenarios;
  } else {
    for (const auto& m : sweep.members) job.scenarios.push_back(load_member(sweep, m));
  }
  return job;
}

}  // namespace

std::string member_path(const std::string& dir, const SweepMember& member) {
  return (fs::path(dir) / member_file_name(member)).string();
}

MemberStatus run_sweep_member(const Sweep& sweep, std::uint32_t index, const SweepRunOptions& options) {
  const SweepJob job = job_for(sweep, options);
  make_directory(job.dir);
  if (options.resume && already_done(job, index)) {
    MemberStatus st;
    st.status = "done-earlier";
    return st;
  }
  MemberStatus st = run_member(job, index);
  report_member(job, index, st, 1, 1, 0);
  return st;
}

SweepOutcome run_sweep(const Sweep& sweep, const SweepRunOptions& options, const MpiSession& mpi) {
  const bool leader = mpi.rank() == 0;
  SweepJob job = job_for(sweep, options);
  SweepOutcome out;
  out.results.resize(sweep.members.size());

  // Rank 0 checks the directory and finds what is left to do; every rank
  // learns the outcome so a refusal ends the whole job.
  std::vector<std::uint32_t> todo;
  std::string refusal;
  std::optional<FileLock> lock;  // held by rank 0 until the index is written
  if (leader) {
    try {
      if (!options.resume && directory_has_entries(job.dir))
        throw InputError(job.dir + ": output directory is not empty; use --resume to finish a sweep there, or " +
                         "choose a new --out-dir");
      make_directory(job.dir);
      // Two sweeps started together into one empty directory both pass the
      // check above: the lock lets only one run, and then the check again.
      lock.emplace((fs::path(job.dir) / ".sweep.lock").string(), "the sweep directory " + job.dir);
      if (!options.resume && directory_has_entries(job.dir))
        throw InputError(job.dir + ": output directory is not empty; use --resume to finish a sweep there, or " +
                         "choose a new --out-dir");
      remove_stale_member_locks(job.dir);
      for (const auto& m : sweep.members) {
        if (options.resume && already_done(job, m.index))
          out.results[m.index].status = "done-earlier";
        else
          todo.push_back(m.index);
      }
    } catch (const std::exception& e) {
      refusal = e.what();
    }
  }
  if (mpi.broadcast(refusal.empty() ? 0 : exit_bad_input) != 0) {
    if (leader) throw InputError(refusal);
    out.failed = sweep.members.size();
    return out;
  }
  // Member files are flushed one by one before their rename; the directory
  // holding the renames at most once a second, and by the end of this
  // process's share of the sweep (docs/reliability.md).
  DeferredDirectorySync directory_sync;
  // Member files are flushed and renamed on its thread while the next member
  // runs; run_serial and run_mpi wait for it, so that by the index (and the
  // directory's flush) every member counted done is in place.
  BackgroundFinisher finisher;
  job.finisher = &finisher;
  job.temporaries_at_start = std::make_shared<const std::set<std::string>>(list_temporaries(job.dir));
  if (!leader) {
    run_mpi(job, {}, out.results, mpi.rank(), mpi.size());
    finisher.finish();
    directory_sync.finish();
    return out;
  }
  out.earlier = sweep.members.size() - todo.size();
  if (out.earlier && !job.quiet)
    std::fprintf(stderr, "sweep: %zu of %zu members already complete in %s\n", out.earlier, sweep.members.size(),
                 job.dir.c_str());
  if (mpi.active())
    run_mpi(job, todo, out.results, mpi.rank(), mpi.size());
  else
    run_serial(job, todo, out.results);
  finisher.finish();  // empty already: run_serial and run_mpi waited for it
  directory_sync.finish();
  if (options.write_index) write_index(job.dir, sweep, out.results);
  for (const auto& m : sweep.members)
    if (out.results[m.index].status == "failed") ++out.failed;
  out.ran = todo.size() - out.failed;
  return out;
}

}  // namespace gs
