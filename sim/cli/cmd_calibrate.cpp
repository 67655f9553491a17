// groundswell calibrate CALIB.yaml --out-dir DIR [--resume] [--list]
// Fits a scenario's uncertain parameters to observed outcomes by ABC-SMC:
// each generation's simulations run as a sweep into DIR/gen-K/ (over MPI
// ranks under mpirun/srun), and DIR/posterior.h5 and .csv hold the result.
#include <cstdio>
#include <filesystem>
#include <string>

#include "sim/cli/command.hpp"
#include "sim/cli/options.hpp"
#include "sim/io/output.hpp"
#include "sim/sweep/calibration_output.hpp"
#include "sim/sweep/mpi_session.hpp"

namespace gs {
namespace {
namespace fs = std::filesystem;

std::string observed(const CalibrationTarget& t) {
  if (t.has_value) return format_real(t.value) + " (sd " + format_real(t.sd) + ")";
  std::string s;
  if (t.has_lower) s.append(">= ").append(format_real(t.lower));
  if (t.has_lower && t.has_upper) s.append(", ");
  if (t.has_upper) s.append("<= ").append(format_real(t.upper));
  return s.append(" (sd ").append(format_real(t.sd)).append(")");
}

void print_plan(const Calibration& c) {
  std::printf("calibration %s: base %s, population_scale %g, %u replicates per simulation\n", c.name.c_str(),
              c.base_origin.c_str(), c.population_scale, c.replicates);
  std::printf("ABC-SMC: %u particles, %u kept each generation, at most %u generations (at most %u simulations)\n",
              c.particles, kept_count(c), c.max_generations,
              c.particles + (c.max_generations - 1) * (c.particles - kept_count(c)));
  for (const auto& p : c.parameters)
    std::printf("parameter %s: %s on [%s, %s]\n", p.path.c_str(), prior_name(p.prior).c_str(),
                format_real(p.low).c_str(), format_real(p.high).c_str());
  for (const auto& t : c.targets)
    std::printf("target %s at step %u: %s%s\n", t.metric.c_str(), t.step, observed(t).c_str(),
                t.counts_people ? " at full scale" : "");
}

void print_result(const Calibration& c, const CalibrationResult& r, const std::string& dir) {
  std::printf("%-45s %-12s %-24s %12s %28s\n", "parameter", "prior", "range", "median", "90% interval");
  for (std::size_t k = 0; k < c.parameters.size(); ++k) {
    const CalibrationParameter& p = c.parameters[k];
    const Interval i = parameter_interval(r, k);
    char range[64], ci[64];
    std::snprintf(range, sizeof range, "[%.6g, %.6g]", p.low, p.high);
    std::snprintf(ci, sizeof ci, "[%.5g, %.5g]", i.low, i.high);
    std::printf("%-45s %-12s %-24s %12.5g %28s\n", p.path.c_str(), prior_name(p.prior).c_str(), range, i.median, ci);
  }
  std::printf("\n%-28s %6s %-26s %12s %28s\n", "target", "step", "observed", "predicted", "90% predictive interval");
  for (std::size_t t = 0; t < c.targets.size(); ++t) {
    const Interval i = predictive_interval(r, t);
    char ci[64];
    std::snprintf(ci, sizeof ci, "[%.5g, %.5g]", i.low, i.high);
    std::printf("%-28s %6u %-26s %12.5g %28s\n", c.targets[t].metric.c_str(), c.targets[t].step,
                observed(c.targets[t]).c_str(), i.median, ci);
  }
  std::size_t infeasible = 0;
  for (const auto& g : r.generations) infeasible += g.infeasible;
  std::printf(
      "\n%zu posterior particles from %zu simulations (%zu run now%s) in %zu generations; final tolerance %.4g\n",
      r.posterior.size(), r.simulations, r.simulations_run_now,
      infeasible == 0 ? "" : ("; " + std::to_string(infeasible) + " infeasible, rejected").c_str(),
      r.generations.size(), r.generations.back().tolerance);
  std::printf("wrote %s and %s\n", (fs::path(dir) / "posterior.h5").string().c_str(),
              (fs::path(dir) / "posterior.csv").string().c_str());
}

int calibrate_body(const po::variables_map& vm, const MpiSession& mpi) {
  const bool leader = mpi.rank() == 0;
  const Calibration c = load_calibration(vm["calibration"].as<std::string>());
  if (vm.count("list")) {
    if (leader) print_plan(c);
    return 0;
  }
  if (!vm.count("out-dir")) throw po::error("missing --out-dir DIR");
  CalibrationRunOptions options;
  options.dir = vm["out-dir"].as<std::string>();
  options.resume = vm.count("resume") > 0;
  options.quiet = vm.count("quiet") > 0;
  options.verbose = vm.count("verbose") > 0;
  const CalibrationResult r = run_calibration(c, options, mpi);
  if (!leader) return 0;
  write_posterior(options.dir, c, r);
  print_result(c, r, options.dir);
  return 0;
}

int command_calibrate(int argc, char** argv) {
  po::options_description opts("groundswell calibrate CALIB.yaml --out-dir DIR [options]");
  opts.add_options()("calibration", po::value<std::string>(), "calibration YAML file");
  add_batch_options(opts, {"directory for gen-K/ sweeps, posterior.h5 and posterior.csv",
                           "finish an interrupted calibration in DIR: complete simulations are kept, the rest run",
                           "print the parameters, targets and the size of the calibration, and exit"});
  opts.add_options()("verbose,v", "a progress line per simulation too");
  po::positional_options_description pos;
  pos.add("calibration", 1);
  po::variables_map vm;
  if (!parse_options(
          argc, argv, opts, pos, vm,
          "\nABC-SMC with adaptive tolerance (docs/calibration.md). Under mpirun or srun each generation's"
          "\nsimulations are spread over the ranks; the posterior is bitwise identical for any rank count.\n"))
    return 0;
  if (!vm.count("calibration")) throw po::error("missing CALIB (a YAML file)");
  const MpiSession mpi(apply_batch_options(opts, vm));
  return on_every_rank(mpi, [&] { return calibrate_body(vm, mpi); });
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_COMMAND(calibrate, "calibrate", "CALIB.yaml --out-dir DIR",
                             "fit uncertain parameters to observed outcomes (ABC-SMC)", gs::command_calibrate)
