// Centola & Macy (2007), "Complex contagions and the weakness of long ties",
// AJS 113: 702-734, and Centola (2010), "The spread of behavior in an online
// social network experiment", Science 329: 1194-1197: a behaviour that needs
// reinforcement from two contacts spreads through clustered networks, whose
// overlapping ties form wide bridges, and stalls on a network with the same
// degrees whose ties are random. Here on the community graph's clustered
// fabric with the threshold rule (count 2, one person and all their contacts
// seeded), against the same graph after degree-preserving rewiring; simple
// contagion (count 1) spreads on both, so the contrast is complexity's.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "sim/engine/run.hpp"
#include "sim/graph/rewire.hpp"
#include "sim/graph/statistics.hpp"
#include "sim/scenario/scenario.hpp"

using namespace gs;

namespace {

const char* const scenario_text = R"(name: fabric_centola_macy
seed: 2010
steps: 300
replicates: 8
graph:
  type: community
  population: 20000
  neighbourhoods_per_region: 4
  fabric: clustered
model:
  type: threshold
  count: 2
  seeding:
    count: 1
    strategy: cluster
)";

// The same people on the same graph after degree-preserving rewiring (two
// double-edge swaps per tie): every degree kept, clustering gone.
World rewired(const World& clustered, std::uint64_t seed) {
  World out;
  out.population = clustered.population;
  out.graph = rewire_degree_preserving(clustered.graph, 2.0, seed);
  return out;
}

// Final share active in each replicate.
std::vector<double> final_shares(const Scenario& s, const World& world) {
  const RunPlan plan{s.model, s.model_params, s.seed, s.steps, s.replicates};
  const RunResult r = run(plan, world);
  std::vector<double> out;
  for (std::uint32_t rep = 0; rep < s.replicates; ++rep) out.push_back(r.values[0][rep * (s.steps + 1) + s.steps]);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST(FabricContagion, ComplexContagionSpreadsOnClusteredFabricAndStallsWhenTiesAreRandomised) {
  const Scenario s = load_scenario_text(scenario_text, "fabric_centola_macy.yaml");
  const World clustered = s.graph->generate(s.graph_params, s.seed);
  const World randomised = rewired(clustered, s.seed);
  ASSERT_EQ(randomised.graph.edges(), clustered.graph.edges());
  for (NodeId v = 0; v < clustered.graph.nodes(); ++v)
    ASSERT_EQ(randomised.graph.degree(v), clustered.graph.degree(v)) << "rewiring keeps every degree";
  const double clustering_before = mean_clustering(clustered.graph);
  const double clustering_after = mean_clustering(randomised.graph);
  RecordProperty("clustering_clustered", std::to_string(clustering_before));
  RecordProperty("clustering_randomised", std::to_string(clustering_after));
  EXPECT_GT(clustering_before, 0.15);
  EXPECT_LT(clustering_after, 0.01);

  const std::vector<double> on_clustered = final_shares(s, clustered);
  const std::vector<double> on_random = final_shares(s, randomised);
  RecordProperty("median_clustered", std::to_string(on_clustered[on_clustered.size() / 2]));
  RecordProperty("max_randomised", std::to_string(on_random.back()));
  // Seeded: one person and about 14 contacts, 0.08% of 20,000.
  EXPECT_GT(on_clustered[on_clustered.size() / 2], 0.5) << "complex contagion spreads through clustered ties";
  EXPECT_LT(on_random.back(), 0.01) << "and stalls at the seed when the same ties are random";

  // Simple contagion: one active contact suffices; random ties carry it as well.
  const Scenario simple = load_scenario_text(scenario_text, "fabric_centola_macy.yaml", {"model.count=1"});
  EXPECT_GT(final_shares(simple, clustered).front(), 0.99);
  EXPECT_GT(final_shares(simple, randomised).front(), 0.99);
}

// The organising model's complex form (a logistic in participating ties,
// threshold 2) on the same graph and its rewired copy, without organisers.
// Here participation is a steady turnover, not a spread from a seed, and the
// start-up fit (which sets the spontaneous joining rate so that the baseline
// is an equilibrium) treats contacts' participation as independent: exact
// for the linear form, whose pull is linear in the share, but not for a pull
// convex in the count, since on any fixed network participants' contacts
// come to take part together. So the linear form holds its baseline on both
// graphs, and the complex form climbs on both, on the rewired graph at least
// as much: its drift (docs/models/organising.md 7.10) is the fit's, not
// clustering's, and a clustered advantage (Centola 2010) belongs to spreading.
namespace {

const char* const organising_text = R"(name: fabric_organising_complex
seed: 2007
steps: 260
replicates: 4
graph:
  type: community
  population: 20000
  neighbourhoods_per_region: 4
  fabric: clustered
model:
  type: organising
  organisers:
    count: 0
  contagion:
    form: complex
    steepness: 8
)";

// Mean participation over the replicates at week 0 and at the last week.
std::pair<double, double> participation_start_end(const Scenario& s, const World& world) {
  const RunPlan plan{s.model, s.model_params, s.seed, s.steps, s.replicates};
  const RunResult r = run(plan, world);
  const auto it =
      std::find_if(r.metrics.begin(), r.metrics.end(), [](const MetricSpec& m) { return m.name == "participation"; });
  EXPECT_NE(it, r.metrics.end());
  const auto metric = static_cast<std::size_t>(it - r.metrics.begin());
  double start = 0, end = 0;
  for (std::uint32_t rep = 0; rep < s.replicates; ++rep) {
    start += r.values[metric][rep * (s.steps + 1)];
    end += r.values[metric][rep * (s.steps + 1) + s.steps];
  }
  return {start / s.replicates, end / s.replicates};
}

}  // namespace

TEST(FabricContagion, OrganisingBaselineDriftUnderComplexContagionIsNotClusteringsOwn) {
  const Scenario complex = load_scenario_text(organising_text, "fabric_organising_complex.yaml");
  const World clustered = complex.graph->generate(complex.graph_params, complex.seed);
  const World randomised = rewired(clustered, complex.seed);
  const Scenario linear =
      load_scenario_text(organising_text, "fabric_organising_complex.yaml", {"model.contagion.form=linear"});

  const auto [l0, l1] = participation_start_end(linear, clustered);
  const auto [lr0, lr1] = participation_start_end(linear, randomised);
  const auto [c0, c1] = participation_start_end(complex, clustered);
  const auto [r0, r1] = participation_start_end(complex, randomised);
  RecordProperty("linear_clustered", std::to_string(l0) + " -> " + std::to_string(l1));
  RecordProperty("linear_randomised", std::to_string(lr0) + " -> " + std::to_string(lr1));
  RecordProperty("complex_clustered", std::to_string(c0) + " -> " + std::to_string(c1));
  RecordProperty("complex_randomised", std::to_string(r0) + " -> " + std::to_string(r1));

  // Five years: the linear form within 0.3 points of its start on both graphs.
  EXPECT_NEAR(l1, l0, 0.003) << "linear, clustered";
  EXPECT_NEAR(lr1, lr0, 0.003) << "linear, rewired";
  // The complex form climbs by more than half a point on both, and not less
  // on the rewired graph than on the clustered one (within 0.2 points).
  EXPECT_GT(c1 - c0, 0.005) << "complex, clustered";
  EXPECT_GT(r1 - r0, 0.005) << "complex, rewired";
  EXPECT_GT(r1 - r0, c1 - c0 - 0.002) << "the drift is not clustering's";
}
