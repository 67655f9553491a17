// The classic diffusion rules (threshold, bass, virus_on_network) on small
// hand-built graphs whose outcome can be worked out by hand, run through the
// real path: scenario text -> load_scenario_text -> gs::run.
#include <omp.h>

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "sim/core/random.hpp"
#include "sim/engine/run.hpp"
#include "sim/scenario/scenario.hpp"

using namespace gs;

namespace {

World world_from(std::size_t nodes, const std::vector<std::pair<NodeId, NodeId>>& edges) {
  World w;
  w.graph = build_csr(nodes, {edges});
  w.population = single_neighbourhood_population(nodes, 1);
  return w;
}

// Ring of n nodes, each linked to its r nearest neighbours on each side.
World ring_lattice(std::size_t n, std::uint32_t r) {
  std::vector<std::pair<NodeId, NodeId>> edges;
  for (NodeId v = 0; v < n; ++v)
    for (std::uint32_t j = 1; j <= r; ++j) edges.emplace_back(v, static_cast<NodeId>((v + j) % n));
  return world_from(n, edges);
}

// The model section is the test's; the graph section only has to validate,
// since the world is passed to gs::run directly.
RunResult run_text(const std::string& model_yaml, const World& world, std::uint32_t steps, std::uint32_t replicates = 1,
                   std::uint64_t seed = 1) {
  const std::string text = "name: t\nseed: " + std::to_string(seed) + "\nsteps: " + std::to_string(steps) +
                           "\nreplicates: " + std::to_string(replicates) +
                           "\ngraph: {type: community, population: 1000}\nmodel:\n" + model_yaml;
  const Scenario s = load_scenario_text(text, "test");
  RunPlan plan{s.model, s.model_params, s.seed, s.steps, s.replicates};
  plan.side_by_side_below = plan.one_thread_below = 0;  // split each step, even on a small world
  return run(plan, world);
}

double at(const RunResult& r, std::size_t metric, std::uint32_t replicate, std::uint32_t step, std::uint32_t steps) {
  return r.values[metric][replicate * (steps + 1) + step];
}

}  // namespace

// phi = 0.28 and k = 25: 0.28 * 25 is 7.000000000000001 in floating point, but
// "fraction >= phi" means 7 active neighbours are enough. Hub 0 has 25
// neighbours 1..25; nodes 1..7 form a clique and each has 20 private leaves
// (degree 27, so highest_degree seeding picks exactly them).
TEST(Threshold, FractionalThresholdIsExactInIntegers) {
  std::vector<std::pair<NodeId, NodeId>> edges;
  NodeId next = 26;
  for (NodeId v = 1; v <= 25; ++v) edges.emplace_back(0, v);
  for (NodeId a = 1; a <= 7; ++a) {
    for (NodeId b = a + 1; b <= 7; ++b) edges.emplace_back(a, b);
    for (int leaf = 0; leaf < 20; ++leaf) edges.emplace_back(a, next++);
  }
  const World w = world_from(next, edges);
  const auto r = run_text("  type: threshold\n  phi: 0.28\n  seeding: {count: 7, strategy: highest_degree}\n", w, 2);
  const double n = next;
  EXPECT_DOUBLE_EQ(at(r, 0, 0, 0, 2), 7 / n);
  EXPECT_DOUBLE_EQ(at(r, 0, 0, 1, 2), (7 + 140 + 1) / n);  // the hub and the private leaves
  EXPECT_DOUBLE_EQ(at(r, 0, 0, 2, 2), 1.0);  // then the hub's other leaves
}

// Centola-Macy on a ring lattice (r = 2 per side, count = 2, one focal node
// plus its 4 neighbours): each front gains r - count + 1 = 1 node per step.
TEST(Threshold, CountRuleFrontAdvancesOneNodePerSideOnRing) {
  const std::size_t n = 101;
  const World w = ring_lattice(n, 2);
  const std::uint32_t steps = 60;
  const auto r = run_text("  type: threshold\n  count: 2\n  seeding: {count: 1, strategy: cluster}\n", w, steps, 3);
  for (std::uint32_t rep = 0; rep < 3; ++rep)
    for (std::uint32_t t = 0; t <= steps; ++t)
      ASSERT_DOUBLE_EQ(at(r, 0, rep, t, steps), std::min<double>(n, 5 + 2.0 * t) / n) << "rep " << rep << " t " << t;
}

TEST(Threshold, CountThreeStallsOnRingWithTwoNeighboursPerSide) {
  const World w = ring_lattice(200, 2);
  const auto r = run_text("  type: threshold\n  count: 3\n  seeding: {count: 1, strategy: cluster}\n", w, 10);
  EXPECT_DOUBLE_EQ(at(r, 0, 0, 10, 10), 5 / 200.0);
}

