// The engine's incremental neighbour counts and change frontier, and the
// rules that use them: a step that looks only at the frontier must give
// exactly what a sweep over every node gives (computed here independently,
// the way the rules were written before they had a frontier).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "graph_testing.hpp"
#include "sim/core/cpu_features.hpp"
#include "sim/core/params.hpp"
#include "sim/core/random.hpp"
#include "sim/engine/neighbour_counts.hpp"
#include "sim/engine/run.hpp"
#include "sim/scenario/scenario.hpp"

using namespace gs;

namespace {

World random_graph(std::size_t nodes, double mean_degree, std::uint64_t seed) {
  return gs::testing::make_graph("erdos_renyi",
                                 {{"nodes", static_cast<std::int64_t>(nodes)}, {"mean_degree", mean_degree}}, seed);
}

RunResult run_model(const std::string& model_yaml, const World& world, std::uint32_t steps, std::uint64_t seed) {
  const std::string text = "name: t\nseed: " + std::to_string(seed) + "\nsteps: " + std::to_string(steps) +
                           "\nreplicates: 1\ngraph: {type: community, population: 1000}\nmodel:\n" + model_yaml;
  const Scenario s = load_scenario_text(text, "test");
  return run(RunPlan{s.model, s.model_params, s.seed, s.steps, s.replicates}, world);
}

// The same run on each vector path the CPU has (the rules' batched draws
// have a kernel for each), in the order baseline, avx2, avx512.
template <class Run>
std::vector<RunResult> on_each_vector_path(Run&& run) {
  std::vector<RunResult> runs;
  for (VectorLevel level : {VectorLevel::baseline, VectorLevel::avx2, VectorLevel::avx512}) {
    if (!host_supports(level)) continue;
    force_vector_level(level);
    runs.push_back(run());
  }
  force_vector_level(std::nullopt);
  return runs;
}

}  // namespace

TEST(NeighbourCounts, MatchARecountAfterAnyChanges) {
  const World w = random_graph(2000, 6, 3);
  NeighbourCounts counts(w.graph);
  std::vector<std::uint8_t> in(w.graph.nodes(), 0);
  Stream rng(5, 0, 0, 0, 1);
  for (int i = 0; i < 5000; ++i) {
    const auto v = static_cast<NodeId>(rng.below(w.graph.nodes()));
    in[v] ^= 1;
    if (i % 2)
      counts.change(v, in[v] ? +1 : -1);
    else
      counts.change_concurrently(v, in[v] ? +1 : -1);
  }
  std::int64_t mismatches = 0;
  for (NodeId v = 0; v < w.graph.nodes(); ++v) {
    std::int32_t direct = 0;
    for (NodeId u : w.graph.neighbours(v)) direct += in[u];
    mismatches += direct != counts[v];
  }
  EXPECT_EQ(mismatches, 0);
  NeighbourCounts rebuilt(w.graph);
  rebuilt.recount([&](NodeId v) { return in[v] != 0; });
  for (NodeId v = 0; v < w.graph.nodes(); ++v) ASSERT_EQ(rebuilt[v], counts[v]) << "node " << v;
}

TEST(NeighbourCounts, ListChangesMatchChangesNodeByNode) {
  const World w = random_graph(2000, 6, 8);
  NeighbourCounts by_list(w.graph), by_node(w.graph);
  std::vector<NodeId> entered, left;
  for (NodeId v = 0; v < w.graph.nodes(); v += 3) entered.push_back(v);  // longer than the fetch-ahead distance
  for (NodeId v = 0; v < w.graph.nodes(); v += 6) left.push_back(v);
  by_list.change(entered, +1);
  by_list.change(left, -1);
  by_list.change(std::span<const NodeId>{}, +1);
  for (NodeId v : entered) by_node.change(v, +1);
  for (NodeId v : left) by_node.change(v, -1);
  std::int64_t nonzero = 0;
  for (NodeId v = 0; v < w.graph.nodes(); ++v) {
    ASSERT_EQ(by_list[v], by_node[v]) << "node " << v;
    nonzero += by_list[v] != 0;
  }
  EXPECT_GT(nonzero, 0);
}

TEST(Frontier, ListsDistinctNodesInTheOrderAddedAndClearsFully) {
  const World w = random_graph(500, 4, 9);
  Frontier f(w.graph.nodes());
  f.add(7);
  f.add(3);
  f.add(7);
  const NodeId three[] = {3};
  f.add_neighbours(w.graph, three, [](NodeId u) { return u % 2 == 0; });
  ASSERT_GE(f.size(), 2u);
  EXPECT_EQ(f.nodes()[0], 7u);
  EXPECT_EQ(f.nodes()[1], 3u);
  std::vector<NodeId> sorted(f.nodes().begin(), f.nodes().end());
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end()) << "a node listed twice";
  for (std::size_t i = 2; i < f.size(); ++i) EXPECT_EQ(f.nodes()[i] % 2, 0u);
  f.clear();
  EXPECT_EQ(f.size(), 0u);
  f.add(7);  // marks were cleared too
  EXPECT_EQ(f.size(), 1u);
}

