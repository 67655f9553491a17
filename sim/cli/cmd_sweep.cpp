// groundswell sweep SWEEP.yaml --out-dir DIR [--resume] [--list] [--member N]
// Expands a sweep file into members and runs each into DIR/<name>.h5, over
// MPI ranks when launched by mpirun/srun, then writes DIR/index.h5 and .csv.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "sim/cli/command.hpp"
#include "sim/cli/options.hpp"
#include "sim/io/output.hpp"
#include "sim/sweep/index.hpp"
#include "sim/sweep/member_file.hpp"
#include "sim/sweep/mpi_session.hpp"
#include "sim/sweep/runner.hpp"

namespace gs {
namespace {
namespace fs = std::filesystem;

constexpr int exit_failure = 1;
constexpr int exit_bad_input = 2;

std::string without_first_line(const std::string& text) {
  const auto nl = text.find('\n');
  return nl == std::string::npos ? "" : text.substr(nl + 1);
}

// A member counts as done only if its file is complete and was made from the
// same scenario; a complete file from another sweep is refused, not reused.
bool already_done(const SweepJob& job, std::uint32_t index) {
  const std::string path = (fs::path(job.dir) / member_file_name(job.sweep->members[index])).string();
  if (!member_file_complete(path)) return false;
  // The first line names the file the scenario was read from, which depends on the working directory.
  if (without_first_line(member_file_scenario(path)) != without_first_line(job.scenarios[index].resolved_yaml))
    throw InputError(path + ": was made from different parameters than member " + std::to_string(index) + " of " +
                     job.sweep->path + " (was the sweep file changed?); use a new --out-dir, or delete the file");
  return true;
}

void print_members(const Sweep& sweep) {
  for (const auto& m : sweep.members) {
    std::printf("%u %s", m.index, m.name.c_str());
    for (const auto& v : m.values) std::printf(" %s=%s", v.path.c_str(), v.yaml.c_str());
    std::printf(" seed=%llu\n", static_cast<unsigned long long>(m.seed));
  }
}

bool directory_has_entries(const std::string& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec) && !fs::is_empty(dir, ec);
}

void make_directory(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!fs::is_directory(dir)) throw OutputError(dir + ": cannot create output directory: " + ec.message());
}

int run_one(const SweepJob& job, std::uint32_t index, bool resume) {
  make_directory(job.dir);
  const SweepMember& m = job.sweep->members[index];
  if (resume && already_done(job, index)) {
    std::fprintf(stderr, "%s: already complete\n", m.name.c_str());
    return 0;
  }
  const MemberStatus st = run_member(job, index);
  report_member(job, index, st, 1, 1, 0);
  if (st.status != "done") return exit_failure;
  std::printf("wrote %s\n", (fs::path(job.dir) / member_file_name(m)).string().c_str());
  return 0;
}