// Bass with q = 0 on a graph with no edges: each node adopts independently,
// so E[F(t)] = 1 - (1 - p)^t; 20,000 nodes give a s.d. below 0.0036.
TEST(Bass, InnovationOnlyFollowsGeometricLaw) {
  const World w = world_from(20000, {});
  const auto r = run_text("  type: bass\n  p: 0.1\n  q: 0.0\n", w, 5);
  for (std::uint32_t t = 0; t <= 5; ++t) EXPECT_NEAR(at(r, 0, 0, t, 5), 1 - std::pow(0.9, t), 0.015) << "t " << t;
}

TEST(Bass, ImitationNeedsAdoptingNeighbours) {
  const World w = ring_lattice(1000, 1);
  const auto r = run_text("  type: bass\n  p: 0.0\n  q: 1.0\n", w, 5);
  EXPECT_EQ(at(r, 0, 0, 5, 5), 0.0);  // p = 0: nobody starts
}

// spread 1, no checks: the infection takes exactly one more node per side each step.
TEST(VirusOnNetwork, CertainSpreadAdvancesOneHopPerStep) {
  const std::size_t n = 100;
  const World w = ring_lattice(n, 1);
  const auto r = run_text(
      "  type: virus_on_network\n  initial_outbreak_size: 1\n  virus_spread_chance: 1\n"
      "  virus_check_frequency: 0\n",
      w, 60);
  for (std::uint32_t t = 0; t <= 60; ++t) {
    EXPECT_DOUBLE_EQ(at(r, 1, 0, t, 60), std::min<double>(n, 1 + 2.0 * t) / n);
    EXPECT_DOUBLE_EQ(at(r, 0, 0, t, 60) + at(r, 1, 0, t, 60) + at(r, 2, 0, t, 60), 1.0);
  }
}

// Order of events: an infected node transmits before it can recover. With
// every chance 1 the seed infects both neighbours and recovers in step 1;
// each step after, the two front nodes pass it on and recover.
// (Recover-then-transmit would end the outbreak in step 1 with 1 resistant.)
TEST(VirusOnNetwork, TransmitsBeforeRecovering) {
  const std::size_t n = 101;
  const World w = ring_lattice(n, 1);
  const auto r = run_text(
      "  type: virus_on_network\n  initial_outbreak_size: 1\n  virus_spread_chance: 1\n"
      "  virus_check_frequency: 1\n  recovery_chance: 1\n  gain_resistance_chance: 1\n",
      w, 55);
  for (std::uint32_t t = 1; t <= 50; ++t) {
    EXPECT_DOUBLE_EQ(at(r, 1, 0, t, 55), 2.0 / n) << t;
    EXPECT_DOUBLE_EQ(at(r, 2, 0, t, 55), (2.0 * t - 1) / n) << t;
  }
  EXPECT_DOUBLE_EQ(at(r, 2, 0, 55, 55), 1.0);
}

TEST(VirusOnNetwork, RecoveryWithoutResistanceReturnsToSusceptible) {
  const World w = ring_lattice(50, 1);
  const auto r = run_text(
      "  type: virus_on_network\n  initial_outbreak_size: 5\n  virus_spread_chance: 0\n"
      "  virus_check_frequency: 1\n  recovery_chance: 1\n  gain_resistance_chance: 0\n",
      w, 1);
  EXPECT_DOUBLE_EQ(at(r, 1, 0, 0, 1), 5 / 50.0);
  EXPECT_DOUBLE_EQ(at(r, 0, 0, 1, 1), 1.0);
}

// Same numbers with 1 and 2 threads, bitwise, for every rule.
TEST(DiffusionRules, IdenticalForAnyThreadCount) {
  const std::size_t n = 150000;  // above min_parallel_agents, so the loops do run in parallel
  std::vector<std::pair<NodeId, NodeId>> edges;
  for (std::uint32_t e = 0; e < 3 * n; ++e) {
    Stream rng(5, 0, 0, e, 1);
    edges.emplace_back(static_cast<NodeId>(rng.below(n)), static_cast<NodeId>(rng.below(n)));
  }
  const World w = world_from(n, edges);
  const std::vector<std::string> models = {
      "  type: threshold\n  phi: 0.18\n  seeding: {count: 30, strategy: random}\n",
      "  type: threshold\n  count: 2\n  seeding: {count: 20, strategy: cluster}\n",
      "  type: bass\n  p: 0.01\n  q: 0.5\n",
      "  type: virus_on_network\n  initial_outbreak_size: 10\n  virus_spread_chance: 0.3\n"
      "  virus_check_frequency: 0.5\n  recovery_chance: 0.5\n  gain_resistance_chance: 0.7\n"};
  const int before = omp_get_max_threads();
  for (const auto& m : models) {
    omp_set_num_threads(1);
    const auto one = run_text(m, w, 30, 2, 9);
    omp_set_num_threads(2);
    const auto two = run_text(m, w, 30, 2, 9);
    EXPECT_EQ(one.values, two.values) << m;
    EXPECT_GT(one.values[0][2 * 31 - 1], 0.0) << m;  // something happened
  }
  omp_set_num_threads(before);
}
