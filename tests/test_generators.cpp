// Properties every registered graph generator must have: valid CSR with its
// default parameters, node counts scaled by population_scale, and the same
// graph for 1 and 2 threads.
#include <gtest/gtest.h>
#include <omp.h>

#include <filesystem>
#include <fstream>

#include "graph_testing.hpp"
#include "sim/scenario/scenario.hpp"

using namespace gs;

namespace {
// Small but non-trivial settings for each generator (defaults otherwise).
std::map<std::string, ParamValue> small(const std::string& type) {
  if (type == "community") return {{"population", std::int64_t{5000}}};
  if (type == "edgelist") {
    const auto path = std::filesystem::path(::testing::TempDir()) / "generators_test_ties.txt";
    std::ofstream(path) << "1 2\n2 3\n3 1\n4 1\n";
    return {{"path", path.string()}};
  }
  if (gs::testing::graph_params(type, {}).has("nodes")) return {{"nodes", std::int64_t{3000}}};
  return {};  // a generator added later: its defaults
}
}  // namespace

TEST(Generators, EveryGeneratorKeepsTheCsrInvariantsAndIsThreadIndependent) {
  const int before = omp_get_max_threads();
  for (const auto& [name, info] : GraphRegistry::instance().entries()) {
    SCOPED_TRACE(name);
    omp_set_num_threads(1);
    const World one = gs::testing::make_graph(name, small(name), 3);
    omp_set_num_threads(2);
    const World two = gs::testing::make_graph(name, small(name), 3);
    gs::testing::expect_valid_csr(one.graph);
    EXPECT_GT(one.graph.edges(), 0u);
    EXPECT_TRUE(gs::testing::same_graph(one.graph, two.graph));
    EXPECT_EQ(one.population.neighbourhood.size(), one.graph.nodes());
    EXPECT_EQ(one.population.group.size(), one.graph.nodes());
    EXPECT_EQ(one.population.neighbourhood_start.back(), one.graph.nodes());
  }
  omp_set_num_threads(before);
}

TEST(Generators, NodeCountsScaleWithPopulation) {
  for (const char* type : {"erdos_renyi", "ring_lattice", "watts_strogatz", "barabasi_albert"}) {
    const Scenario s = load_scenario_text(std::string("name: t\npopulation_scale: 0.5\ngraph:\n  type: ") + type +
                                              "\n  nodes: 4000\nmodel:\n  type: organising\n",
                                          "t.yaml");
    EXPECT_EQ(s.graph_params.integer("nodes"), 2000) << type;
    EXPECT_EQ(s.graph->generate(s.graph_params, 1).graph.nodes(), 2000u) << type;
  }
}
