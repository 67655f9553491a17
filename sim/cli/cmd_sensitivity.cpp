// groundswell sensitivity SA.yaml --out-dir DIR [--resume] [--list] [--member N]
// Expands a sensitivity file into a Sobol (Saltelli) or Morris design, runs
// every point through the sweep machinery into DIR/points/ (and
// DIR/minus-<m>/ for paired differences), then writes DIR/sensitivity.h5 and
// prints the indices. Format and reading: docs/sensitivity.md.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "analysis/sensitivity_output.hpp"
#include "sim/cli/command.hpp"
#include "sim/cli/options.hpp"
#include "sim/io/output.hpp"
#include "sim/sweep/mpi_session.hpp"
#include "sim/sweep/run_sweep.hpp"
#include "sim/sweep/sensitivity_runs.hpp"

namespace gs {
namespace {
namespace fs = std::filesystem;

constexpr int exit_failure = 1;
constexpr int exit_bad_input = 2;

std::size_t total_runs(const SensitivityRuns& runs) {
  std::size_t n = 0;
  for (const auto& s : runs.sweeps) n += s.members.size();
  return n;
}

void print_points(const SensitivityRuns& runs) {
  std::size_t n = 0;
  for (std::size_t s = 0; s < runs.sweeps.size(); ++s)
    for (const auto& m : runs.sweeps[s].members) {
      std::printf("%zu %s/%s", n++, runs.subdirs[s].c_str(), m.name.c_str());
      for (const auto& v : m.values) std::printf(" %s=%s", v.path.c_str(), v.yaml.c_str());
      std::printf(" seed=%llu\n", static_cast<unsigned long long>(m.seed));
    }
}

int run_one(const SensitivityRuns& runs, long long n, SweepRunOptions options) {
  if (n < 0 || n >= static_cast<long long>(total_runs(runs)))
    throw InputError("--member " + std::to_string(n) + ": the design has runs 0 to " +
                     std::to_string(total_runs(runs) - 1) + " (see --list)");
  auto index = static_cast<std::size_t>(n);
  std::size_t s = 0;
  while (index >= runs.sweeps[s].members.size()) index -= runs.sweeps[s++].members.size();
  options.dir = (fs::path(options.dir) / runs.subdirs[s]).string();
  const SweepMember& m = runs.sweeps[s].members[index];
  const MemberStatus st = run_sweep_member(runs.sweeps[s], static_cast<std::uint32_t>(index), options);
  if (st.status == "done-earlier") {
    std::fprintf(stderr, "%s: already complete\n", m.name.c_str());
    return 0;
  }
  if (st.status != "done") return exit_failure;
  std::printf("wrote %s\n", member_path(options.dir, m).c_str());
  return 0;
}

int sensitivity_body(const po::variables_map& vm, const MpiSession& mpi) {
  const bool leader = mpi.rank() == 0;
  const SensitivityFile sa = load_sensitivity_file(vm["file"].as<std::string>());
  const SensitivityDesign design = sensitivity_design(sa);
  const SensitivityRuns runs = sensitivity_runs(sa, design);
  if (vm.count("list")) {
    if (leader) print_points(runs);
    return 0;
  }
  if (!vm.count("out-dir")) throw po::error("missing --out-dir DIR");
  SweepRunOptions options;
  options.dir = vm["out-dir"].as<std::string>();
  options.resume = vm.count("resume") > 0;
  options.quiet = vm.count("quiet") > 0;
  if (vm.count("member")) return leader ? run_one(runs, vm["member"].as<long long>(), options) : 0;

  // Rank 0 checks the directory; every rank learns the outcome, so a refusal ends the whole job.
  std::error_code ec;
  const bool refused = leader && !options.resume && fs::is_directory(options.dir, ec) && !fs::is_empty(options.dir, ec);
  if (mpi.broadcast(refused ? exit_bad_input : 0) != 0) {
    if (!leader) return exit_bad_input;
    throw InputError(options.dir + ": output directory is not empty; use --resume to finish an analysis there, or " +
                     "choose a new --out-dir");
  }
  const std::uint32_t n = sa.samples;
  if (leader && sa.method == SensitivityMethod::sobol && (n & (n - 1)) != 0)
    std::fprintf(stderr,
                 "warning: samples: %u is not a power of two; Sobol' points are balanced at 64, 128, 256, ...\n", n);
  if (leader && !options.quiet)
    std::fprintf(stderr, "sensitivity: %s design, %zu points x %zu scenario(s) = %zu runs\n",
                 sa.method == SensitivityMethod::sobol ? "Sobol (Saltelli)" : "Morris", design.points,
                 runs.sweeps.size(), total_runs(runs));
  std::size_t failed = 0;
  for (std::size_t s = 0; s < runs.sweeps.size(); ++s) {
    SweepRunOptions sub = options;
    sub.dir = (fs::path(options.dir) / runs.subdirs[s]).string();
    const SweepOutcome out = run_sweep(runs.sweeps[s], sub, mpi);
    failed += out.failed;
    if (!leader) continue;
    for (const auto& m : runs.sweeps[s].members)
      if (out.results[m.index].status == "failed")
        std::fprintf(stderr, "  %s/%s failed: %s\n", runs.subdirs[s].c_str(), m.name.c_str(),
                     out.results[m.index].message.c_str());
  }
  if (!leader) return failed ? exit_failure : 0;
  if (failed) {
    std::fprintf(stderr, "%zu runs failed; no analysis written (fix the cause, then --resume)\n", failed);
    return exit_failure;
  }
  const SensitivityResult result = analyse_sensitivity(sa, design, read_sensitivity_outputs(sa, runs, options.dir));
  const std::string path = (fs::path(options.dir) / "sensitivity.h5").string();
  write_sensitivity_h5(path, sa, design, result);
  print_sensitivity_table(stdout, sa, result);
  std::printf("\nwrote %s\n", path.c_str());
  return 0;
}

int command_sensitivity(int argc, char** argv) {
  po::options_description opts("groundswell sensitivity SA.yaml --out-dir DIR [options]");
  opts.add_options()("file", po::value<std::string>(), "sensitivity YAML file");
  add_batch_options(opts, {"directory for the runs and sensitivity.h5",
                           "finish an analysis in DIR: skip runs whose file is complete, run the rest, then analyse",
                           "print the design's runs (index, directory/name, values, seed), one a line, and exit",
                           "run only run N of --list (Slurm job arrays); analyse later with --resume"});
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (!parse_options(
          argc, argv, opts, pos, vm,
          "\nMethods: sobol (first- and total-order indices with 95% bootstrap intervals; N x (k + 2) runs)"
          "\nand morris (mu*, mu, sigma of elementary effects; r x (k + 1) runs). See docs/sensitivity.md.\n"))
    return 0;
  if (!vm.count("file")) throw po::error("missing SA.yaml (a sensitivity file)");
  const MpiSession mpi(apply_batch_options(opts, vm));
  return on_every_rank(mpi, [&] { return sensitivity_body(vm, mpi); });
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_COMMAND(sensitivity, "sensitivity", "SA.yaml --out-dir DIR",
                             "global sensitivity analysis: Morris screening or Sobol indices", gs::command_sensitivity)
