// The organising model's contagion choices (contagion.*) and organisers'
// competition for a neighbourhood's residents
// (organisers.neighbourhood_capacity): a steep complex pull behaves as a
// threshold of two ties on a ring lattice (Centola & Macy 2007); equal tie
// weights give bitwise the unweighted run; tie weights need a graph with
// layers; with competition on, each organiser holds fewer one-to-ones as
// organisers crowd one neighbourhood, and without it as many.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "models/organising/rules.hpp"
#include "organising_helpers.hpp"
#include "sim/core/input_error.hpp"
#include "sim/core/random.hpp"
#include "sim/graph/rewire.hpp"

namespace gs::organising {
namespace {

// Synchronous spread by the joining rule alone (g = 1, no spontaneous
// joining, influence 1, no drop-out) from the `seeds` first citizens, with
// the complex pull (steepness > 0) or the linear share (steepness 0).
// Returns the final share taking part.
double spread(const Graph& graph, std::uint32_t seeds, double steepness, std::uint32_t steps) {
  const auto n = static_cast<std::uint32_t>(graph.nodes());
  std::vector<std::uint8_t> in(n, 0), next;
  for (std::uint32_t v = 0; v < seeds; ++v) in[v] = 1;
  const double threshold = 2, at_zero = rules::logistic_response(0.0, threshold, steepness);
  for (std::uint32_t t = 1; t <= steps; ++t) {
    next = in;
    for (NodeId v = 0; v < n; ++v) {
      if (in[v]) continue;
      std::int32_t active = 0;
      for (NodeId u : graph.neighbours(v)) active += in[u];
      const auto k = static_cast<std::int32_t>(graph.degree(v));
      const double pull = steepness > 0 ? rules::complex_pull(rules::participating_ties(active, 0, 0.0, 1.0), threshold,
                                                              steepness, at_zero)
                                        : rules::contact_share(active, 0, 0.0, k);
      const double chance = rules::joining_chance(rules::own_joining_chance(1.0, 0.0, 1.0, pull, 0.0), 0.0);
      next[v] = Stream(11, 0, t, v, 1).uniform() < chance ? 1 : 0;
    }
    in.swap(next);
  }
  double sum = 0;
  for (std::uint8_t x : in) sum += x;
  return sum / n;
}

TEST(OrganisingContagion, SteepComplexPullIsAThresholdOfTwoTiesOnARingLattice) {
  const Scenario s = load_scenario_text(
      "name: ring\nseed: 3\nsteps: 1\ngraph: {type: ring_lattice, nodes: 400, k: 4}\n"
      "model: {type: organising}\n",
      "ring.yaml");
  const World ring = s.graph->generate(s.graph_params, s.seed);
  ASSERT_EQ(ring.graph.degree(0), 4u);
  const Graph random = rewire_degree_preserving(ring.graph, 2.0, 5);
  // The pull: nearly none from one tie, half at two, nearly all from three.
  const double at_zero = rules::logistic_response(0.0, 2, 20);
  EXPECT_EQ(rules::complex_pull(0, 2, 20, at_zero), 0.0);
  EXPECT_LT(rules::complex_pull(1, 2, 20, at_zero), 1e-8);
  EXPECT_NEAR(rules::complex_pull(2, 2, 20, at_zero), 0.5, 1e-8);
  EXPECT_GT(rules::complex_pull(3, 2, 20, at_zero), 1 - 1e-8);
  // Two neighbouring seeds spread through the lattice's overlapping ties;
  // one seed does not; on the same degrees with random ties two stall.
  EXPECT_GT(spread(ring.graph, 2, 20, 600), 0.99);
  EXPECT_EQ(spread(ring.graph, 1, 20, 600), 1.0 / 400);
  EXPECT_LT(spread(random, 2, 20, 600), 0.02);
  // Linear (simple) contagion spreads from one seed on either.
  EXPECT_GT(spread(ring.graph, 1, 0, 600), 0.99);
  EXPECT_GT(spread(random, 1, 0, 600), 0.99);
}

const char* const clustered_town = R"(name: contagion
seed: 5
steps: 30
replicates: 1
graph: {type: community, population: 8000, fabric: clustered}
model:
  type: organising
  leaders: {min_weeks: 2, min_meetings: 1, chance: 0.3}
  organisers:
    cohorts:
      - {count: 6, kind: paid}
)";

testing::Outcome run_town(const std::vector<std::string>& overrides, const World* world = nullptr) {
  const Scenario s = load_scenario_text(clustered_town, "contagion.yaml", overrides);
  if (world) return testing::run_scenario(s, *world);
  const World w = s.graph->generate(s.graph_params, s.seed);
  return testing::run_scenario(s, w);
}

void expect_same(const testing::Outcome& a, const testing::Outcome& b, const std::string& what) {
  ASSERT_EQ(a.result.values.size(), b.result.values.size());
  for (std::size_t m = 0; m < a.result.values.size(); ++m) {
    ASSERT_EQ(a.result.values[m].size(), b.result.values[m].size());
    EXPECT_EQ(0, std::memcmp(a.result.values[m].data(), b.result.values[m].data(),
                             a.result.values[m].size() * sizeof(double)))
        << what << ": " << a.result.metrics[m].name;
  }
}

// Equal weights scale every count, degree and tie unit alike: the run is
// bitwise the unweighted one, linear or complex; unequal weights change it.
TEST(OrganisingContagion, EqualTieWeightsGiveTheUnweightedRun) {
  const Scenario s = load_scenario_text(clustered_town, "contagion.yaml");
  const World world = s.graph->generate(s.graph_params, s.seed);
  ASSERT_FALSE(world.graph.layers.empty());
  const std::vector<std::string> equal = {"model.contagion.tie_weights=true", "model.contagion.weights.household=3",
                                          "model.contagion.weights.close=3", "model.contagion.weights.friends=3",
                                          "model.contagion.weights.acquaintance=3"};
  for (const char* form : {"linear", "complex"}) {
    std::vector<std::string> weighted = equal;
    weighted.push_back(std::string("model.contagion.form=") + form);
    const testing::Outcome plain = run_town({std::string("model.contagion.form=") + form}, &world);
    expect_same(plain, run_town(weighted, &world), form);
    const testing::Outcome unequal =
        run_town({std::string("model.contagion.form=") + form, "model.contagion.tie_weights=true"}, &world);
    EXPECT_NE(plain.series("participation"), unequal.series("participation")) << form;
  }
}

TEST(OrganisingContagion, ComplexContagionChangesTheRunAndKeepsTheBaseline) {
  const Scenario s = load_scenario_text(clustered_town, "contagion.yaml");
  const World world = s.graph->generate(s.graph_params, s.seed);
  const testing::Outcome linear = run_town({}, &world);
  const testing::Outcome complex = run_town({"model.contagion.form=complex"}, &world);
  EXPECT_NE(linear.series("participation"), complex.series("participation"));
  // The start-up fit matches the declared baseline under either form.
  EXPECT_NEAR(linear.at("participation", 0, 0), 0.16, 0.02);
  EXPECT_NEAR(complex.at("participation", 0, 0), 0.16, 0.02);
}

// Weighted counts are whole numbers added by the thread owning each
// contact, and competition sums demand in organiser order: the same bits at
// one thread and two.
TEST(OrganisingContagion, ComplexWeightedCompetingRunIsTheSameForOneAndTwoThreads) {
  const Scenario s = load_scenario_text(clustered_town, "contagion.yaml",
                                        {"model.contagion.form=complex", "model.contagion.tie_weights=true",
                                         "model.organisers.neighbourhood_capacity=0.002"});
  const World world = s.graph->generate(s.graph_params, s.seed);
  expect_same(testing::run_scenario(s, world, 1), testing::run_scenario(s, world, 2), "threads");
}

TEST(OrganisingContagion, TieWeightsNeedAGraphWithLayers) {
  EXPECT_THROW(run_town({"graph.fabric=classic", "model.contagion.tie_weights=true"}), InputError);
}

// One-to-ones per organiser per week, weeks 10-20 (after the ramp-up), with
// `count` paid organisers in one neighbourhood of 2,000.
double meetings_per_organiser(int count, double capacity) {
  const Scenario s =
      load_scenario_text(R"(name: crowded
seed: 9
steps: 20
graph: {type: ring_lattice, nodes: 2000, k: 6}
model:
  type: organising
  leaders: {one_to_ones_per_step: 0}
)",
                         "crowded.yaml",
                         {"model.organisers.count=" + std::to_string(count), "model.organisers.one_to_ones_per_step=10",
                          "model.organisers.neighbourhood_capacity=" + std::to_string(capacity)});
  const World world = s.graph->generate(s.graph_params, s.seed);
  const testing::Outcome out = testing::run_scenario(s, world);
  double held = 0;
  for (std::uint32_t t = 10; t <= 20; ++t) held += out.at("one_to_ones", 0, t);
  return held / 11 / count;
}

TEST(OrganisingContagion, OrganisersShareANeighbourhoodsCapacity) {
  // Capacity 0.01 x 2,000 residents = 20 one-to-ones a week: one organiser
  // (10 a week) holds 20 / 30 of their rate, ten hold 20 / 120.
  const double one = meetings_per_organiser(1, 0.01), ten = meetings_per_organiser(10, 0.01);
  const double forty = meetings_per_organiser(40, 0.01);
  EXPECT_NEAR(one, 10.0 * 20 / 30, 1.0);
  EXPECT_NEAR(ten, 10.0 * 20 / 120, 0.3);
  EXPECT_LT(forty, ten);
  EXPECT_LT(ten, one);
  // Without the limit, each holds their rate however many there are.
  EXPECT_NEAR(meetings_per_organiser(1, 0), 10.0, 1.0);
  EXPECT_NEAR(meetings_per_organiser(40, 0), 10.0, 0.3);
}

}  // namespace
}  // namespace gs::organising
