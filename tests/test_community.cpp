// Community graph invariants: households are complete and small,
// neighbourhoods are contiguous and of the declared size, most ties stay in
// the neighbourhood and region, and the mean degree follows from the declared
// tie rates: household ties E[s(s-1)]/E[s] plus 2 x (local + regional + long).
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>

#include "graph_testing.hpp"
#include "sim/graph/statistics.hpp"

using namespace gs;
using gs::testing::make_graph;

namespace {
const std::vector<double> shares = {0.30, 0.35, 0.15, 0.13, 0.05, 0.02};  // the declared default

double household_degree() {  // mean ties to household members per person
  double people = 0, pairs = 0;
  for (std::size_t i = 0; i < shares.size(); ++i) {
    const double s = static_cast<double>(i + 1);
    people += shares[i] * s;
    pairs += shares[i] * s * (s - 1);
  }
  return pairs / people;
}

World town(std::uint64_t seed = 3) {
  return make_graph("community",
                    {{"population", std::int64_t{200000}},
                     {"neighbourhoods_per_region", std::int64_t{10}},
                     {"fabric", std::string("classic")}},
                    seed);
}
}  // namespace

TEST(Community, HouseholdsAreCompleteAndNeighbourhoodsContiguous) {
  const World w = town();
  gs::testing::expect_valid_csr(w.graph);
  const Population& p = w.population;
  ASSERT_GE(p.household_start.size(), 2u);
  EXPECT_EQ(p.household_start.front(), 0u);
  EXPECT_EQ(p.household_start.back(), 200000u);
  double people = 0, households = 0;
  for (std::size_t h = 0; h + 1 < p.household_start.size(); ++h) {
    const std::uint64_t a = p.household_start[h], b = p.household_start[h + 1];
    ASSERT_LT(a, b);
    ASSERT_LE(b - a, shares.size());
    ASSERT_EQ(p.neighbourhood[a], p.neighbourhood[b - 1]) << "a household lies in one neighbourhood";
    for (std::uint64_t u = a; u < b; ++u)
      for (std::uint64_t v = u + 1; v < b; ++v) {
        auto row = w.graph.neighbours(static_cast<NodeId>(u));
        ASSERT_TRUE(std::binary_search(row.begin(), row.end(), static_cast<NodeId>(v))) << "household " << h;
      }
    people += static_cast<double>(b - a);
    households += 1;
  }
  // Mean household size sum(k s_k) = 2.34; about 85,000 households, sd of the
  // mean about 0.005, so 0.03 is ample (truncation at neighbourhood ends is tiny).
  EXPECT_NEAR(people / households, 2.34, 0.03);

  // 200000 / 1670 rounds to 120 neighbourhoods of 1666 or 1667 people, 10 per region.
  ASSERT_EQ(p.neighbourhoods(), 120u);
  for (std::size_t h = 0; h < p.neighbourhoods(); ++h) {
    const std::uint64_t size = p.neighbourhood_start[h + 1] - p.neighbourhood_start[h];
    EXPECT_TRUE(size == 200000 / 120 || size == 200000 / 120 + 1) << size;
    EXPECT_EQ(p.region[h], h / 10);
    for (std::uint64_t v = p.neighbourhood_start[h]; v < p.neighbourhood_start[h + 1]; v += 97)
      ASSERT_EQ(p.neighbourhood[v], h);
  }
}

TEST(Community, DefaultsGiveMeanDegreeAboutFourteenAndLocalTies) {
  const World w = town();
  const GraphStatistics s = graph_statistics(w, false);
  const double local = 3.5, regional = 2.0, longr = 0.5;  // declared defaults
  const double expected_degree = household_degree() + 2 * (local + regional + longr);  // 14.03
  // Duplicate ties (about 0.4% of local ones) and sampling (sd < 0.01) keep
  // the measured value within 0.15 of the formula.
  EXPECT_NEAR(s.mean_degree, expected_degree, 0.15);
  EXPECT_NEAR(expected_degree, 14.0, 0.1);
  // Ties inside the neighbourhood: household + local (+ long ties that land
  // there by chance, 1/120); inside the region also regional ties (+ 1/12 of long).
  const double in_hood = (household_degree() + 2 * local + 2 * longr / 120) / expected_degree;
  const double in_region = (household_degree() + 2 * (local + regional) + 2 * longr / 12) / expected_degree;
  EXPECT_NEAR(s.share_in_neighbourhood, in_hood, 0.01);
  EXPECT_NEAR(s.share_in_region, in_region, 0.01);
  EXPECT_GT(s.share_in_neighbourhood, 0.5) << "most ties are local";
  EXPECT_NEAR(s.share_in_household, household_degree() / expected_degree, 0.01);
  EXPECT_TRUE(s.community);
  EXPECT_EQ(s.regions.count, 12u);
  EXPECT_EQ(s.households.count, w.population.household_start.size() - 1);
}

TEST(Community, SameGraphForAnyThreadCountAndDifferentForOtherSeeds) {
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  const World one = town(21);
  omp_set_num_threads(2);
  const World two = town(21);
  omp_set_num_threads(before);
  EXPECT_TRUE(gs::testing::same_graph(one.graph, two.graph));
  EXPECT_EQ(one.population.household_start, two.population.household_start);
  EXPECT_FALSE(gs::testing::same_graph(one.graph, town(22).graph));
}

// With at least 16 regions per thread, chunks are whole regions and the pass
// over leaving ties skips the draws of local and regional ties; with fewer,
// chunks are pieces of regions and regional ties are emitted as leaving.
// Both must give the same, valid graph: a skip that lost step with the
// streams would give long-range ties that differ between their two rows.
TEST(Community, WholeRegionAndPieceChunksGiveTheSameGraph) {
  const auto many_regions = [] {
    return make_graph("community",
                      {{"population", std::int64_t{100000}},
                       {"neighbourhood_size", std::int64_t{200}},
                       {"neighbourhoods_per_region", std::int64_t{10}},
                       {"long_range_ties", 2.0},
                       {"fabric", std::string("classic")}},
                      5);
  };  // 500 neighbourhoods, 50 regions
  const int before = omp_get_max_threads();
  omp_set_num_threads(2);  // 50 >= 16 x 2: whole regions
  const World whole = many_regions();
  omp_set_num_threads(4);  // 50 < 16 x 4: pieces of regions
  const World pieces = many_regions();
  omp_set_num_threads(before);
  gs::testing::expect_valid_csr(whole.graph);
  EXPECT_TRUE(gs::testing::same_graph(whole.graph, pieces.graph));
  EXPECT_GT(whole.graph.edges(), 100000u * 7);
}
