// The clustered fabric's draws (community_foci.hpp): the search for a friend
// in a focus (counting for short ranges and binary search for long ones give
// the last entry at most x, as std::upper_bound does), the Poisson totals and
// the alias table of starters.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "sim/core/random.hpp"
#include "sim/graph/community_foci.hpp"

using namespace gs;

TEST(CommunityFoci, LastAtMostMatchesUpperBoundForShortAndLongRanges) {
  Stream rng(3, 0, 0, 0, 1);
  for (std::uint32_t size = 1; size <= 80; ++size) {
    // Rising cumulative weights, with some repeats (zero weights), after a few leading entries.
    std::vector<double> c(size + 6);
    for (std::size_t i = 1; i < c.size(); ++i) c[i] = c[i - 1] + (rng.uniform() < 0.2 ? 0.0 : rng.uniform());
    const std::uint32_t lo = rng.below32(5), hi = lo + size;
    for (int draw = 0; draw < 50; ++draw) {
      // x from c[lo] to beyond c[hi - 1], and exactly on entries.
      double x = c[lo] + rng.uniform() * (c[hi] - c[lo]) * 1.1;
      if (draw % 5 == 0) x = c[lo + rng.below32(size)];
      const auto expected =
          static_cast<std::uint32_t>(std::upper_bound(c.begin() + lo, c.begin() + hi, x) - c.begin() - 1);
      ASSERT_EQ(clustered::last_at_most(c.data(), lo, hi, x), expected) << "size " << size << " x " << x;
    }
  }
}

TEST(CommunityFoci, WeightedPickNeverTakesSelfAndStaysInRange) {
  std::vector<double> c = {0};
  for (int i = 0; i < 60; ++i) c.push_back(c.back() + 0.5 + (i % 7));
  for (std::uint32_t hi : {2u, 16u, 33u, 60u})
    for (std::uint32_t self = 0; self < hi; self += 3)
      for (std::uint32_t word : {0u, 1u, 0x80000000u, 0xFFFFFFFFu}) {
        const std::uint32_t q = clustered::weighted_pick(c, 0, hi, self, word);
        EXPECT_LT(q, hi);
        EXPECT_NE(q, self);
      }
}

// The neighbourhood's tie totals (poisson_draw): inversion below a mean of
// 10, transformed rejection above. Against the Poisson law itself: mean,
// variance, and the cumulative distribution at a few points, from 100,000
// draws each (standard errors: under 0.5% of the variance, 0.0016 of a
// cumulative probability).
TEST(CommunityFoci, PoissonDrawFollowsThePoissonLaw) {
  for (double mean : {0.3, 4.5, 9.99, 10.0, 37.5, 417.5, 3340.0}) {
    Stream rng(5, 0, 0, 0, 2);
    constexpr int draws = 100000;
    std::vector<std::uint64_t> k(draws);
    double sum = 0;
    for (auto& x : k) {
      x = clustered::poisson_draw([&] { return rng.uniform(); }, mean);
      sum += static_cast<double>(x);
    }
    const double m = sum / draws;
    double var = 0;
    for (auto x : k) var += (static_cast<double>(x) - m) * (static_cast<double>(x) - m);
    var /= draws - 1;
    EXPECT_NEAR(m, mean, 5 * std::sqrt(mean / draws)) << "mean " << mean;
    EXPECT_NEAR(var / mean, 1.0, 0.03) << "mean " << mean;
    // P(X <= q) at the mean and a standard deviation either side, by the pmf's recursion in logs.
    for (double at : {mean - std::sqrt(mean), mean, mean + std::sqrt(mean)}) {
      if (at < 0) continue;
      const auto q = static_cast<std::uint64_t>(at);
      double cdf = 0;
      for (std::uint64_t j = 0; j <= q; ++j)
        cdf += std::exp(static_cast<double>(j) * std::log(mean) - mean - std::lgamma(static_cast<double>(j) + 1));
      const double observed =
          static_cast<double>(std::count_if(k.begin(), k.end(), [&](std::uint64_t x) { return x <= q; })) / draws;
      EXPECT_NEAR(observed, cdf, 0.008) << "mean " << mean << " P(X <= " << q << ")";
    }
  }
  EXPECT_EQ(clustered::poisson_draw([] { return 0.5; }, 0.0), 0u);
}

// The alias table draws residents in proportion to sociability, and
// pick_other never returns self.
TEST(CommunityFoci, SociabilityAliasDrawsInProportion) {
  clustered::Shape shape;
  shape.sociability = {0.5, 1.0, 2.0, 4.0};
  const std::vector<std::uint32_t> bin = {0, 1, 2, 3, 3, 1};
  clustered::SociabilityAlias alias;
  alias.build(bin, 6, shape);
  EXPECT_DOUBLE_EQ(alias.total, 12.5);
  std::vector<double> seen(6, 0);
  Stream rng(9, 0, 0, 0, 3);
  constexpr int draws = 200000;
  for (int i = 0; i < draws; ++i) {
    const std::uint32_t w = rng.below32(0xFFFFFFFFu);
    seen[alias.pick(w)] += 1;
    ASSERT_NE(alias.pick_other(w, 3), 3u);
  }
  for (std::uint32_t l = 0; l < 6; ++l)
    EXPECT_NEAR(seen[l] / draws, shape.sociability[bin[l]] / 12.5, 0.005) << "resident " << l;
}
