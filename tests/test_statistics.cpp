// Graph statistics on graphs small enough to count by hand, and the exact
// clustering coefficient against a brute-force count over neighbour pairs.
#include <gtest/gtest.h>
#include <omp.h>

#include <utility>

#include "graph_testing.hpp"
#include "sim/graph/statistics.hpp"

using namespace gs;

namespace {
World from_edges(std::size_t n, std::vector<std::pair<NodeId, NodeId>> edges) {
  World w;
  w.graph = build_csr(n, {std::move(edges)});
  w.population = single_neighbourhood_population(n, 1);
  return w;
}

bool tied(const Graph& g, NodeId a, NodeId b) {
  auto row = g.neighbours(a);
  return std::binary_search(row.begin(), row.end(), b);
}
}  // namespace

TEST(Statistics, TrianglePlusPendantByHand) {
  // Triangle 0-1-2 with 3 hanging off 0; a separate edge 4-5; node 6 alone.
  const World w = from_edges(7, {{0, 1}, {1, 2}, {2, 0}, {0, 3}, {4, 5}});
  const std::vector<double> c = local_clustering(w.graph);
  EXPECT_DOUBLE_EQ(c[0], 1.0 / 3.0);  // 1 of the 3 pairs among {1, 2, 3} is tied
  EXPECT_DOUBLE_EQ(c[1], 1.0);
  EXPECT_DOUBLE_EQ(c[2], 1.0);
  EXPECT_DOUBLE_EQ(c[3], 0.0);
  EXPECT_DOUBLE_EQ(mean_clustering(w.graph), (1.0 / 3.0 + 2.0) / 7.0);

  const GraphStatistics s = graph_statistics(w);
  EXPECT_EQ(s.nodes, 7u);
  EXPECT_EQ(s.edges, 5u);
  EXPECT_DOUBLE_EQ(s.mean_degree, 10.0 / 7.0);
  EXPECT_EQ(s.min_degree, 0u);
  EXPECT_EQ(s.max_degree, 3u);
  EXPECT_EQ(s.isolated, 1u);
  EXPECT_EQ(s.components, 3u);
  EXPECT_EQ(s.largest_component, 4u);
  EXPECT_FALSE(s.community);
  // Degrees sorted: 0 1 1 1 2 2 3. Median (q = 0.5 needs 3.5 nodes) is 1; q = 0.9 needs 6.3 -> 3.
  for (auto [q, d] : s.degree_quantiles) {
    if (q == 0.5) {
      EXPECT_EQ(d, 1u);
    }
    if (q == 0.9) {
      EXPECT_EQ(d, 3u);
    }
    if (q == 0.01) {
      EXPECT_EQ(d, 0u);
    }
  }
  const std::string text = format_statistics(s);
  EXPECT_NE(text.find("components            3 (largest 4 nodes"), std::string::npos) << text;
}

TEST(Statistics, ClusteringMatchesBruteForcePairCount) {
  const World w = gs::testing::make_graph("erdos_renyi", {{"nodes", std::int64_t{600}}, {"mean_degree", 30.0}}, 2);
  const std::vector<double> c = local_clustering(w.graph);
  for (NodeId v = 0; v < w.graph.nodes(); ++v) {
    auto row = w.graph.neighbours(v);
    std::uint64_t pairs = 0, closed = 0;
    for (std::size_t i = 0; i < row.size(); ++i)
      for (std::size_t j = i + 1; j < row.size(); ++j) {
        ++pairs;
        closed += tied(w.graph, row[i], row[j]);
      }
    const double expected = pairs ? static_cast<double>(closed) / static_cast<double>(pairs) : 0.0;
    ASSERT_DOUBLE_EQ(c[v], expected) << "node " << v;
  }
}

TEST(Statistics, BitwiseSameForAnyThreadCount) {
  const World w =
      gs::testing::make_graph("watts_strogatz", {{"nodes", std::int64_t{50000}}, {"k", std::int64_t{6}}}, 2);
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  const double one = mean_clustering(w.graph);
  omp_set_num_threads(2);
  const double two = mean_clustering(w.graph);
  omp_set_num_threads(before);
  EXPECT_EQ(one, two);
}

TEST(Statistics, CommunitySharesOnAHandBuiltWorld) {
  // Two neighbourhoods {0,1,2} and {3,4,5}, each its own region; households
  // {0,1}, {2}, {3,4,5}. Ties: 0-1 (household), 1-2 (neighbourhood), 2-3
  // (across regions), 3-4, 4-5, 3-5 (household).
  World w = from_edges(6, {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {3, 5}});
  w.population.neighbourhood = {0, 0, 0, 1, 1, 1};
  w.population.neighbourhood_start = {0, 3, 6};
  w.population.region = {0, 1};
  w.population.deprivation = {0.1f, 0.9f};
  w.population.household_start = {0, 2, 3, 6};
  const GraphStatistics s = graph_statistics(w);
  EXPECT_TRUE(s.community);
  EXPECT_DOUBLE_EQ(s.share_in_household, 4.0 / 6.0);
  EXPECT_DOUBLE_EQ(s.share_in_neighbourhood, 5.0 / 6.0);
  EXPECT_DOUBLE_EQ(s.share_in_region, 5.0 / 6.0);
  EXPECT_EQ(s.households.count, 3u);
  EXPECT_EQ(s.households.max, 3u);
  EXPECT_EQ(s.households.min, 1u);
  EXPECT_DOUBLE_EQ(s.households.mean, 2.0);
  EXPECT_EQ(s.neighbourhoods.count, 2u);
  EXPECT_EQ(s.regions.count, 2u);
  EXPECT_EQ(s.components, 1u);
}