TEST(Frontier, HoldsEveryNodeOnce) {
  const World w = random_graph(300, 6, 4);
  Frontier f(w.graph.nodes());
  for (int round = 0; round < 2; ++round)  // the second round adds nothing new
    for (NodeId v = 0; v < w.graph.nodes(); ++v) {
      f.add(v);
      f.add_neighbours(w.graph, std::span<const NodeId>(&v, 1), [](NodeId) { return true; });
    }
  ASSERT_EQ(f.size(), w.graph.nodes());
  std::vector<NodeId> sorted(f.nodes().begin(), f.nodes().end());
  std::sort(sorted.begin(), sorted.end());
  for (NodeId v = 0; v < w.graph.nodes(); ++v) ASSERT_EQ(sorted[v], v);
}

TEST(Frontier, NeighboursOfAListAreAddedRowByRowOnce) {
  const World w = random_graph(3000, 3, 6);
  Frontier f(w.graph.nodes());
  std::vector<NodeId> from;
  for (NodeId v = 0; v < w.graph.nodes(); v += 2) from.push_back(v);  // fills the walk's buffer a few times
  auto wanted = [](NodeId u) { return u % 3 != 0; };
  f.add(5);
  f.add_neighbours(w.graph, from, wanted);
  std::vector<NodeId> expected = {5};  // each wanted neighbour when first met, row after row
  std::vector<bool> listed(w.graph.nodes(), false);
  listed[5] = true;
  for (NodeId v : from)
    for (NodeId u : w.graph.neighbours(v))
      if (wanted(u) && !listed[u]) {
        listed[u] = true;
        expected.push_back(u);
      }
  ASSERT_GT(expected.size(), 1000u);
  EXPECT_EQ(std::vector<NodeId>(f.nodes().begin(), f.nodes().end()), expected);
}

// Threshold contagion by a sweep over every node, synchronous, from the same seeds.
TEST(Threshold, FrontierStepsEqualAFullSweep) {
  const World w = random_graph(3000, 5, 21);
  const Graph& g = w.graph;
  const std::uint32_t steps = 30;
  const RunResult r =
      run_model("  type: threshold\n  phi: 0.2\n  seeding.count: 40\n  seeding.strategy: cluster\n", w, steps, 4);
  // The seeds: the rule's own draws (pick_seed = 1), focal nodes then their neighbours.
  std::vector<std::uint8_t> active(g.nodes(), 0);
  std::vector<NodeId> seeds;
  Stream pick(4, 0, 0, 0, 1);
  while (seeds.size() < 40) {
    const auto v = static_cast<NodeId>(pick.below(g.nodes()));
    if (!active[v]) active[v] = 1, seeds.push_back(v);
  }
  for (std::size_t i = 0; i < 40; ++i)
    for (NodeId u : g.neighbours(seeds[i])) active[u] = 1;
  std::vector<double> expected{static_cast<double>(std::count(active.begin(), active.end(), 1)) /
                               static_cast<double>(g.nodes())};
  for (std::uint32_t t = 1; t <= steps; ++t) {
    std::vector<std::uint8_t> next = active;
    for (NodeId v = 0; v < g.nodes(); ++v) {
      std::int64_t on = 0;
      for (NodeId u : g.neighbours(v)) on += active[u];
      const auto needed = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(0.2 * g.degree(v) - 1e-12)));
      if (!active[v] && g.degree(v) > 0 && on >= needed) next[v] = 1;
    }
    active.swap(next);
    expected.push_back(static_cast<double>(std::count(active.begin(), active.end(), 1)) /
                       static_cast<double>(g.nodes()));
  }
  ASSERT_EQ(r.values[0].size(), expected.size());
  for (std::size_t t = 0; t < expected.size(); ++t) EXPECT_EQ(r.values[0][t], expected[t]) << "step " << t;
  EXPECT_GT(expected.back(), expected.front()) << "the cascade should grow, or the test checks little";
}