int sweep_body(const po::variables_map& vm, const MpiSession& mpi) {
  const bool leader = mpi.rank() == 0;
  const Sweep sweep = load_sweep(vm["sweep"].as<std::string>());
  SweepJob job;
  job.sweep = &sweep;
  job.quiet = vm.count("quiet") > 0;
  for (const auto& m : sweep.members) job.scenarios.push_back(load_member(sweep, m));
  if (vm.count("list")) {
    if (leader) print_members(sweep);
    return 0;
  }
  if (!vm.count("out-dir")) throw po::error("missing --out-dir DIR");
  job.dir = vm["out-dir"].as<std::string>();
  const bool resume = vm.count("resume") > 0;

  if (vm.count("member")) {
    const long long n = vm["member"].as<long long>();
    if (n < 0 || n >= static_cast<long long>(sweep.members.size()))
      throw InputError("--member " + std::to_string(n) + ": the sweep has members 0 to " +
                       std::to_string(sweep.members.size() - 1) + " (see --list)");
    return leader ? run_one(job, static_cast<std::uint32_t>(n), resume) : 0;
  }

  // Rank 0 checks the directory and finds what is left to do; every rank
  // learns the outcome so a refusal ends the whole job.
  std::vector<MemberStatus> results(sweep.members.size());
  std::vector<std::uint32_t> todo;
  std::string refusal;
  if (leader) {
    try {
      if (!resume && directory_has_entries(job.dir))
        throw InputError(job.dir + ": output directory is not empty; use --resume to finish a sweep there, or " +
                         "choose a new --out-dir");
      make_directory(job.dir);
      for (const auto& m : sweep.members) {
        if (resume && already_done(job, m.index))
          results[m.index].status = "done-earlier";
        else
          todo.push_back(m.index);
      }
    } catch (const std::exception& e) {
      refusal = e.what();
    }
  }
  if (mpi.broadcast(refusal.empty() ? 0 : exit_bad_input) != 0) {
    if (leader) throw InputError(refusal);
    return exit_bad_input;
  }
  if (!leader) {
    run_mpi(job, {}, results, mpi.rank(), mpi.size());
    return 0;
  }
  const std::size_t earlier = sweep.members.size() - todo.size();
  if (earlier && !job.quiet)
    std::fprintf(stderr, "sweep: %zu of %zu members already complete in %s\n", earlier, sweep.members.size(),
                 job.dir.c_str());
  if (mpi.active())
    run_mpi(job, todo, results, mpi.rank(), mpi.size());
  else
    run_serial(job, todo, results);
  write_index(job.dir, sweep, results);

  std::size_t failed = 0;
  for (const auto& m : sweep.members)
    if (results[m.index].status == "failed") {
      if (!failed++) std::fprintf(stderr, "failed members:\n");
      std::fprintf(stderr, "  %u %s: %s\n", m.index, m.name.c_str(), results[m.index].message.c_str());
    }
  std::printf("%zu members: %zu run now, %zu complete before, %zu failed; index: %s\n", sweep.members.size(),
              todo.size() - failed, earlier, failed, (fs::path(job.dir) / "index.h5").string().c_str());
  return failed ? exit_failure : 0;
}

int command_sweep(int argc, char** argv) {
  po::options_description opts("groundswell sweep SWEEP.yaml --out-dir DIR [options]");
  opts.add_options()("sweep", po::value<std::string>(), "sweep YAML file")(
      "out-dir,d", po::value<std::string>(), "directory for <member>.h5, index.h5 and index.csv")(
      "resume", "finish a sweep in DIR: skip members whose file is complete, run the rest")(
      "list", "print the members (index, name, values, seed), one a line, and exit")(
      "member", po::value<long long>(), "run only member N (for Slurm job arrays: --member $SLURM_ARRAY_TASK_ID)")(
      "threads,t", po::value<int>(), "OpenMP threads per process (default: OMP_NUM_THREADS or all cores)")(
      "mpi", "initialise MPI even when no MPI launcher is detected")("quiet,q", "no progress lines");
  po::positional_options_description pos;
  pos.add("sweep", 1);
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, pos, vm,
                     "\nUnder mpirun or srun, rank 0 hands out members (longest first) and the other ranks run them."
                     "\nMember data is bitwise identical for any rank count and --threads. See docs/cluster.md.\n"))
    return 0;
  if (!vm.count("sweep")) throw po::error("missing SWEEP (a YAML file)");
  if (vm.count("mpi") && !mpi_available())
    throw po::error("--mpi: this groundswell was built without MPI (configure with MPI installed)");
  // Without MPI every process would run the whole sweep into the same DIR.
  for (const char* size : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    const char* ranks = std::getenv(size);
    if (!mpi_available() && !vm.count("list") && !vm.count("member") && ranks != nullptr &&
        std::strtol(ranks, nullptr, 10) > 1)
      throw po::error(
          "started as several processes, but this groundswell was built without MPI; rebuild with MPI "
          "or run one process (or use --member with job arrays)");
  }
  apply_threads_option(vm);
  MpiSession mpi(mpi_available() && (vm.count("mpi") || launched_by_mpi_runner()));
  try {
    return sweep_body(vm, mpi);
  } catch (const std::exception&) {
    if (mpi.rank() == 0) throw;  // reported once, by rank 0
    return exit_bad_input;
  }
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_COMMAND(sweep, "sweep", "SWEEP.yaml --out-dir DIR", "run a parameter sweep (serially or over MPI)",
                             gs::command_sweep)
