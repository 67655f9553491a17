// The community graph's two fabrics: classic stays bit for bit what it was,
// and clustered keeps its promises (valid CSR, layers that match the
// contexts the ends share, clustering and homophily in the documented
// ranges, the same graph and layers for any thread count and chunking).
#include <gtest/gtest.h>
#include <omp.h>

#include "graph_testing.hpp"
#include "sim/graph/statistics.hpp"

using namespace gs;
using gs::testing::make_graph;

namespace {

// FNV-1a over offsets then targets, one value at a time.
std::uint64_t fingerprint(const Graph& g) {
  std::uint64_t h = 14695981039346656037ull;
  for (std::uint64_t x : g.offsets) h = (h ^ x) * 1099511628211ull;
  for (NodeId x : g.targets) h = (h ^ x) * 1099511628211ull;
  return h;
}

World clustered(std::uint64_t seed, std::int64_t population = 30000, std::int64_t per_region = 4) {
  return make_graph(
      "community",
      {{"population", population}, {"neighbourhoods_per_region", per_region}, {"fabric", std::string("clustered")}},
      seed);
}

std::uint32_t household_of(const Population& p, NodeId v) {
  return static_cast<std::uint32_t>(std::upper_bound(p.household_start.begin(), p.household_start.end(), NodeId{v}) -
                                    p.household_start.begin() - 1);
}

}  // namespace

// The fingerprint of the classic graph for this scenario, computed from
// `groundswell graph --export` on commit d8d7afc (before the fabric switch
// existed) with an independent script: earlier results stay reproducible.
TEST(CommunityFabric, ClassicFabricIsBitForBitAsBefore) {
  const World w = make_graph("community",
                             {{"population", std::int64_t{30000}},
                              {"neighbourhoods_per_region", std::int64_t{4}},
                              {"fabric", std::string("classic")}},
                             5);
  EXPECT_EQ(w.graph.edges(), 419086u / 2);
  EXPECT_EQ(fingerprint(w.graph), 0xf0c98d499a8685e5ull);
  EXPECT_TRUE(w.graph.layers.empty()) << "the classic fabric has one kind of tie";
}

TEST(CommunityFabric, ClusteredLayersAreTheClosestSharedContext) {
  const World w = clustered(7);
  gs::testing::expect_valid_csr(w.graph);
  const Graph& g = w.graph;
  const Population& p = w.population;
  ASSERT_EQ(g.layers.byte_count(), (g.targets.size() + 3) / 4);
  std::uint64_t count[tie_layer_count] = {};
  for (NodeId v = 0; v < g.nodes(); ++v) {
    for (std::uint64_t e = g.offsets[v]; e < g.offsets[v + 1]; ++e) {
      const NodeId u = g.targets[e];
      const TieLayer layer = g.layers.at(e);
      ++count[static_cast<int>(layer)];
      // The same layer in u's row.
      const auto row = g.neighbours(u);
      const auto back = static_cast<std::uint64_t>(std::lower_bound(row.begin(), row.end(), v) - row.begin());
      ASSERT_EQ(g.layers.at(g.offsets[u] + back), layer) << v << "-" << u;
      ASSERT_EQ(layer == TieLayer::household, household_of(p, u) == household_of(p, v)) << v << "-" << u;
      if (layer == TieLayer::close || layer == TieLayer::friends) {
        ASSERT_EQ(p.neighbourhood[u], p.neighbourhood[v]) << "circles and foci lie in a neighbourhood";
      }
    }
  }
  // Every household is complete, so household ties per person are
  // E[s(s-1)]/E[s], about 2; close circles of about 5 are complete too.
  const double n = static_cast<double>(g.nodes());
  EXPECT_NEAR(static_cast<double>(count[0]) / n, 2.03, 0.1);
  EXPECT_GT(static_cast<double>(count[1]) / n, 3.0);
  EXPECT_GT(count[2], 0u);
  EXPECT_GT(count[3], 0u);
}

// A close circle is complete: among each person's close ties, every pair is tied.
TEST(CommunityFabric, CloseCirclesAreComplete) {
  const World w = clustered(8, 10000);
  const Graph& g = w.graph;
  for (NodeId v = 0; v < g.nodes(); v += 7) {
    std::vector<NodeId> close;
    for (std::uint64_t e = g.offsets[v]; e < g.offsets[v + 1]; ++e)
      if (g.layers.at(e) == TieLayer::close) close.push_back(g.targets[e]);
    for (NodeId a : close)
      for (NodeId b : close) {
        if (a == b) continue;
        const auto row = g.neighbours(a);
        ASSERT_TRUE(std::binary_search(row.begin(), row.end(), b)) << v << ": " << a << "-" << b;
      }
  }
}

TEST(CommunityFabric, ClusteredDefaultsGiveDocumentedStructure) {
  const World w = clustered(9, 100000, 10);
  const GraphStatistics s = graph_statistics(w);
  const World classic = make_graph("community",
                                   {{"population", std::int64_t{100000}},
                                    {"neighbourhoods_per_region", std::int64_t{10}},
                                    {"fabric", std::string("classic")}},
                                   9);
  const GraphStatistics c = graph_statistics(classic);
  EXPECT_NEAR(s.mean_degree, c.mean_degree, 1.0) << "mean degree near the classic fabric's";
  EXPECT_GE(s.mean_clustering, 0.15);
  EXPECT_LE(s.mean_clustering, 0.3);
  EXPECT_LT(c.mean_clustering, 0.05);
  EXPECT_GT(s.degree_variance / s.mean_degree, 1.5) << "heavier tail than Poisson";
  EXPECT_GT(s.max_degree, 2 * c.max_degree);
  EXPECT_GT(s.same_group.coefficient, 0.05) << "homophily by constituency group";
  EXPECT_NEAR(c.same_group.coefficient, 0.0, 0.02) << "none in the classic fabric";
  EXPECT_GT(s.same_deprivation_quintile.coefficient, c.same_deprivation_quintile.coefficient);
  ASSERT_TRUE(s.layers);
  double total = 0;
  for (double d : s.layer_degree) total += d;
  EXPECT_NEAR(total, s.mean_degree, 1e-9);
}

// Thread counts and chunking (whole regions with 2 threads, pieces of
// regions with 4) give the same ties and the same layers.
TEST(CommunityFabric, ClusteredSameGraphForAnyThreadCountAndChunking) {
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  const World one = clustered(11, 100000, 1);  // 60 regions
  omp_set_num_threads(2);  // 60 >= 16 x 2: whole regions
  const World two = clustered(11, 100000, 1);
  omp_set_num_threads(4);  // 60 < 16 x 4: pieces
  const World four = clustered(11, 100000, 1);
  omp_set_num_threads(before);
  gs::testing::expect_valid_csr(one.graph);
  for (const World* w : {&two, &four}) {
    EXPECT_TRUE(gs::testing::same_graph(one.graph, w->graph));
    ASSERT_EQ(one.graph.layers.byte_count(), w->graph.layers.byte_count());
    EXPECT_TRUE(std::equal(one.graph.layers.bytes(), one.graph.layers.bytes() + one.graph.layers.byte_count(),
                           w->graph.layers.bytes()));
  }
  EXPECT_FALSE(gs::testing::same_graph(one.graph, clustered(12, 100000, 1).graph));
}
