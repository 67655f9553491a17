// Barabási–Albert: the number of ties is exact (m(m+1)/2 for the starting
// clique plus m per later node), so the mean degree is 2m up to O(m^2/n); the
// degree distribution has the heavy tail P(D >= k) = m(m+1) / (k(k+1)) of
// Dorogovtsev, Mendes & Samukhin (2000) / Bollobás et al. (2001).
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>

#include "graph_testing.hpp"
#include "sim/graph/statistics.hpp"
#include "sim/scenario/scenario.hpp"

using namespace gs;
using gs::testing::make_graph;

TEST(BarabasiAlbert, ExactTieCountAndMeanDegreeTwoM) {
  for (std::int64_t m : {1, 3, 5}) {
    const std::int64_t n = 20000;
    const World w = make_graph("barabasi_albert", {{"nodes", n}, {"m", m}});
    gs::testing::expect_valid_csr(w.graph);
    EXPECT_EQ(w.graph.edges(), static_cast<std::uint64_t>(m * (m + 1) / 2 + (n - m - 1) * m));
    EXPECT_NEAR(static_cast<double>(w.graph.directed_edges()) / static_cast<double>(n), 2.0 * static_cast<double>(m),
                0.01)
        << "m = " << m;
    std::uint32_t min_degree = UINT32_MAX;
    for (NodeId v = 0; v < n; ++v) min_degree = std::min(min_degree, w.graph.degree(v));
    EXPECT_EQ(min_degree, m) << "every node makes m ties and never loses one";
    EXPECT_EQ(connected_components(w.graph).count, 1u) << "each new node joins the existing component";
  }
}

TEST(BarabasiAlbert, HeavyTailFollowsTheAnalyticDistribution) {
  const std::int64_t n = 100000, m = 3;
  const World w = make_graph("barabasi_albert", {{"nodes", n}, {"m", m}}, 4);
  // Tail shares at k = 6, 12, 24, 48 (expected 0.286, 0.077, 0.020, 0.0051).
  // Tolerance: 5 binomial standard deviations plus 3% of the value for the
  // O(1/k) and O(1/n) corrections to the asymptotic formula.
  for (std::uint32_t k : {6u, 12u, 24u, 48u}) {
    std::uint64_t at_least = 0;
    for (NodeId v = 0; v < n; ++v) at_least += w.graph.degree(v) >= k;
    const double expected = static_cast<double>(m * (m + 1)) / (k * (k + 1.0));
    const double tolerance = 5 * std::sqrt(expected * (1 - expected) / n) + 0.03 * expected;
    EXPECT_NEAR(static_cast<double>(at_least) / n, expected, tolerance) << "P(D >= " << k << ")";
  }
  // Heavy tail: the largest hub grows like m sqrt(n) (about 950 here); an
  // Erdős–Rényi graph of the same mean degree 6 would have max degree ~ 20.
  std::uint32_t max_degree = 0;
  for (NodeId v = 0; v < n; ++v) max_degree = std::max(max_degree, w.graph.degree(v));
  EXPECT_GT(max_degree, 300u);
}

TEST(BarabasiAlbert, DeterministicInSeedAndThreads) {
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  const World one = make_graph("barabasi_albert", {{"nodes", 20000}, {"m", 2}}, 8);
  omp_set_num_threads(2);
  const World two = make_graph("barabasi_albert", {{"nodes", 20000}, {"m", 2}}, 8);
  omp_set_num_threads(before);
  EXPECT_TRUE(gs::testing::same_graph(one.graph, two.graph));
  EXPECT_FALSE(
      gs::testing::same_graph(one.graph, make_graph("barabasi_albert", {{"nodes", 20000}, {"m", 2}}, 9).graph));
  EXPECT_THROW(make_graph("barabasi_albert", {{"nodes", 5}, {"m", 5}}), InputError);
}