namespace {

struct VirusChances {
  double spread, check, recover, resist;
};

// Virus on a Network by a sweep over every node with the rule's own keyed
// draws (node_draws = 2), against the rule's run on each vector path. Returns
// the peak share infected and the most infected neighbours a susceptible
// node had.
std::pair<double, std::int32_t> expect_virus_equals_full_sweep(const World& w, const VirusChances& c,
                                                               std::uint32_t steps, int outbreak) {
  const Graph& g = w.graph;
  const std::vector<RunResult> runs = on_each_vector_path([&] {
    return run_model("  type: virus_on_network\n  initial_outbreak_size: " + std::to_string(outbreak) +
                         "\n  virus_spread_chance: " + format_real(c.spread) + "\n  virus_check_frequency: " +
                         format_real(c.check) + "\n  recovery_chance: " + format_real(c.recover) +
                         "\n  gain_resistance_chance: " + format_real(c.resist) + "\n",
                     w, steps, 17);
  });
  enum : std::uint8_t { S = 0, I = 1, R = 2 };
  std::vector<std::uint8_t> health(g.nodes(), S);
  Stream pick(17, 0, 0, 0, 1);
  for (int placed = 0; placed < outbreak;) {
    const auto v = static_cast<NodeId>(pick.below(g.nodes()));
    if (health[v] == I) continue;
    health[v] = I;
    ++placed;
  }
  double peak = 0;
  std::int32_t most_exposed = 0;
  for (std::uint32_t t = 1; t <= steps; ++t) {
    std::vector<std::uint8_t> next = health;
    for (NodeId v = 0; v < g.nodes(); ++v) {
      Stream rng(17, 0, t, v, 2);
      std::int32_t m = 0;
      for (NodeId u : g.neighbours(v)) m += health[u] == I;
      if (health[v] == S && m > 0) {
        most_exposed = std::max(most_exposed, m);
        if (rng.bernoulli(1.0 - std::pow(1.0 - c.spread, m))) next[v] = I;
      } else if (health[v] == I && rng.bernoulli(c.check) && rng.bernoulli(c.recover)) {
        next[v] = rng.bernoulli(c.resist) ? R : S;
      }
    }
    health.swap(next);
    const double infected =
        static_cast<double>(std::count(health.begin(), health.end(), I)) / static_cast<double>(g.nodes());
    for (const RunResult& r : runs) EXPECT_EQ(r.values[1][t], infected) << "step " << t;
    peak = std::max(peak, infected);
  }
  return {peak, most_exposed};
}

}  // namespace

// Skipping nodes that cannot change must change nothing.
TEST(VirusOnNetwork, FrontierStepsEqualAFullSweep) {
  const auto [peak, most_exposed] =
      expect_virus_equals_full_sweep(random_graph(4000, 3, 8), {0.4, 1.0, 0.3, 0.5}, 40, 10);
  EXPECT_GT(peak, 0.05) << "the outbreak should take off, or the test checks little";
}

// The rule reads each exposed node's chance from a table by its count of
// infected neighbours; a node with more than the table holds gets the exact
// chance. Dense enough that susceptible nodes meet counts well past it.
TEST(VirusOnNetwork, CountsPastTheChanceTableEqualAFullSweep) {
  const auto [peak, most_exposed] =
      expect_virus_equals_full_sweep(random_graph(1500, 200, 3), {0.02, 1.0, 0.1, 0.5}, 25, 20);
  EXPECT_GT(most_exposed, 80) << "no susceptible node met a count past the table (64): the test checks little";
  EXPECT_GT(peak, 0.3);
}

// Bass by a sweep over every node with the rule's own keyed draws
// (adopt_draw = 1): drawing for the waiting nodes alone must change nothing.
TEST(Bass, WaitingListStepsEqualAFullSweep) {
  const World w = random_graph(3000, 5, 4);
  const Graph& g = w.graph;
  const std::uint32_t steps = 30;
  const double p = 0.01, q = 0.4;
  const std::vector<RunResult> runs =
      on_each_vector_path([&] { return run_model("  type: bass\n  p: 0.01\n  q: 0.4\n", w, steps, 23); });
  std::vector<std::uint8_t> adopted(g.nodes(), 0);
  for (std::uint32_t t = 1; t <= steps; ++t) {
    std::vector<std::uint8_t> next = adopted;
    for (NodeId v = 0; v < g.nodes(); ++v) {
      if (adopted[v]) continue;
      std::int64_t m = 0;
      for (NodeId u : g.neighbours(v)) m += adopted[u];
      const std::uint32_t k = g.degree(v);
      const double share = k ? static_cast<double>(m) / k : 0.0;
      next[v] = Stream(23, 0, t, v, 1).bernoulli(p + q * share);
    }
    adopted.swap(next);
    const double share =
        static_cast<double>(std::count(adopted.begin(), adopted.end(), 1)) / static_cast<double>(g.nodes());
    for (const RunResult& r : runs) EXPECT_EQ(r.values[0][t], share) << "step " << t;
  }
  EXPECT_GT(runs.front().values[0][steps], 0.5) << "most should adopt, or the test checks little";
}
