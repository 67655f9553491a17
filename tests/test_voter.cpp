// The voter model (models/voter.cpp) against what is known without running
// it: on a connected, non-bipartite graph where everyone has the same number
// of ties it ends in consensus, and the chance the consensus is A equals the
// initial share of A (the share is a martingale: Holley & Liggett 1975; for
// synchronous updates see Sood & Redner 2005, Phys. Rev. Lett. 94: 178701,
// whose degree-weighted share reduces to the plain share on regular graphs).
#include <omp.h>

#include <cmath>
#include <string>

#include <gtest/gtest.h>

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

World complete_graph(std::size_t n) {
  std::vector<std::pair<NodeId, NodeId>> edges;
  for (NodeId a = 0; a < n; ++a)
    for (NodeId b = a + 1; b < n; ++b) edges.emplace_back(a, b);
  return world_from(n, edges);
}

// The model section is the test's; the graph section only has to validate.
RunResult run_voter(double initial_share, const World& world, std::uint32_t steps, std::uint32_t replicates) {
  const std::string text = "name: t\nseed: 7\nsteps: " + std::to_string(steps) +
                           "\nreplicates: " + std::to_string(replicates) +
                           "\ngraph: {type: ring_lattice, nodes: 10, k: 2}\nmodel: {type: voter, initial_share: " +
                           format_real(initial_share) + "}\n";
  const Scenario s = load_scenario_text(text, "test");
  return run(RunPlan{s.model, s.model_params, s.seed, s.steps, s.replicates}, world);
}

constexpr std::size_t opinion_a = 0, disagreeing_ties = 1;

double at(const RunResult& r, std::size_t metric, std::uint32_t replicate, std::uint32_t step, std::uint32_t steps) {
  return r.values[metric][replicate * (steps + 1) + step];
}

}  // namespace

// 2,000 replicates on the complete graph of 20 people, 30% starting with A.
// Each ends in consensus (the slowest mode decays like (1 - 1/20)^t, so 400
// steps leave about e^-20 per replicate undecided), A wins in a share of them
// equal to 0.3 within four standard errors (sqrt(0.3 * 0.7 / 2000) = 0.010),
// and at the start the share of disagreeing ties is 2 f (1 - f) = 0.42 on
// average, as independent draws give.
TEST(Voter, ConsensusForAIsAsLikelyAsTheInitialShareOfA) {
  constexpr std::uint32_t replicates = 2000, steps = 400;
  constexpr double share = 0.3;
  const RunResult r = run_voter(share, complete_graph(20), steps, replicates);
  double a_wins = 0, disagreeing_at_start = 0;
  for (std::uint32_t rep = 0; rep < replicates; ++rep) {
    const double final_share = at(r, opinion_a, rep, steps, steps);
    ASSERT_TRUE(final_share == 0.0 || final_share == 1.0) << "replicate " << rep << " ended at " << final_share;
    EXPECT_EQ(at(r, disagreeing_ties, rep, steps, steps), 0.0);
    a_wins += final_share;
    disagreeing_at_start += at(r, disagreeing_ties, rep, 0, steps);
  }
  const double standard_error = std::sqrt(share * (1 - share) / replicates);
  EXPECT_NEAR(a_wins / replicates, share, 4 * standard_error);
  // Per replicate the start's disagreeing share has sd about 0.1: the mean's is about 0.0023.
  EXPECT_NEAR(disagreeing_at_start / replicates, 2 * share * (1 - share), 0.012);
}

// Consensus is absorbing: nobody can copy an opinion nobody holds.
TEST(Voter, ConsensusStaysConsensus) {
  const World ring = world_from(50, [] {
    std::vector<std::pair<NodeId, NodeId>> edges;
    for (NodeId v = 0; v < 50; ++v) edges.emplace_back(v, (v + 1) % 50);
    return edges;
  }());
  for (const double share : {0.0, 1.0}) {
    const RunResult r = run_voter(share, ring, 20, 2);
    for (double v : r.values[opinion_a]) EXPECT_EQ(v, share);
    for (double v : r.values[disagreeing_ties]) EXPECT_EQ(v, 0.0);
  }
}

// Large enough for the step's parallel loop (min_parallel_agents): the same
// series for one thread and two.
TEST(Voter, BitwiseSameForAnyThreadCount) {
  std::vector<std::pair<NodeId, NodeId>> edges;
  constexpr NodeId n = 120000;
  for (NodeId v = 0; v < n; ++v) {
    edges.emplace_back(v, (v + 1) % n);
    edges.emplace_back(v, (v + 2) % n);
  }
  const World ring = world_from(n, edges);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const RunResult one = run_voter(0.5, ring, 4, 1);
  omp_set_num_threads(2);
  const RunResult two = run_voter(0.5, ring, 4, 1);
  omp_set_num_threads(threads);
  EXPECT_EQ(one.values, two.values);
  EXPECT_NE(one.values[opinion_a][0], one.values[opinion_a][4]);  // opinions did move
}
