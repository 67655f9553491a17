#include "analysis/compare_sweeps.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "sim/sweep/calibration_output.hpp"

using namespace gs;

TEST(CompareSweeps, PercentileInterpolatesLikeNumpy) {
  // numpy.percentile([1, 2, 3, 4], [0, 25, 50, 97.5, 100]) = 1, 1.75, 2.5, 3.925, 4
  const std::vector<double> xs = {4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(percentile(xs, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(percentile(xs, 0.25), 1.75);
  EXPECT_DOUBLE_EQ(percentile(xs, 0.5), 2.5);
  EXPECT_NEAR(percentile(xs, 0.975), 3.925, 1e-12);
  EXPECT_DOUBLE_EQ(percentile(xs, 1.0), 4.0);
}

TEST(CompareSweeps, PairedEffectSeparatesParameterSpreadFromSeedNoise) {
  // Three members whose effects differ (1, 2, 6) and two replicates each
  // whose differences scatter by +-0.5 around them.
  const std::vector<std::vector<double>> a = {{10, 10}, {20, 20}, {30, 30}};
  const std::vector<std::vector<double>> b = {{10.5, 11.5}, {21.5, 22.5}, {35.5, 36.5}};
  const PairedEffect e = paired_effect(a, b);
  EXPECT_EQ(e.members, 3u);
  EXPECT_EQ(e.replicates, 2u);
  EXPECT_DOUBLE_EQ(e.mean, 3.0);
  EXPECT_DOUBLE_EQ(e.full_low, 1.0 + 0.05 * 1.0);  // type-7 2.5th percentile of {1, 2, 6}
  EXPECT_DOUBLE_EQ(e.full_high, 2.0 + 0.95 * 4.0);
  // Within-member variance: 6 x 0.25 / (3 x 1) = 0.5; half width t(0.975, 3) x sqrt(0.5 / 2), t = 3.182446.
  EXPECT_NEAR(e.seed_high - e.mean, 3.182446305 * 0.5, 1e-6);
  EXPECT_NEAR(e.mean - e.seed_low, 3.182446305 * 0.5, 1e-6);
  // The mean's CI over members: sd of {1, 2, 6} = 2.6458; t(0.975, 2) = 4.302653.
  EXPECT_NEAR(e.mean_high - e.mean, 4.302652730 * std::sqrt(7.0) / std::sqrt(3.0), 1e-6);
}

TEST(CompareSweeps, ResamplingFollowsTheWeights) {
  PosteriorSample p;
  p.parameters = {"x"};
  p.values = {{0, 1, 2}};
  p.weights = {0.2, 0.0, 0.8};
  const auto drawn = resample_posterior(p, 20000, 11);
  EXPECT_EQ(drawn, resample_posterior(p, 20000, 11));
  std::size_t twos = 0;
  for (std::size_t i : drawn) {
    EXPECT_NE(i, 1u);  // zero weight: never drawn
    twos += i == 2;
  }
  // Binomial(20000, 0.8): s.d. 57, so +-300 is more than 5 s.d.
  EXPECT_NEAR(static_cast<double>(twos), 16000.0, 300.0);
}
