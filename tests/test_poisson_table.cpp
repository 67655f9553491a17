// The guided Poisson draw must give exactly the plain search's count for
// every uniform (so the community graph does not change), and the counts
// must follow the Poisson distribution.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/core/random.hpp"
#include "sim/graph/poisson_table.hpp"

using namespace gs;

TEST(PoissonTable, GuideGivesTheSearchCountAtEveryEdge) {
  for (double mean : {0.05, 0.5, 2.0, 3.5, 14.0, 60.0, 180.0}) {
    const PoissonTable table(mean);
    ASSERT_FALSE(table.cumulative().empty());
    // Bin edges and their neighbours, every cumulative step and its
    // neighbours: where a guide could be off by one.
    std::vector<double> probes;
    for (std::uint32_t j = 0; j < PoissonTable::bins; ++j) {
      const double edge = j / double(PoissonTable::bins);
      probes.push_back(edge);
      if (j > 0) probes.push_back(std::nextafter(edge, 0.0));
      probes.push_back(std::nextafter(edge, 1.0));
    }
    for (double c : table.cumulative()) {
      probes.push_back(c);
      probes.push_back(std::nextafter(c, 0.0));
      if (c < 1.0) probes.push_back(std::nextafter(c, 1.0));
    }
    Stream rng(3, 0, 0, 0, 1);
    for (int i = 0; i < 100000; ++i) probes.push_back(rng.uniform());
    for (double u : probes) {
      if (u >= 1.0) continue;
      ASSERT_EQ(table.count_for(u), table.search(u)) << "mean " << mean << " u " << u;
    }
  }
}

TEST(PoissonTable, CountsFollowThePoissonDistribution) {
  // 200,000 draws against the pmf exp(-m) m^k / k!: chi-square over the
  // cells with at least 20 expected draws, well below the 0.1% critical value.
  for (double mean : {0.5, 3.5}) {
    const PoissonTable table(mean);
    Stream rng(11, 0, 0, 0, 2);
    constexpr int draws = 200000;
    std::vector<int> seen(64, 0);
    for (int i = 0; i < draws; ++i) ++seen[std::min<std::uint32_t>(63, table.draw(rng))];
    double chi2 = 0;
    int cells = 0;
    for (int k = 0; k < 64; ++k) {
      const double expected = draws * std::exp(-mean + k * std::log(mean) - std::lgamma(k + 1.0));
      if (expected < 20) continue;
      chi2 += (seen[k] - expected) * (seen[k] - expected) / expected;
      ++cells;
    }
    EXPECT_GE(cells, 3);
    EXPECT_LT(chi2, 31.3) << "mean " << mean;  // chi-square with at most 11 degrees of freedom, 0.1% level
  }
}
