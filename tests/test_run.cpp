#include "sim/engine/run.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include "sim/scenario/scenario.hpp"

using namespace gs;

namespace {

RunResult run_with_threads(const std::string& text, int threads, const std::vector<std::string>& overrides = {}) {
  const Scenario s = load_scenario_text(text, "t.yaml", overrides);
  const int before = omp_get_max_threads();
  omp_set_num_threads(threads);
  const World world = s.graph->generate(s.graph_params, s.seed);
  RunPlan plan{s.model, s.model_params, s.seed, s.steps, s.replicates};
  plan.side_by_side_below = plan.one_thread_below = 0;  // split each step, even on a small world
  RunResult r = run(plan, world);
  omp_set_num_threads(before);
  return r;
}

const char* town = R"(name: determinism
seed: 5
steps: 30
replicates: 2
graph: {type: community, population: 20000, neighbourhood_size: 1500}
model: {type: organising, organisers: {count: 6}}
)";

}  // namespace

TEST(Run, BitwiseIdenticalForOneAndTwoThreads) {
  const RunResult one = run_with_threads(town, 1), two = run_with_threads(town, 2);
  ASSERT_EQ(one.values.size(), two.values.size());
  for (std::size_t m = 0; m < one.values.size(); ++m) {
    ASSERT_EQ(one.values[m].size(), 2u * 31u);
    for (std::size_t i = 0; i < one.values[m].size(); ++i)
      ASSERT_EQ(one.values[m][i], two.values[m][i]) << one.metrics[m].name << " at " << i;  // exact, not near
  }
}

TEST(Run, DifferentSeedsAndReplicatesDiffer) {
  const RunResult a = run_with_threads(town, 2), b = run_with_threads(town, 2, {"seed=6"});
  EXPECT_NE(a.values[0], b.values[0]);
  // Replicate 0 and 1 of one run differ too.
  EXPECT_NE(a.values[0][30], a.values[0][61]);
}

TEST(Run, OrderedSumDoesNotDependOnThreads) {
  std::vector<double> x(100000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 1.0 / (1.0 + static_cast<double>(i % 977));
  omp_set_num_threads(1);
  const double one = ordered_sum(x.size(), [&](std::size_t i) { return x[i]; });
  omp_set_num_threads(2);
  const double two = ordered_sum(x.size(), [&](std::size_t i) { return x[i]; });
  EXPECT_EQ(one, two);
  double plain = 0;
  for (double v : x) plain += v;
  EXPECT_NEAR(one, plain, 1e-9 * plain);
}

// On a small world, replicates run side by side (one per thread); told the
// world may vary, the run takes them in turn and splits each step across
// threads instead. Both must give the same bits, per-neighbourhood series too.
TEST(Run, ReplicatesSideBySideEqualReplicatesInTurn) {
  const Scenario s = load_scenario_text(town, "t.yaml", {"replicates=3", "steps=12"});
  const int before = omp_get_max_threads();
  omp_set_num_threads(2);
  const World world = s.graph->generate(s.graph_params, s.seed);
  RunPlan plan{s.model, s.model_params, s.seed, s.steps, s.replicates};
  plan.neighbourhoods = true;
  std::uint64_t last_progress = 0;
  plan.same_world_for_every_replicate = true;
  const RunResult side_by_side = run(
      plan, [&](std::uint32_t) -> const World& { return world; },
      [&](std::uint64_t done, std::uint64_t) { last_progress = std::max(last_progress, done); });
  plan.same_world_for_every_replicate = false;
  plan.one_thread_below = 0;
  const RunResult in_turn = run(plan, [&](std::uint32_t) -> const World& { return world; });
  omp_set_num_threads(before);
  EXPECT_EQ(last_progress, 3u * 12u) << "progress must count every step of every replicate";
  ASSERT_EQ(side_by_side.values, in_turn.values);
  ASSERT_FALSE(side_by_side.neighbourhood_values.empty());
  EXPECT_EQ(side_by_side.neighbourhood_values, in_turn.neighbourhood_values);
  EXPECT_NE(side_by_side.values[0][12], side_by_side.values[0][25]) << "replicates 0 and 1 should differ";
}

// A progress callback may throw to cancel a run (groundswell explore does):
// the exception comes out of run() whether replicates run in turn or side by
// side, where it is thrown inside the progress callback's critical section.
TEST(Run, ProgressCallbackThrowingCancelsTheRun) {
  struct Cancelled {};
  const Scenario s = load_scenario_text(town, "t.yaml", {"replicates=4", "steps=12"});
  const int before = omp_get_max_threads();
  omp_set_num_threads(2);
  const World world = s.graph->generate(s.graph_params, s.seed);
  for (const bool side_by_side : {true, false}) {
    RunPlan plan{s.model, s.model_params, s.seed, s.steps, s.replicates};
    plan.same_world_for_every_replicate = side_by_side;
    std::uint64_t calls = 0;
    EXPECT_THROW(run(
                     plan, [&](std::uint32_t) -> const World& { return world; },
                     [&](std::uint64_t, std::uint64_t) {
                       if (++calls >= 5) throw Cancelled{};
                     }),
                 Cancelled);
    // Every replicate stops at its next step once cancelled: far fewer calls than 4 x 12.
    EXPECT_LT(calls, 5u + 2u * 12u) << "side by side: " << side_by_side;
  }
  omp_set_num_threads(before);
}
