// groundswell models [NAME] [--markdown]
#include <cstdio>
#include <iostream>

#include "sim/cli/command.hpp"
#include "sim/cli/options.hpp"
#include "sim/engine/model.hpp"
#include "sim/graph/generator.hpp"
#include "sim/scenario/scenario.hpp"

namespace gs {
namespace {

int command_models(int argc, char** argv) {
  po::options_description opts("groundswell models [NAME] [--markdown]");
  opts.add_options()("name", po::value<std::string>(), "a model rule or graph generator")(
      "markdown", "print only the parameter table, as Markdown (used by docs/)");
  po::positional_options_description pos;
  pos.add("name", 1);
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, pos, vm)) return 0;
  const bool markdown = vm.count("markdown") > 0;
  if (!vm.count("name")) {
    std::cout << "Model rules (model.type):\n";
    for (const auto& [name, info] : ModelRegistry::instance().entries())
      std::printf("  %-20s %s\n", name.c_str(), info.summary.c_str());
    std::cout << "\nGraph generators (graph.type):\n";
    for (const auto& [name, info] : GraphRegistry::instance().entries())
      std::printf("  %-20s %s\n", name.c_str(), info.summary.c_str());
    std::cout << "\n'groundswell models NAME' shows a rule's or generator's parameters.\n";
    return 0;
  }
  const std::string name = vm["name"].as<std::string>();
  if (const ModelInfo* m = ModelRegistry::instance().find(name)) {
    if (markdown) {
      std::cout << parameter_table(m->params, true);
      return 0;
    }
    std::cout << "model " << m->name << ": " << m->summary << "\n\nParameters (under model:):\n"
              << parameter_table(m->params, false) << "\nMetrics (/timeseries/<name>):\n";
    for (const auto& metric : m->metrics) std::printf("  %-20s %s\n", metric.name.c_str(), metric.description.c_str());
    if (!m->neighbourhood_metrics.empty()) {
      std::cout << "\nPer-neighbourhood metrics (output.neighbourhoods: true; [replicate, step, neighbourhood]):\n";
      for (const auto& metric : m->neighbourhood_metrics)
        std::printf("  %-20s %s\n", metric.name.c_str(), metric.description.c_str());
    }
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
}  // namespace gs

GROUNDSWELL_REGISTER_COMMAND(models, "models", "[NAME]",
                             "list model rules and graph generators, or show one's parameters", gs::command_models)
