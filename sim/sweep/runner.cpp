#include "sim/sweep/runner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

#include "sim/core/input_error.hpp"
#include "sim/io/file_lock.hpp"
#include "sim/io/output.hpp"
#include "sim/run/execute.hpp"

namespace gs {
namespace {
namespace fs = std::filesystem;

// A killed run leaves its temporary file (".<name>.h5.tmp-<host>-<pid>")
// behind; only this member's own are removed, and only under the member's
// lock, so neither concurrent job-array tasks nor a second process on the
// same member lose a live temporary. One left after the sweep began (by a
// process killed meanwhile) stays for the next run.
void remove_stale_temporaries(const SweepJob& job, const std::string& file) {
  const std::string prefix = "." + file + ".tmp-";
  const std::set<std::string> listed = job.temporaries_at_start ? std::set<std::string>{} : list_temporaries(job.dir);
  const std::set<std::string>& names = job.temporaries_at_start ? *job.temporaries_at_start : listed;
  std::error_code ec;
  for (auto it = names.lower_bound(prefix); it != names.end() && it->starts_with(prefix); ++it)
    fs::remove(fs::path(job.dir) / *it, ec);
}
}  // namespace

std::set<std::string> list_temporaries(const std::string& dir) {
  std::set<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with(".") && name.find(".tmp-") != std::string::npos) names.insert(std::move(name));
  }
  return names;
}

std::string member_file_name(const SweepMember& m) { return m.name + ".h5"; }

MemberStatus run_member(const SweepJob& job, std::uint32_t index) {
  const auto t0 = std::chrono::steady_clock::now();
  MemberStatus st;
  const std::string file = member_file_name(job.sweep->members[index]);
  try {
    auto lock = std::make_shared<const FileLock>((fs::path(job.dir) / ("." + file + ".lock")).string(),
                                                 "sweep member " + job.sweep->members[index].name + " in " + job.dir);
    remove_stale_temporaries(job, file);
    ExecuteOptions options;
    options.quiet = true;
    options.worlds = job.worlds.get();
    st.output_seconds =
        execute_scenario(job.scenarios[index], (fs::path(job.dir) / file).string(), options).output_seconds;
    // Until the file is renamed into place, another process taking the
    // member's lock would delete its temporary and run it again.
    if (job.finisher != nullptr) job.finisher->hand_over([lock] {});
    st.status = "done";
  } catch (const InfeasibleParameters& e) {
    st.status = "failed";
    st.infeasible = true;
    st.message = e.what();
  } catch (const std::exception& e) {
    st.status = "failed";
    st.message = e.what();
  }
  st.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return st;
}

std::vector<std::uint32_t> longest_first(const SweepJob& job, std::vector<std::uint32_t> todo) {
  auto cost = [&](std::uint32_t i) {
    const Scenario& s = job.scenarios[i];
    const double people = s.graph_params.has("population") ? s.graph_params.real("population") : 1.0;
    return people * s.steps * s.replicates;
  };
  std::stable_sort(todo.begin(), todo.end(), [&](std::uint32_t a, std::uint32_t b) { return cost(a) > cost(b); });
  return todo;
}

void report_member(const SweepJob& job, std::uint32_t index, const MemberStatus& st, std::size_t finished,
                   std::size_t total, int rank) {
  if (job.quiet && st.status != "failed") return;
  char output[48] = "";
  if (std::isfinite(st.output_seconds))
    std::snprintf(output, sizeof output, "; output %.2f ms", st.output_seconds * 1e3);
  std::fprintf(stderr, "[%zu/%zu] %s %s in %.1f s (rank %d%s)%s%s\n", finished, total,
               job.sweep->members[index].name.c_str(), st.status.c_str(), st.wall_seconds, rank, output,
               st.message.empty() ? "" : ": ", st.message.c_str());
}

std::vector<LateFailure> finish_member_files(const SweepJob& job) {
  std::vector<LateFailure> late;
  if (job.finisher == nullptr) return late;
  std::map<std::string, std::uint32_t> member_of;  // target path -> member index
  for (const auto& m : job.sweep->members) member_of[(fs::path(job.dir) / member_file_name(m)).string()] = m.index;
  std::string others;  // not a member's file: no member to fail, so the sweep fails
  for (FinishFailure& f : job.finisher->wait()) {
    const auto it = member_of.find(f.label);
    if (it != member_of.end())
      late.push_back({it->second, std::move(f.message)});
    else
      others += (others.empty() ? "" : "; ") + f.message;
  }
  if (!others.empty()) throw OutputError(others);
  return late;
}

void record_late_failures(const SweepJob& job, const std::vector<LateFailure>& failures,
                          std::vector<MemberStatus>& results, std::size_t total, int rank) {
  for (const LateFailure& f : failures) {
    MemberStatus& st = results[f.index];
    st.status = "failed";
    st.message = "its file was written but not finished: " + f.message;
    report_member(job, f.index, st, total, total, rank);
  }
}

void run_serial(const SweepJob& job, const std::vector<std::uint32_t>& todo, std::vector<MemberStatus>& results) {
  std::size_t finished = 0;
  for (std::uint32_t i : todo) {
    results[i] = run_member(job, i);
    report_member(job, i, results[i], ++finished, todo.size(), 0);
  }
  record_late_failures(job, finish_member_files(job), results, todo.size(), 0);
}

}  // namespace gs
