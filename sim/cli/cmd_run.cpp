// groundswell run SCENARIO -o OUT.h5 [--set key=value ...] [--threads N] [--quiet]
#include <cstdio>

#include "sim/cli/command.hpp"
#include "sim/cli/options.hpp"
#include "sim/run/execute.hpp"

namespace gs {
namespace {

int command_run(int argc, char** argv) {
  po::options_description opts("groundswell run SCENARIO -o OUT.h5 [options]");
  opts.add_options()("scenario", po::value<std::string>(), "scenario YAML file")(
      "output,o", po::value<std::string>(), "output HDF5 file (written to a temporary name, then renamed)")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "override a parameter: --set key.path=value (repeatable)")(
      "threads,t", po::value<int>(), "OpenMP threads (default: OMP_NUM_THREADS or all cores)")("quiet,q",
                                                                                               "no progress output")(
      "resume", "continue a killed run from OUT.h5.checkpoint (written every output.checkpoint_every steps)")(
      "force", "replace OUT.h5 even when it is read-only");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, pos, vm, "\nResults are bitwise identical for any --threads.\n")) return 0;
  if (!vm.count("scenario")) throw po::error("missing SCENARIO (a YAML file)");
  if (!vm.count("output")) throw po::error("missing -o OUT.h5");
  apply_threads_option(vm);
  const Scenario s = load_scenario(vm["scenario"].as<std::string>(), strings_option(vm, "set"));
  const std::string out = vm["output"].as<std::string>();
  ExecuteOptions options;
  options.quiet = vm.count("quiet") > 0;
  options.resume = vm.count("resume") > 0;
  options.force = vm.count("force") > 0;
  execute_scenario(s, out, options);
  std::printf("wrote %s\n", out.c_str());
  return 0;
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_COMMAND(run, "run", "SCENARIO -o OUT.h5", "run a scenario and write its time series to HDF5",
                             gs::command_run)
