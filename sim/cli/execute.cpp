#include "sim/cli/execute.hpp"

#include <chrono>
#include <cstdio>

#include "sim/cli/progress.hpp"
#include "sim/io/output.hpp"

namespace gs {
namespace {
double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
}  // namespace

std::uint64_t ScenarioWorlds::seed_for(std::uint32_t graph_index) const {
  return graph_index == 0 ? scenario_.seed : scenario_.seed + 0x9E3779B97F4A7C15ull * graph_index;
}

const World& ScenarioWorlds::for_replicate(std::uint32_t replicate) {
  const std::uint32_t index = scenario_.new_graph_every ? replicate / scenario_.new_graph_every : 0;
  if (index != built_) {
    const auto t = std::chrono::steady_clock::now();
    world_ = World{};  // free the old graph before building the next
    world_ = scenario_.graph->generate(scenario_.graph_params, seed_for(index));
    seconds_ += seconds_since(t);
    built_ = index;
  }
  return world_;
}

ExecuteSummary execute_scenario(const Scenario& s, const std::string& output, const ExecuteOptions& options) {
  check_writable(output);
  ExecuteSummary summary;
  const bool talk = !options.quiet;
  const auto t0 = std::chrono::steady_clock::now();
  ScenarioWorlds worlds(s);
  auto world_for = [&](std::uint32_t replicate) -> const World& {
    const bool first = replicate == 0;
    if (talk && first) std::fprintf(stderr, "%s: building %s graph...\n", s.name.c_str(), s.graph->name.c_str());
    const World& world = worlds.for_replicate(replicate);
    summary.nodes = world.graph.nodes();
    summary.edges = world.graph.edges();
    if (talk && first)
      std::fprintf(stderr, "%s: %zu nodes, %llu edges, %zu neighbourhoods (%.1f s)\n", s.name.c_str(),
                   world.graph.nodes(), static_cast<unsigned long long>(world.graph.edges()),
                   world.population.neighbourhoods(), worlds.seconds());
    return world;
  };

  RunPlan plan{s.model, s.model_params, s.seed, s.steps, s.replicates};
  ProgressBar bar(s.name, talk);
  summary.result = run(plan, world_for, [&](std::uint64_t done, std::uint64_t total) { bar.update(done, total); });
  bar.finish();
  summary.graph_seconds = worlds.seconds();
  summary.run_seconds = seconds_since(t0) - summary.graph_seconds;

  OutputHeader header;
  header.scenario_yaml = s.resolved_yaml;
  header.seed = s.seed;
  header.steps = s.steps;
  header.replicates = s.replicates;
  header.compression = static_cast<int>(s.output.integer("compression"));
  header.text_attributes = {{"scenario_name", s.name}, {"model", s.model->name}, {"graph", s.graph->name}};
  header.integer_attributes = {{"graph_nodes", static_cast<std::int64_t>(summary.nodes)},
                               {"graph_edges", static_cast<std::int64_t>(summary.edges)}};
  write_output(output, header, summary.result);

  if (talk) {
    const auto& first = summary.result.values.front();
    double final_mean = 0;
    for (std::uint32_t r = 0; r < s.replicates; ++r) final_mean += first[r * (s.steps + 1) + s.steps];
    final_mean /= s.replicates;
    std::fprintf(stderr, "%s: %u replicate(s) x %u steps in %.1f s; mean %s at step %u: %.4f\n", s.name.c_str(),
                 s.replicates, s.steps, summary.run_seconds, summary.result.metrics.front().name.c_str(), s.steps,
                 final_mean);
  }
  return summary;
}

}  // namespace gs
