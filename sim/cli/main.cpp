// groundswell: the command line. Exit codes: 0 success, 1 failure while
// running, 2 bad input (scenario, options, output path).
#include <omp.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "sim/cli/progress.hpp"
#include "sim/engine/run.hpp"
#include "sim/io/output.hpp"
#include "sim/scenario/scenario.hpp"

namespace po = boost::program_options;
using namespace gs;

namespace {

constexpr int exit_failure = 1;
constexpr int exit_bad_input = 2;

const char* usage = R"(groundswell: agent-based simulation of community organising

Usage: groundswell COMMAND [OPTIONS]

Commands:
  run SCENARIO -o OUT.h5     run a scenario and write its time series to HDF5
  validate SCENARIO          check a scenario (and --set overrides) without running it
  models [NAME]              list model rules and graph generators, or show one's parameters

Options: --help, --version. 'groundswell COMMAND --help' shows a command's options.
Exit codes: 0 success, 1 failure while running, 2 bad input.
)";

struct Parsed {
  po::variables_map vm;
  bool help = false;
};

Parsed parse(int argc, char** argv, po::options_description& opts, po::positional_options_description& pos) {
  opts.add_options()("help,h", "show this help");
  Parsed p;
  po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), p.vm);
  po::notify(p.vm);
  p.help = p.vm.count("help") > 0;
  return p;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

int command_run(int argc, char** argv) {
  po::options_description opts("groundswell run SCENARIO -o OUT.h5 [options]");
  opts.add_options()("scenario", po::value<std::string>(), "scenario YAML file")(
      "output,o", po::value<std::string>(), "output HDF5 file (written atomically)")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a parameter: --set key.path=value (repeatable)")(
      "threads,t", po::value<int>(), "OpenMP threads (default: OMP_NUM_THREADS or all cores)")(
      "quiet,q", "no progress output");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  Parsed p = parse(argc, argv, opts, pos);
  if (p.help) {
    std::cout << opts << "\nResults are bitwise identical for any --threads.\n";
    return 0;
  }
  if (!p.vm.count("scenario")) throw po::error("missing SCENARIO (a YAML file)");
  if (!p.vm.count("output")) throw po::error("missing -o OUT.h5");
  const bool quiet = p.vm.count("quiet") > 0;
  const auto overrides = p.vm.count("set") ? p.vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  const std::string out = p.vm["output"].as<std::string>();
  if (p.vm.count("threads")) {
    const int threads = p.vm["threads"].as<int>();
    if (threads < 1) throw po::error("--threads must be at least 1");
    omp_set_num_threads(threads);
  }

  Scenario s = load_scenario(p.vm["scenario"].as<std::string>(), overrides);
  check_writable(out);

  const auto t0 = std::chrono::steady_clock::now();
  if (!quiet) std::fprintf(stderr, "%s: building %s graph...\n", s.name.c_str(), s.graph->name.c_str());
  World world = s.graph->generate(s.graph_params, s.seed);
  const double graph_seconds = seconds_since(t0);
  if (!quiet)
    std::fprintf(stderr, "%s: %zu citizens, %llu ties, %zu neighbourhoods (%.1f s)\n", s.name.c_str(),
                 world.graph.nodes(), static_cast<unsigned long long>(world.graph.edges()),
                 world.population.neighbourhoods(), graph_seconds);

  RunPlan plan{s.model, s.model_params, s.seed, s.steps, s.replicates};
  ProgressBar bar(s.name, !quiet);
  const auto t1 = std::chrono::steady_clock::now();
  RunResult result = run(plan, world, [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
  bar.finish();
  const double run_seconds = seconds_since(t1);

  OutputHeader header;
  header.scenario_yaml = s.resolved_yaml;
  header.seed = s.seed;
  header.steps = s.steps;
  header.replicates = s.replicates;
  header.compression = static_cast<int>(s.output.integer("compression"));
  header.text_attributes = {{"scenario_name", s.name}, {"model", s.model->name}, {"graph", s.graph->name}};
  header.integer_attributes = {{"graph_nodes", static_cast<std::int64_t>(world.graph.nodes())},
                               {"graph_edges", static_cast<std::int64_t>(world.graph.edges())}};
  write_output(out, header, result);

  if (!quiet) {
    const auto& first = result.values.front();
    double final_mean = 0;
    for (std::uint32_t r = 0; r < s.replicates; ++r) final_mean += first[r * (s.steps + 1) + s.steps];
    final_mean /= s.replicates;
    std::fprintf(stderr, "%s: %u replicate(s) x %u steps in %.1f s; mean %s at step %u: %.4f\n", s.name.c_str(),
                 s.replicates, s.steps, run_seconds, result.metrics.front().name.c_str(), s.steps, final_mean);
  }
  std::printf("wrote %s\n", out.c_str());
  return 0;
}

int command_validate(int argc, char** argv) {
  po::options_description opts("groundswell validate SCENARIO [--set key.path=value ...]");
  opts.add_options()("scenario", po::value<std::string>(), "scenario YAML file")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a parameter (repeatable)")(
      "resolved", "print the resolved scenario (every default filled in)");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  Parsed p = parse(argc, argv, opts, pos);
  if (p.help) {
    std::cout << opts;
    return 0;
  }
  if (!p.vm.count("scenario")) throw po::error("missing SCENARIO (a YAML file)");
  const auto overrides = p.vm.count("set") ? p.vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  Scenario s = load_scenario(p.vm["scenario"].as<std::string>(), overrides);
  if (p.vm.count("resolved")) {
    std::cout << s.resolved_yaml;
  } else {
    std::cout << s.path << ": ok (" << s.name << ": " << s.graph->name << " graph, " << s.model->name << " model, "
              << s.steps << " steps x " << s.replicates << " replicate(s))\n";
  }
  return 0;
}

