// Micro-benchmarks of the hot kernels (Google Benchmark). Run by scripts/bench;
// never part of the test suite. Sizes: BENCH_NODES (default 1,000,000 citizens);
// the community graph's fabric: BENCH_FABRIC (default classic).
#include <benchmark/benchmark.h>
#include <omp.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "sim/core/random.hpp"
#include "sim/engine/run.hpp"
#include "sim/scenario/scenario.hpp"

namespace {

std::int64_t bench_nodes() {
  const char* env = std::getenv("BENCH_NODES");
  return env ? std::strtoll(env, nullptr, 10) : 1000000;
}

std::string bench_fabric() {
  const char* env = std::getenv("BENCH_FABRIC");
  return env ? env : "classic";
}

// The organising model on the community graph, UK density of paid organisers
// (15 per 100,000), with the given schedule (model.schedule).
gs::Scenario organising_scenario(const std::string& schedule) {
  return gs::load_scenario_text("name: bench\ngraph: {type: community, population: " + std::to_string(bench_nodes()) +
                                    ", fabric: " + bench_fabric() +
                                    "}\nmodel: {type: organising, schedule: " + schedule +
                                    ", organisers: {count: " + std::to_string(bench_nodes() * 15 / 100000) + "}}\n",
                                "bench");
}

const gs::Scenario& scenario() {
  static const gs::Scenario s = organising_scenario("weekly");
  return s;
}

const gs::World& world() {
  static const gs::World w = scenario().graph->generate(scenario().graph_params, scenario().seed);
  return w;
}

void set_threads(const benchmark::State& state) { omp_set_num_threads(static_cast<int>(state.range(0))); }

void BM_CommunityGraph(benchmark::State& state) {
  set_threads(state);
  std::uint64_t edges = 0;
  // NOLINTNEXTLINE(clang-analyzer-deadcode.DeadStores): the Google Benchmark loop idiom
  for (auto _ : state) {
    gs::World w = scenario().graph->generate(scenario().graph_params, scenario().seed);
    edges = w.graph.edges();
    benchmark::DoNotOptimize(w.graph.targets.data());
  }
  state.counters["edges_per_s"] =
      benchmark::Counter(static_cast<double>(edges), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_CommunityGraph)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The yardstick: a plain OpenMP CSR loop summing neighbours' 8-bit states.
void BM_Yardstick(benchmark::State& state) {
  set_threads(state);
  const gs::Graph& g = world().graph;
  std::vector<std::uint8_t> s(g.nodes());
  for (std::size_t v = 0; v < s.size(); ++v) s[v] = (v * 2654435761u >> 7) % 6 == 0;
  std::vector<std::uint32_t> sum(g.nodes());
  const auto n = static_cast<std::int64_t>(g.nodes());
  // NOLINTNEXTLINE(clang-analyzer-deadcode.DeadStores): the Google Benchmark loop idiom
  for (auto _ : state) {
#pragma omp parallel for schedule(static, 4096)
    for (std::int64_t v = 0; v < n; ++v) {
      std::uint32_t total = 0;
      for (auto u : g.neighbours(static_cast<gs::NodeId>(v))) total += s[u];
      sum[v] = total;
    }
    benchmark::DoNotOptimize(sum.data());
  }
  state.counters["edge_visits_per_s"] =
      benchmark::Counter(static_cast<double>(g.directed_edges()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Yardstick)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// One organising step, in the same units: the graph's directed edges per step
// time. Every run is weeks 1 to 104 from the same start (a fixed iteration
// count), so 1 and 2 threads do the same work: with a free iteration count
// the faster run would go on to later, busier weeks (more leaders and
// contacts) and look slower per step than it is.
constexpr int bench_weeks = 104;
void organising_steps(benchmark::State& state, const gs::Scenario& s) {
  set_threads(state);
  auto model = s.model->create(s.model_params, world());
  model->initialise(gs::StepContext{s.seed, 0, 0});
  std::uint32_t step = 0;
  // NOLINTNEXTLINE(clang-analyzer-deadcode.DeadStores): the Google Benchmark loop idiom
  for (auto _ : state) model->step(gs::StepContext{s.seed, 0, ++step});
  state.counters["edge_visits_per_s"] = benchmark::Counter(static_cast<double>(world().graph.directed_edges()),
                                                           benchmark::Counter::kIsIterationInvariantRate);
  state.counters["node_steps_per_s"] =
      benchmark::Counter(static_cast<double>(world().graph.nodes()), benchmark::Counter::kIsIterationInvariantRate);
}
void BM_OrganisingStep(benchmark::State& state) { organising_steps(state, scenario()); }
BENCHMARK(BM_OrganisingStep)->Arg(1)->Arg(2)->Iterations(bench_weeks)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same weeks under the next-event schedule (models/organising/next_event.cpp).
void BM_OrganisingStepNextEvent(benchmark::State& state) {
  static const gs::Scenario s = organising_scenario("next_event");
  organising_steps(state, s);
}
BENCHMARK(BM_OrganisingStepNextEvent)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(bench_weeks)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_RngUniform(benchmark::State& state) {
  std::uint32_t agent = 0;
  double sink = 0;
  // NOLINTNEXTLINE(clang-analyzer-deadcode.DeadStores): the Google Benchmark loop idiom
  for (auto _ : state) {
    gs::Stream rng(1, 2, 3, ++agent, 4);
    sink += rng.uniform();
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RngUniform);

}  // namespace

BENCHMARK_MAIN();
