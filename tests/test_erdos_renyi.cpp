// Erdős–Rényi G(n, p): the number of edges is Binomial(n(n-1)/2, p), degrees
// are Binomial(n-1, p) (about Poisson(z) for large n), clustering is p, and the
// graph does not depend on the thread count.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "graph_testing.hpp"
#include "sim/core/cpu_features.hpp"
#include "sim/core/random.hpp"
#include "sim/graph/constituency.hpp"
#include "sim/graph/graph.hpp"
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

// The generator draws each row's skips from Stream(seed, 0, 0, u, 0x2E1)
// (batched, bit for bit the same): the graph is the one this plain
// construction gives, on each vector path the CPU runs (their logs differ
// from libm's in the last bits; the skips' whole parts may not), with rows
// short and long enough to need more draws than the batch holds, a p so small
// that 1 / log(1 - p) overflows (every skip then computed the scalar way).
// (p = 1 is ExtremesAreEmptyAndComplete's, and GeometricSkips.*'.)
TEST(ErdosRenyi, EdgesAreThoseOfEachRowsStream) {
  const std::uint64_t n = 3000, seed = 7;
  for (const double z : {3.0, 40.0, 0.5, 1e-318}) {
    const double log_q = std::log1p(-z / static_cast<double>(n - 1));
    std::vector<std::vector<NodeId>> rows(n);
    for (std::uint64_t u = 0; u < n; ++u) {
      Stream rng(seed, 0, 0, static_cast<std::uint32_t>(u), 0x2E1);
      for (std::uint64_t v = u + 1; v < n; ++v) {
        const double skip = std::floor(std::log(1.0 - rng.uniform()) / log_q);
        if (!(skip < static_cast<double>(n - v))) break;
        v += static_cast<std::uint64_t>(skip);
        rows[u].push_back(static_cast<NodeId>(v));
        rows[v].push_back(static_cast<NodeId>(u));
      }
    }
    for (VectorLevel level : {VectorLevel::baseline, VectorLevel::avx2, VectorLevel::avx512}) {
      if (!host_supports(level)) continue;
      force_vector_level(level);
      const World w = make_graph("erdos_renyi", {{"nodes", 3000}, {"mean_degree", z}}, seed);
      force_vector_level(std::nullopt);
      for (NodeId v = 0; v < n; ++v) {
        std::sort(rows[v].begin(), rows[v].end());
        const auto got = w.graph.neighbours(v);
        ASSERT_EQ(std::vector<NodeId>(got.begin(), got.end()), rows[v])
            << "mean degree " << z << " node " << v << " on the " << vector_level_name(level) << " path";
      }
    }
  }
}

// A graph without neighbourhoods gives node v the group of the first uniform
// of Stream(seed, 0, 0, v, 0xF00) (the draws made in batches, bit for bit
// the same), past the batch size and at an id where batches end unevenly.
TEST(ErdosRenyi, GroupsAreThoseOfEachNodesStream) {
  const std::uint64_t seed = 5;
  const Population p = single_neighbourhood_population(1000, seed);
  ASSERT_EQ(p.group.size(), 1000u);
  for (NodeId v = 0; v < 1000; ++v) {
    Stream rng(seed, 0, 0, v, 0xF00);
    ASSERT_EQ(p.group[v], draw_group(rng.uniform())) << "node " << v;
  }
}
