// groundswell validate SCENARIO [--set key=value ...] [--resolved]
#include <iostream>

#include "sim/cli/command.hpp"
#include "sim/cli/options.hpp"
#include "sim/scenario/scenario.hpp"

namespace gs {
namespace {

int command_validate(int argc, char** argv) {
  po::options_description opts("groundswell validate SCENARIO [--set key.path=value ...]");
  opts.add_options()("scenario", po::value<std::string>(), "scenario YAML file")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a parameter (repeatable)")(
      "resolved", "print the resolved scenario (every default filled in)");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, pos, vm)) return 0;
  if (!vm.count("scenario")) throw po::error("missing SCENARIO (a YAML file)");
  const Scenario s = load_scenario(vm["scenario"].as<std::string>(), strings_option(vm, "set"));
  if (vm.count("resolved")) {
    std::cout << s.resolved_yaml;
  } else {
    std::cout << s.path << ": ok (" << s.name << ": " << s.graph->name << " graph, " << s.model->name << " model, "
              << s.steps << " steps x " << s.replicates << " replicate(s))\n";
  }
  return 0;
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_COMMAND(validate, "validate", "SCENARIO",
                             "check a scenario (and --set overrides) without running it", gs::command_validate)
