// The clustered fabric's search for a friend in a focus (community_foci.hpp):
// counting for short ranges and binary search for long ones give the last
// entry at most x, as std::upper_bound does.
#include <gtest/gtest.h>

#include <algorithm>
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
