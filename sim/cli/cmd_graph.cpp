// groundswell graph SCENARIO [--set key=value ...] [--stats] [--export FILE] [--threads N]
// Builds the scenario's graph (the one its first replicate uses) and
// describes it or writes it out for other tools.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "sim/cli/command.hpp"
#include "sim/cli/options.hpp"
#include "sim/graph/statistics.hpp"
#include "sim/io/graph_export.hpp"
#include "sim/io/output.hpp"
#include "sim/run/execute.hpp"
#include "sim/scenario/scenario.hpp"

namespace gs {
namespace {

int command_graph(int argc, char** argv) {
  po::options_description opts("groundswell graph SCENARIO [--stats] [--export FILE] [options]");
  opts.add_options()("scenario", po::value<std::string>(), "scenario YAML file")(
      "stats", "print graph statistics (the default when --export is not given)")(
      "no-clustering", "with --stats: skip the clustering coefficient (slowest part on huge graphs)")(
      "export", po::value<std::string>(), "write the graph: FILE.txt (edge list) or FILE.h5 (HDF5 CSR)")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "override a parameter: --set key.path=value (repeatable)")(
      "threads,t", po::value<int>(), "OpenMP threads (default: OMP_NUM_THREADS or all cores)");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, pos, vm,
                     "\nThe graph is the one replicate 0 of 'groundswell run' uses (same seed).\n"
                     "File formats and how to load them in NetworkX or igraph: docs/graphs.md.\n"))
    return 0;
  if (!vm.count("scenario")) throw po::error("missing SCENARIO (a YAML file)");
  apply_threads_option(vm);
  const Scenario s = load_scenario(vm["scenario"].as<std::string>(), strings_option(vm, "set"));
  const bool exporting = vm.count("export") > 0;
  const bool stats = vm.count("stats") > 0 || !exporting;
  if (exporting) {
    export_format(vm["export"].as<std::string>());  // bad extension or directory: fail before the work
    check_writable(vm["export"].as<std::string>());
  }

  check_memory(s);
  const auto t0 = std::chrono::steady_clock::now();
  const World world = s.graph->generate(s.graph_params, s.seed);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "%s: %s graph built in %.2f s\n", s.name.c_str(), s.graph->name.c_str(), seconds);

  if (stats) {
    std::printf("scenario              %s\ngraph                 %s (seed %llu)\n", s.name.c_str(),
                s.graph->name.c_str(), static_cast<unsigned long long>(s.seed));
    std::cout << format_statistics(graph_statistics(world, vm.count("no-clustering") == 0)) << std::flush;
  }
  if (exporting) {
    const std::string path = vm["export"].as<std::string>();
    export_graph(path, world, ExportInfo{s.graph->name, s.resolved_yaml, s.seed});
    std::fprintf(stderr, "wrote %s\n", path.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_COMMAND(graph, "graph", "SCENARIO [--stats] [--export FILE]",
                             "build a scenario's graph: print statistics or export it (edge list or HDF5)",
                             gs::command_graph)
