// Erdős–Rényi G(n, p): the number of edges is Binomial(n(n-1)/2, p), degrees
// are Binomial(n-1, p) (about Poisson(z) for large n), clustering is p, and the
// graph does not depend on the thread count.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>

#include "graph_testing.hpp"
#include "sim/graph/statistics.hpp"
#include "sim/scenario/scenario.hpp"

using namespace gs;
using gs::testing::make_graph;

namespace {
double degree_variance(const Graph& g) {
  double mean = static_cast<double>(g.directed_edges()) / static_cast<double>(g.nodes()), ss = 0;
  for (NodeId v = 0; v < g.nodes(); ++v) ss += (g.degree(v) - mean) * (g.degree(v) - mean);
  return ss / static_cast<double>(g.nodes() - 1);
}
}  // namespace

TEST(ErdosRenyi, MeanDegreeAndPoissonVariance) {
  const std::int64_t n = 200000;
  const double z = 5.0;
  const World w = make_graph("erdos_renyi", {{"nodes", n}, {"mean_degree", z}}, 7);
  gs::testing::expect_valid_csr(w.graph);
  const double p = z / static_cast<double>(n - 1);
  const double pairs = static_cast<double>(n) * static_cast<double>(n - 1) / 2.0;
  // Edge count ~ Binomial(pairs, p): allow 5 standard deviations.
  const double sd_edges = std::sqrt(pairs * p * (1 - p));
  EXPECT_NEAR(static_cast<double>(w.graph.edges()), pairs * p, 5 * sd_edges);
  // Degree variance of Binomial(n-1, p) = z(1-p). The sample variance of n
  // Poisson(z) values has sd sqrt((z(1+3z) - z^2) / n) = 0.017 here, so a
  // tolerance of 0.05 z = 0.25 is about 15 sd.
  EXPECT_NEAR(degree_variance(w.graph), z * (1 - p), 0.05 * z);
}

TEST(ErdosRenyi, ClusteringIsTheEdgeProbability) {
  // Small dense graph so triangles are countable: C = p, sd of the mean local
  // clustering about sqrt(p(1-p) / (n * pairs per node)), tiny here.
  const std::int64_t n = 2000;
  const double z = 40.0, p = z / (n - 1);
  const World w = make_graph("erdos_renyi", {{"nodes", n}, {"mean_degree", z}}, 3);
  gs::testing::expect_valid_csr(w.graph);
  EXPECT_NEAR(mean_clustering(w.graph), p, 0.1 * p);
}

TEST(ErdosRenyi, ExtremesAreEmptyAndComplete) {
  const World empty = make_graph("erdos_renyi", {{"nodes", 1000}, {"mean_degree", 0.0}});
  EXPECT_EQ(empty.graph.edges(), 0u);
  const World complete = make_graph("erdos_renyi", {{"nodes", 50}, {"mean_degree", 49.0}});
  EXPECT_EQ(complete.graph.edges(), 50u * 49u / 2u);
  EXPECT_THROW(make_graph("erdos_renyi", {{"nodes", 50}, {"mean_degree", 50.0}}), InputError);
}

TEST(ErdosRenyi, SameGraphForAnyThreadCountAndDifferentForOtherSeeds) {
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  const World one = make_graph("erdos_renyi", {{"nodes", 30000}, {"mean_degree", 6.0}}, 11);
  omp_set_num_threads(2);
  const World two = make_graph("erdos_renyi", {{"nodes", 30000}, {"mean_degree", 6.0}}, 11);
  omp_set_num_threads(before);
  EXPECT_TRUE(gs::testing::same_graph(one.graph, two.graph));
  const World other = make_graph("erdos_renyi", {{"nodes", 30000}, {"mean_degree", 6.0}}, 12);
  EXPECT_FALSE(gs::testing::same_graph(one.graph, other.graph));
}