int command_models(int argc, char** argv) {
  po::options_description opts("groundswell models [NAME] [--markdown]");
  opts.add_options()("name", po::value<std::string>(), "a model rule or graph generator")(
      "markdown", "print the parameter table as Markdown");
  po::positional_options_description pos;
  pos.add("name", 1);
  Parsed p = parse(argc, argv, opts, pos);
  if (p.help) {
    std::cout << opts;
    return 0;
  }
  const bool markdown = p.vm.count("markdown") > 0;
  if (!p.vm.count("name")) {
    std::cout << "Model rules (model.type):\n";
    for (const auto& [name, info] : ModelRegistry::instance().entries()) std::printf("  %-20s %s\n", name.c_str(), info.summary.c_str());
    std::cout << "\nGraph generators (graph.type):\n";
    for (const auto& [name, info] : GraphRegistry::instance().entries()) std::printf("  %-20s %s\n", name.c_str(), info.summary.c_str());
    std::cout << "\n'groundswell models NAME' shows a rule's or generator's parameters.\n";
    return 0;
  }
  const std::string name = p.vm["name"].as<std::string>();
  if (const ModelInfo* m = ModelRegistry::instance().find(name)) {
    if (markdown) {
      std::cout << parameter_table(m->params, true);
      return 0;
    }
    std::cout << "model " << m->name << ": " << m->summary << "\n\nParameters (under model:):\n"
              << parameter_table(m->params, false) << "\nMetrics (/timeseries/<name>):\n";
    for (const auto& metric : m->metrics) std::printf("  %-20s %s\n", metric.name.c_str(), metric.description.c_str());
    return 0;
  }
  if (const GraphGeneratorInfo* g = GraphRegistry::instance().find(name)) {
    if (markdown) {
      std::cout << parameter_table(g->params, true);
      return 0;
    }
    std::cout << "graph " << g->name << ": " << g->summary << "\n\nParameters (under graph:):\n"
              << parameter_table(g->params, false);
    return 0;
  }
  std::vector<std::string> names = ModelRegistry::instance().names();
  for (const auto& g : GraphRegistry::instance().names()) names.push_back(g);
  const std::string hint = did_you_mean(name, names);
  throw InputError("no model rule or graph generator named '" + name + "'" +
                   (hint.empty() ? "" : " (did you mean '" + hint + "'?)") + "; run 'groundswell models' for the list");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(usage, stderr);
    return exit_bad_input;
  }
  const std::string command = argv[1];
  try {
    if (command == "--help" || command == "-h" || command == "help") {
      std::fputs(usage, stdout);
      return 0;
    }
    if (command == "--version" || command == "-V") {
      std::printf("%s\n", software_version().c_str());
      return 0;
    }
    if (command == "run") return command_run(argc - 1, argv + 1);
    if (command == "validate") return command_validate(argc - 1, argv + 1);
    if (command == "models") return command_models(argc - 1, argv + 1);
    const std::string hint = did_you_mean(command, {"run", "validate", "models"});
    std::fprintf(stderr, "groundswell: unknown command '%s'%s\n\n%s", command.c_str(),
                 hint.empty() ? "" : (" (did you mean '" + hint + "'?)").c_str(), usage);
    return exit_bad_input;
  } catch (const InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return exit_bad_input;
  } catch (const OutputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return exit_bad_input;
  } catch (const po::error& e) {
    std::fprintf(stderr, "groundswell %s: %s (see 'groundswell %s --help')\n", command.c_str(), e.what(), command.c_str());
    return exit_bad_input;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "error: out of memory; try a smaller scenario (--set population_scale=0.1)\n");
    return exit_failure;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return exit_failure;
  }
}
