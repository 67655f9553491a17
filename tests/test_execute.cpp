#include "sim/run/execute.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <memory>

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

namespace {
// A sweep's members differ in their model parameters only: the same graph.
Scenario member(const char* count, std::uint64_t seed = 5) {
  return load_scenario_text(text, "w.yaml",
                            {std::string("model.organisers.count=") + count, "seed=" + std::to_string(seed)});
}
}  // namespace

TEST(WorldCache, SameGeneratorParametersAndSeedBuildOnce) {
  WorldCache cache;
  const Scenario a = member("2"), b = member("7"), c = member("2", 6);
  const auto first = cache.get(*a.graph, a.graph_params, a.seed);
  const auto again = cache.get(*b.graph, b.graph_params, b.seed);
  EXPECT_EQ(first.get(), again.get());
  EXPECT_EQ(cache.builds(), 1u);
  EXPECT_EQ(cache.hits(), 1u);
  const auto other = cache.get(*c.graph, c.graph_params, c.seed);  // another seed: another graph
  EXPECT_NE(other->graph.targets, first->graph.targets);
  EXPECT_EQ(cache.builds(), 2u);
  const Scenario bigger = load_scenario_text(text, "w.yaml", {"seed=5", "graph.population=3100"});
  (void)cache.get(*bigger.graph, bigger.graph_params, bigger.seed);
  EXPECT_EQ(cache.builds(), 3u);
}

TEST(WorldCache, KeepsOnlyTheLastGraph) {
  WorldCache cache;
  const Scenario a = member("2", 5), b = member("2", 6);
  std::weak_ptr<const World> kept = cache.get(*a.graph, a.graph_params, a.seed);
  EXPECT_FALSE(kept.expired());  // the cache holds it
  (void)cache.get(*b.graph, b.graph_params, b.seed);
  EXPECT_TRUE(kept.expired());  // freed for the next graph
}

TEST(WorldCache, MembersOnACachedGraphGiveBitwiseTheResultsOfBuildingEach) {
  const auto dir = std::filesystem::temp_directory_path() / ("gs-worldcache-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  WorldCache cache;
  ExecuteOptions cached;
  cached.quiet = true;
  cached.worlds = &cache;
  for (const char* count : {"2", "9", "2"}) {
    const Scenario s = member(count);
    const auto with = execute_scenario(s, (dir / "cached.h5").string(), cached).result.values;
    const auto without = execute_scenario(s, (dir / "built.h5").string(), ExecuteOptions{true}).result.values;
    ASSERT_EQ(with.size(), without.size());
    for (std::size_t m = 0; m < with.size(); ++m)
      EXPECT_EQ(0, std::memcmp(with[m].data(), without[m].data(), with[m].size() * sizeof(double))) << count;
  }
  EXPECT_EQ(cache.builds(), 1u);
  EXPECT_EQ(cache.hits(), 2u);
  std::filesystem::remove_all(dir);
}
