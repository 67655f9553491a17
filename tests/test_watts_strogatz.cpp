// Watts–Strogatz: rewiring keeps the mean degree k; the endpoint method's
// clustering follows Barrat & Weigt (2000), C(p) ~ C(0)(1-p)^3 with
// C(0) = 3(k-2)/(4(k-1)); degree-preserving swaps keep every degree at k.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>

#include "graph_testing.hpp"
#include "sim/graph/statistics.hpp"
#include "sim/scenario/scenario.hpp"

using namespace gs;
using gs::testing::make_graph;

namespace {
const std::int64_t n = 20000, k = 10;
const double c0 = 3.0 * (k - 2) / (4.0 * (k - 1));

World ws(double rewire, const std::string& method, std::uint64_t seed = 5) {
  return make_graph("watts_strogatz", {{"nodes", n}, {"k", k}, {"rewire", rewire}, {"method", method}}, seed);
}
}  // namespace

TEST(WattsStrogatz, NoRewiringIsTheRingLattice) {
  const World lattice = make_graph("ring_lattice", {{"nodes", n}, {"k", k}});
  EXPECT_TRUE(gs::testing::same_graph(ws(0.0, "endpoint").graph, lattice.graph));
  EXPECT_TRUE(gs::testing::same_graph(ws(0.0, "degree_preserving").graph, lattice.graph));
}

TEST(WattsStrogatz, EndpointClusteringFollowsBarratWeigt) {
  // (1-p)^3 is a mean-field approximation (it ignores triangles made by
  // rewired edges, of order k/n, and correlations); 0.01 absolute covers its
  // error at these p while being far smaller than the gaps between the values
  // (C(0.05) and C(0.1) differ by 0.085).
  for (double p : {0.05, 0.1, 0.2, 0.4}) {
    const World w = ws(p, "endpoint");
    gs::testing::expect_valid_csr(w.graph);
    EXPECT_NEAR(mean_clustering(w.graph), c0 * std::pow(1 - p, 3), 0.01) << "rewire = " << p;
  }
}

TEST(WattsStrogatz, EndpointKeepsMeanDegreeAndEachNodesOwnTies) {
  const World w = ws(0.3, "endpoint");
  gs::testing::expect_valid_csr(w.graph);
  EXPECT_EQ(w.graph.edges(), static_cast<std::uint64_t>(n * k / 2)) << "rewiring moves ties, never drops them";
  std::uint32_t min_degree = UINT32_MAX, max_degree = 0;
  for (NodeId v = 0; v < n; ++v) {
    min_degree = std::min(min_degree, w.graph.degree(v));
    max_degree = std::max(max_degree, w.graph.degree(v));
  }
  EXPECT_GE(min_degree, k / 2) << "each node keeps the k/2 ties it starts";
  EXPECT_GT(max_degree, k) << "rewiring spreads the degrees";
}

TEST(WattsStrogatz, TinyDenseGraphsKeepEveryTie) {
  // With 7 nodes and k = 4 each node has only 2 candidates outside its
  // lattice neighbourhood, so nodes often pick each other; those picks are
  // redrawn and the tie count stays 7 * 4 / 2.
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const World w =
        make_graph("watts_strogatz", {{"nodes", std::int64_t{7}}, {"k", std::int64_t{4}}, {"rewire", 1.0}}, seed);
    gs::testing::expect_valid_csr(w.graph);
    ASSERT_EQ(w.graph.edges(), 14u) << "seed " << seed;
    for (NodeId v = 0; v < 7; ++v) ASSERT_GE(w.graph.degree(v), 2u);
  }
}

TEST(WattsStrogatz, DegreePreservingKeepsEveryDegree) {
  for (double p : {0.1, 1.0}) {
    const World w = ws(p, "degree_preserving");
    gs::testing::expect_valid_csr(w.graph);
    ASSERT_EQ(w.graph.edges(), static_cast<std::uint64_t>(n * k / 2));
    for (NodeId v = 0; v < n; ++v) ASSERT_EQ(w.graph.degree(v), k) << "node " << v << ", rewire " << p;
  }
}

TEST(WattsStrogatz, DegreePreservingClusteringDecaysWithSwaps) {
  // Each swap removes two ties picked uniformly, so a share exp(-2p) of the
  // lattice ties survive p*m swaps and a lattice triangle survives with about
  // exp(-6p); new triangles are of order k/n. Tolerance 0.01 as above.
  for (double p : {0.05, 0.2}) {
    EXPECT_NEAR(mean_clustering(ws(p, "degree_preserving").graph), c0 * std::exp(-6 * p), 0.01) << p;
  }
  EXPECT_LT(mean_clustering(ws(1.0, "degree_preserving").graph), 0.01) << "about a random 10-regular graph";
}

TEST(WattsStrogatz, SameGraphForAnyThreadCountAndDifferentForOtherSeeds) {
  const int before = omp_get_max_threads();
  for (const char* method : {"endpoint", "degree_preserving"}) {
    omp_set_num_threads(1);
    const World one = ws(0.2, method, 9);
    omp_set_num_threads(2);
    const World two = ws(0.2, method, 9);
    EXPECT_TRUE(gs::testing::same_graph(one.graph, two.graph)) << method;
    EXPECT_FALSE(gs::testing::same_graph(one.graph, ws(0.2, method, 10).graph)) << method;
  }
  omp_set_num_threads(before);
}
