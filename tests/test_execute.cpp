#include "sim/run/execute.hpp"

#include <gtest/gtest.h>

using namespace gs;

namespace {
const char* text = R"(name: worlds
steps: 2
replicates: 4
graph: {type: community, population: 3000}
model: {type: organising}
)";
}

TEST(ScenarioWorlds, OneGraphForAllReplicatesByDefault) {
  const Scenario s = load_scenario_text(text, "w.yaml");
  ScenarioWorlds worlds(s);
  const auto first = worlds.for_replicate(0).graph.targets;
  EXPECT_EQ(worlds.for_replicate(3).graph.targets, first);
}

TEST(ScenarioWorlds, NewGraphEveryTwoReplicates) {
  const Scenario s = load_scenario_text(text, "w.yaml", {"new_graph_every=2"});
  ScenarioWorlds worlds(s);
  const auto g0 = worlds.for_replicate(0).graph.targets;
  const auto g1 = worlds.for_replicate(1).graph.targets;
  const auto g2 = worlds.for_replicate(2).graph.targets;
  EXPECT_EQ(g0, g1);
  EXPECT_NE(g0, g2);
  // The first graph is the one the scenario seed gives, as without the key.
  EXPECT_EQ(g0, s.graph->generate(s.graph_params, s.seed).graph.targets);
}
