// Ring lattice: every degree is exactly k, the edge set is exactly
// {(i, i+j mod n) : 1 <= j <= k/2}, and clustering is 3(k-2)/(4(k-1)).
#include <gtest/gtest.h>

#include "graph_testing.hpp"
#include "sim/graph/statistics.hpp"
#include "sim/scenario/scenario.hpp"

using namespace gs;
using gs::testing::make_graph;

TEST(RingLattice, EveryNodeHasItsNearestNeighbours) {
  const std::int64_t n = 101, k = 6;
  const World w = make_graph("ring_lattice", {{"nodes", n}, {"k", k}});
  gs::testing::expect_valid_csr(w.graph);
  ASSERT_EQ(w.graph.nodes(), 101u);
  EXPECT_EQ(w.graph.edges(), static_cast<std::uint64_t>(n * k / 2));
  for (NodeId v = 0; v < n; ++v) {
    ASSERT_EQ(w.graph.degree(v), k);
    for (std::int64_t j = 1; j <= k / 2; ++j) {
      auto row = w.graph.neighbours(v);
      EXPECT_TRUE(std::binary_search(row.begin(), row.end(), static_cast<NodeId>((v + j) % n)));
      EXPECT_TRUE(std::binary_search(row.begin(), row.end(), static_cast<NodeId>((v + n - j) % n)));
    }
  }
}

TEST(RingLattice, ClusteringIsExact) {
  for (std::int64_t k : {2, 4, 6, 10}) {
    const World w = make_graph("ring_lattice", {{"nodes", 500}, {"k", k}});
    const double expected = 3.0 * static_cast<double>(k - 2) / (4.0 * static_cast<double>(k - 1));
    EXPECT_NEAR(mean_clustering(w.graph), expected, 1e-12) << "k = " << k;
  }
}

TEST(RingLattice, LargestKIsTheCompleteGraph) {
  const World w = make_graph("ring_lattice", {{"nodes", 9}, {"k", 8}});
  gs::testing::expect_valid_csr(w.graph);
  EXPECT_EQ(w.graph.edges(), 36u);
  EXPECT_NEAR(mean_clustering(w.graph), 1.0, 1e-12);
}

TEST(RingLattice, RejectsOddOrTooLargeK) {
  EXPECT_THROW(make_graph("ring_lattice", {{"nodes", 10}, {"k", 3}}), InputError);
  EXPECT_THROW(make_graph("ring_lattice", {{"nodes", 10}, {"k", 10}}), InputError);
  try {
    make_graph("ring_lattice", {{"nodes", 10}, {"k", 5}});
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("graph.k"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("even"), std::string::npos) << e.what();
  }
}
