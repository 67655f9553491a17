// groundswell sweep SWEEP.yaml --out-dir DIR [--resume] [--list] [--member N]
// Expands a sweep file into members and runs each into DIR/<name>.h5, over
// MPI ranks when launched by mpirun/srun, then writes DIR/index.h5 and .csv.
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "sim/cli/command.hpp"
#include "sim/cli/options.hpp"
#include "sim/io/output.hpp"
#include "sim/sweep/mpi_session.hpp"
#include "sim/sweep/run_sweep.hpp"

namespace gs {
namespace {
namespace fs = std::filesystem;

constexpr int exit_failure = 1;
constexpr int exit_bad_input = 2;

void print_members(const Sweep& sweep) {
  for (const auto& m : sweep.members) {
    std::printf("%u %s", m.index, m.name.c_str());
    for (const auto& v : m.values) std::printf(" %s=%s", v.path.c_str(), v.yaml.c_str());
    std::printf(" seed=%llu\n", static_cast<unsigned long long>(m.seed));
  }
}

int sweep_body(const po::variables_map& vm, const MpiSession& mpi) {
  const bool leader = mpi.rank() == 0;
  const Sweep sweep = load_sweep(vm["sweep"].as<std::string>());
  std::vector<Scenario> scenarios;  // every member valid before anything runs
  scenarios.reserve(sweep.members.size());
  for (const auto& m : sweep.members) scenarios.push_back(load_member(sweep, m));
  if (vm.count("list")) {
    if (leader) print_members(sweep);
    return 0;
  }
  if (!vm.count("out-dir")) throw po::error("missing --out-dir DIR");
  SweepRunOptions options;
  options.dir = vm["out-dir"].as<std::string>();
  options.resume = vm.count("resume") > 0;
  options.quiet = vm.count("quiet") > 0;
  options.scenarios = std::move(scenarios);

  if (vm.count("member")) {
    const long long n = vm["member"].as<long long>();
    if (n < 0 || n >= static_cast<long long>(sweep.members.size()))
      throw InputError("--member " + std::to_string(n) + ": the sweep has members 0 to " +
                       std::to_string(sweep.members.size() - 1) + " (see --list)");
    if (!leader) return 0;
    const SweepMember& m = sweep.members[static_cast<std::size_t>(n)];
    const MemberStatus st = run_sweep_member(sweep, static_cast<std::uint32_t>(n), options);
    if (st.status == "done-earlier") {
      std::fprintf(stderr, "%s: already complete\n", m.name.c_str());
      return 0;
    }
    if (st.status != "done") return exit_failure;
    std::printf("wrote %s\n", member_path(options.dir, m).c_str());
    return 0;
  }

  const SweepOutcome out = run_sweep(sweep, options, mpi);
  if (!leader) return out.failed ? exit_bad_input : 0;
  std::size_t failed = 0;
  for (const auto& m : sweep.members)
    if (out.results[m.index].status == "failed") {
      if (!failed++) std::fprintf(stderr, "failed members:\n");
      std::fprintf(stderr, "  %u %s: %s\n", m.index, m.name.c_str(), out.results[m.index].message.c_str());
    }
  std::printf("%zu members: %zu run now, %zu complete before, %zu failed; index: %s\n", sweep.members.size(), out.ran,
              out.earlier, out.failed, (fs::path(options.dir) / "index.h5").string().c_str());
  return out.failed ? exit_failure : 0;
}

int command_sweep(int argc, char** argv) {
  po::options_description opts("groundswell sweep SWEEP.yaml --out-dir DIR [options]");
  opts.add_options()("sweep", po::value<std::string>(), "sweep YAML file");
  add_batch_options(opts, {"directory for <member>.h5, index.h5 and index.csv",
                           "finish a sweep in DIR: skip members whose file is complete, run the rest",
                           "print the members (index, name, values, seed), one a line, and exit",
                           "run only member N (for Slurm job arrays: --member $SLURM_ARRAY_TASK_ID)"});
  po::positional_options_description pos;
  pos.add("sweep", 1);
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, pos, vm,
                     "\nUnder mpirun or srun, rank 0 hands out members (longest first) and the other ranks run them."
                     "\nMember data is bitwise identical for any rank count and --threads. See docs/cluster.md.\n"))
    return 0;
  if (!vm.count("sweep")) throw po::error("missing SWEEP (a YAML file)");
  const MpiSession mpi(apply_batch_options(opts, vm));
  return on_every_rank(mpi, [&] { return sweep_body(vm, mpi); });
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_COMMAND(sweep, "sweep", "SWEEP.yaml --out-dir DIR", "run a parameter sweep (serially or over MPI)",
                             gs::command_sweep)
