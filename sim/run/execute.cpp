#include "sim/run/execute.hpp"

#include <omp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "sim/io/checkpoint.hpp"
#include "sim/io/output.hpp"
#include "sim/run/progress.hpp"

namespace gs {
namespace {
double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The resolved scenario without its first line, which names the file it was
// read from: resuming from another working directory is the same run.
std::string run_identity(const std::string& resolved_yaml) {
  return resolved_yaml.substr(std::min(resolved_yaml.size(), resolved_yaml.find('\n') + 1));
}
}  // namespace

std::uint64_t ScenarioWorlds::seed_for(std::uint32_t graph_index) const {
  return graph_index == 0 ? scenario_.seed : scenario_.seed + 0x9E3779B97F4A7C15ull * graph_index;
}

namespace {
// Graphs of fewer nodes than this are built on one thread: their parallel
// regions cost more than their loops, and far more while another process
// holds a core (a sweep's small members). The graph is the same either way.
constexpr std::int64_t build_on_one_thread_below = 20000;

World generate(const GraphGeneratorInfo& generator, const ParamValues& params, std::uint64_t seed) {
  const bool small = !generator.size_param.empty() && params.has(generator.size_param) &&
                     params.integer(generator.size_param) < build_on_one_thread_below;
  if (!small || omp_get_max_threads() == 1) return generator.generate(params, seed);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  try {
    World world = generator.generate(params, seed);
    omp_set_num_threads(threads);
    return world;
  } catch (...) {
    omp_set_num_threads(threads);
    throw;
  }
}

bool reads_files(const GraphGeneratorInfo& generator) {
  for (const auto& spec : generator.params)
    if (spec.is_path) return true;
  return false;
}
}  // namespace

std::shared_ptr<const World> WorldCache::get(const GraphGeneratorInfo& generator, const ParamValues& params,
                                             std::uint64_t seed) {
  const std::lock_guard lock(mutex_);
  if (world_ && generator_ == &generator && seed_ == seed && params_ == params) {
    ++hits_;
    return world_;
  }
  world_.reset();  // frees the kept graph unless a run still holds it
  generator_ = nullptr;
  auto world = std::make_shared<const World>(generate(generator, params, seed));
  ++builds_;
  if (!reads_files(generator)) {
    generator_ = &generator;
    params_ = params;
    seed_ = seed;
    world_ = world;
  }
  return world;
}

std::uint64_t WorldCache::builds() const {
  const std::lock_guard lock(mutex_);
  return builds_;
}

std::uint64_t WorldCache::hits() const {
  const std::lock_guard lock(mutex_);
  return hits_;
}

const World& ScenarioWorlds::for_replicate(std::uint32_t replicate) {
  const std::uint32_t index = scenario_.new_graph_every ? replicate / scenario_.new_graph_every : 0;
  if (index != built_) {
    const auto t = std::chrono::steady_clock::now();
    world_.reset();  // free the old graph before building the next
    if (cache_)
      world_ = cache_->get(*scenario_.graph, scenario_.graph_params, seed_for(index));
    else
      world_ = std::make_shared<const World>(generate(*scenario_.graph, scenario_.graph_params, seed_for(index)));
    seconds_ += seconds_since(t);
    built_ = index;
  }
  return *world_;
}

namespace {
std::string gigabytes(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f GB", static_cast<double>(bytes) / 1e9);
  return text;
}

// The least of physical memory and the soft address-space and data limits.
std::uint64_t memory_allowed(std::string& which) {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  std::uint64_t allowed = pages > 0 && page > 0 ? std::uint64_t(pages) * std::uint64_t(page) : UINT64_MAX;
  which = "physical memory";
  for (const auto& [resource, name] : {std::pair{RLIMIT_AS, "ulimit -v"}, std::pair{RLIMIT_DATA, "ulimit -d"}}) {
    struct rlimit limit {};
    if (::getrlimit(resource, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < allowed) {
      allowed = limit.rlim_cur;
      which = name;
    }
  }
  return allowed;
}
}  // namespace

void check_memory(const Scenario& s) {
  if (s.graph->size_param.empty() || !s.graph_params.has(s.graph->size_param)) return;
  const auto nodes = static_cast<std::uint64_t>(s.graph_params.integer(s.graph->size_param));
  const std::uint64_t needed = nodes * bytes_per_node_at_least;
  std::string which;
  const std::uint64_t allowed = memory_allowed(which);
  if (needed > allowed)
    throw std::runtime_error("out of memory: the graph (graph." + s.graph->size_param + " = " + std::to_string(nodes) +
                             ") and its state need at least " + gigabytes(needed) + " (" +
                             std::to_string(bytes_per_node_at_least) + " bytes per node), but this process may use " +
                             gigabytes(allowed) + " (" + which + "); reduce graph." + s.graph->size_param +
                             " or population_scale, or run on a larger machine");
}

RunPlan plan_for(const Scenario& s) {
  RunPlan plan;
  plan.model = s.model;
  plan.model_params = s.model_params;
  plan.seed = s.seed;
  plan.steps = s.steps;
  plan.replicates = s.replicates;
  plan.checkpoint_every = static_cast<std::uint32_t>(s.output.integer("checkpoint_every"));
  plan.neighbourhoods = s.output.boolean("neighbourhoods");
  plan.same_world_for_every_replicate = s.new_graph_every == 0 || s.new_graph_every >= s.replicates;
  return plan;
}

ExecuteSummary execute_scenario(const Scenario& s, const std::string& output, const ExecuteOptions& options) {
  std::error_code same_ec;
  if (std::filesystem::equivalent(output, s.path, same_ec))
    throw OutputError(output + ": is the scenario file itself; give the results another name, such as out.h5");
  check_writable(output, expected_output_bytes(s.model->metrics.size(), s.replicates, s.steps), options.force);
  remove_stale_temporaries(std::filesystem::path(output).parent_path().string());
  check_memory(s);
  ExecuteSummary summary;
  const bool talk = !options.quiet;
  const std::string checkpoint = checkpoint_path(output);
  RunState resume_state;
  bool resuming = false;
  if (options.resume && std::filesystem::exists(checkpoint)) {
    std::string identity;
    resume_state = read_checkpoint(checkpoint, identity);
    if (identity != run_identity(s.resolved_yaml))
      throw InputError(checkpoint +
                       ": this checkpoint was written for a different scenario or --set values; "
                       "run with those, or delete the checkpoint to start again");
    resuming = true;
    if (talk)
      std::fprintf(stderr, "%s: resuming after step %u of replicate %u\n", s.name.c_str(), resume_state.step,
                   resume_state.replicate);
  } else if (options.resume && talk) {
    std::fprintf(stderr, "%s: no checkpoint at %s; starting from the beginning\n", s.name.c_str(), checkpoint.c_str());
  }
  const auto t0 = std::chrono::steady_clock::now();
  ScenarioWorlds worlds(s, options.worlds);
  bool announced = false;  // the run asks for the first world more than once
  auto world_for = [&](std::uint32_t replicate) -> const World& {
    const bool first = replicate == 0 && !announced;
    announced = announced || first;
    if (talk && first) std::fprintf(stderr, "%s: building %s graph...\n", s.name.c_str(), s.graph->name.c_str());
    const World& world = worlds.for_replicate(replicate);
    summary.nodes = world.graph.nodes();
    summary.edges = world.graph.edges();
    if (talk && first)
      std::fprintf(stderr, "%s: %zu nodes, %llu edges, %zu neighbourhoods (%.1f s)\n", s.name.c_str(),
                   world.graph.nodes(), static_cast<unsigned long long>(world.graph.edges()),
                   world.population.neighbourhoods(), worlds.seconds());
    // Per-neighbourhood output can be large: check the disk once its size is known, before the run.
    if (first && s.output.boolean("neighbourhoods"))
      check_writable(output,
                     expected_output_bytes(s.model->metrics.size(), s.replicates, s.steps) +
                         expected_neighbourhood_bytes(s.model->neighbourhood_metrics.size(), s.replicates, s.steps,
                                                      world.population.neighbourhoods()),
                     options.force);
    return world;
  };

  RunPlan plan = plan_for(s);
  plan.checkpoint = [&](std::uint32_t replicate, std::uint32_t step, const RunResult& so_far, Model& model) {
    write_checkpoint(checkpoint, run_identity(s.resolved_yaml), replicate, step, so_far, model);
  };
  if (resuming) plan.resume = &resume_state;
  ProgressBar bar(s.name, talk);
  summary.result = run(plan, world_for, [&](std::uint64_t done, std::uint64_t total) {
    bar.update(done, total);
    if (options.progress) options.progress(done, total);
  });
  bar.finish();
  summary.graph_seconds = worlds.seconds();
  summary.run_seconds = seconds_since(t0) - summary.graph_seconds;

  OutputHeader header;
  header.scenario_yaml = s.resolved_yaml;
  header.seed = s.seed;
  header.steps = s.steps;
  header.replicates = s.replicates;
  header.compression = static_cast<int>(s.output.integer("compression"));
  header.replace_read_only = options.force;
  header.text_attributes = {{"scenario_name", s.name}, {"model", s.model->name}, {"graph", s.graph->name}};
  header.integer_attributes = {{"graph_nodes", static_cast<std::int64_t>(summary.nodes)},
                               {"graph_edges", static_cast<std::int64_t>(summary.edges)}};
  const auto written = std::chrono::steady_clock::now();
  write_output(output, header, summary.result);
  summary.output_seconds = seconds_since(written);
  std::error_code ignored;  // the output is complete: the checkpoint has served
  std::filesystem::remove(checkpoint, ignored);

  if (talk) {
    const auto& first = summary.result.values.front();
    double final_mean = 0;
    for (std::uint32_t r = 0; r < s.replicates; ++r) final_mean += first[r * (s.steps + 1) + s.steps];
    final_mean /= s.replicates;
    std::fprintf(stderr,
                 "%s: %u replicate(s) x %u steps in %.1f s; mean %s at step %u: %.4f; output written in %.1f ms\n",
                 s.name.c_str(), s.replicates, s.steps, summary.run_seconds,
                 summary.result.metrics.front().name.c_str(), s.steps, final_mean, summary.output_seconds * 1e3);
  }
  return summary;
}

}  // namespace gs
