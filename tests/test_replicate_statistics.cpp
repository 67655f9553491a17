// Statistics checked against closed forms and hand-worked samples (the
// derivations are in the comments), not against values printed by the code.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "analysis/statistics.hpp"

namespace gs::stats {
namespace {

constexpr double pi = std::numbers::pi;

TEST(IncompleteBeta, MatchesClosedForms) {
  for (double x : {0.01, 0.2, 0.5, 0.73, 0.99}) {
    EXPECT_NEAR(incomplete_beta(3.5, 1, x), std::pow(x, 3.5), 1e-12);  // I_x(a,1) = x^a
    EXPECT_NEAR(incomplete_beta(1, 2.5, x), 1 - std::pow(1 - x, 2.5), 1e-12);  // I_x(1,b) = 1-(1-x)^b
    EXPECT_NEAR(incomplete_beta(2, 2, x), 3 * x * x - 2 * x * x * x, 1e-12);  // integral of 6t(1-t)
  }
  EXPECT_NEAR(incomplete_beta(7.3, 7.3, 0.5), 0.5, 1e-12);  // symmetric about 1/2
  EXPECT_EQ(incomplete_beta(2, 3, 0), 0);
  EXPECT_EQ(incomplete_beta(2, 3, 1), 1);
}

TEST(StudentT, CdfMatchesClosedFormsForOneAndTwoDegreesOfFreedom) {
  for (double t : {-30.0, -2.5, -0.3, 0.0, 0.7, 4.0, 100.0}) {
    EXPECT_NEAR(t_cdf(t, 1), 0.5 + std::atan(t) / pi, 1e-12);  // Cauchy
    EXPECT_NEAR(t_cdf(t, 2), 0.5 + t / (2 * std::sqrt(2 + t * t)), 1e-12);  // df = 2
  }
}

TEST(StudentT, QuantilesMatchClosedFormsAndTables) {
  for (double p : {0.001, 0.025, 0.3, 0.5, 0.9, 0.975, 0.999}) {
    EXPECT_NEAR(t_quantile(p, 1), std::tan(pi * (p - 0.5)), 1e-8 * std::max(1.0, std::fabs(std::tan(pi * (p - 0.5)))));
    EXPECT_NEAR(t_quantile(p, 2), (2 * p - 1) / std::sqrt(2 * p * (1 - p)), 1e-9);
  }
  // Two-sided 95% critical values as printed in t tables (3 decimals).
  EXPECT_NEAR(t_quantile(0.975, 4), 2.776, 5e-4);
  EXPECT_NEAR(t_quantile(0.975, 9), 2.262, 5e-4);
  EXPECT_NEAR(t_quantile(0.975, 30), 2.042, 5e-4);
  EXPECT_NEAR(t_quantile(0.995, 10), 3.169, 5e-4);
  // Many degrees of freedom: the normal quantile 1.959964 (Phi(1.959964) = 0.975).
  EXPECT_NEAR(t_quantile(0.975, 1e9), 1.959964, 1e-6);
  EXPECT_NEAR(normal_quantile(0.975), 1.959964, 1e-6);
  EXPECT_NEAR(t_quantile(0.025, 9), -t_quantile(0.975, 9), 1e-12);
  // Non-integer degrees of freedom (Welch) lie between their neighbours.
  EXPECT_GT(t_quantile(0.975, 5.5), t_quantile(0.975, 6));
  EXPECT_LT(t_quantile(0.975, 5.5), t_quantile(0.975, 5));
}

TEST(Summary, HandWorkedSample) {
  // 1..5: mean 3, squared deviations 4+1+0+1+4 = 10, variance 10/4 = 2.5.
  const Summary s = summarize({1, 2, 3, 4, 5});
  EXPECT_EQ(s.n, 5u);
  EXPECT_DOUBLE_EQ(s.mean, 3);
  EXPECT_NEAR(s.sd, std::sqrt(2.5), 1e-14);
  // CI: 3 -/+ t(0.975, 4) x sqrt(2.5 / 5) = 3 -/+ 2.7764451 x 0.7071068 = 3 -/+ 1.9632432.
  EXPECT_NEAR(s.ci_low, 3 - 1.9632432, 1e-6);
  EXPECT_NEAR(s.ci_high, 3 + 1.9632432, 1e-6);
}

TEST(Summary, OneReplicateHasNoSpread) {
  const Summary s = summarize({0.4});
  EXPECT_DOUBLE_EQ(s.mean, 0.4);
  EXPECT_TRUE(std::isnan(s.sd));
  EXPECT_TRUE(std::isnan(s.ci_low));
}

TEST(Welch, HandWorkedDifference) {
  // a = 1..5 (mean 3, var 2.5), b = 2,4,..,10 (mean 6, var 10).
  // se^2 = 2.5/5 + 10/5 = 2.5; df = 2.5^2 / (0.5^2/4 + 2^2/4) = 6.25 / 1.0625 = 5.882352941.
  const Difference d = welch_difference({1, 2, 3, 4, 5}, {2, 4, 6, 8, 10});
  EXPECT_DOUBLE_EQ(d.estimate, 3);
  EXPECT_NEAR(d.se, std::sqrt(2.5), 1e-14);
  EXPECT_NEAR(d.df, 6.25 / 1.0625, 1e-12);
  EXPECT_DOUBLE_EQ(d.relative, 1);
  const double half = t_quantile(0.975, 6.25 / 1.0625) * std::sqrt(2.5);
  EXPECT_NEAR(d.ci_low, 3 - half, 1e-12);
  EXPECT_NEAR(d.ci_high, 3 + half, 1e-12);
  // t(0.975, 5.88) lies between the table's 2.447 (df 6) and 2.571 (df 5).
  EXPECT_GT(half / std::sqrt(2.5), 2.447);
  EXPECT_LT(half / std::sqrt(2.5), 2.571);
}

TEST(Welch, EqualSizesAndVariancesGivePooledDegreesOfFreedom) {
  // Equal n and variance: df = 2(n - 1). a = {1,2,3}, b = {11,12,13}: df 4.
  const Difference d = welch_difference({1, 2, 3}, {11, 12, 13});
  EXPECT_NEAR(d.df, 4, 1e-12);
  EXPECT_DOUBLE_EQ(d.estimate, 10);
}

TEST(Welch, NoSpreadGivesAnExactDifferenceAndZeroBaseHasNoRelativeChange) {
  const Difference d = welch_difference({0, 0, 0}, {0.5, 0.5, 0.5});
  EXPECT_DOUBLE_EQ(d.ci_low, 0.5);
  EXPECT_DOUBLE_EQ(d.ci_high, 0.5);
  EXPECT_TRUE(std::isnan(d.relative));
}

TEST(Paired, HandWorkedDifference) {
  // a = 1..5, b = 2,4,5,7,9: d = 1,2,2,3,4, mean 2.4; squared deviations
  // 1.96 + 0.16 + 0.16 + 0.36 + 2.56 = 5.2, variance 5.2 / 4 = 1.3, se = sqrt(1.3 / 5) = sqrt(0.26).
  // CI: 2.4 -/+ t(0.975, 4) x 0.5099020 = 2.4 -/+ 2.7764451 x 0.5099020 = 2.4 -/+ 1.4157148
  // (scipy.stats.ttest_rel(b, a).confidence_interval(): 0.984285223, 3.815714777).
  const Difference d = paired_difference({1, 2, 3, 4, 5}, {2, 4, 5, 7, 9});
  EXPECT_TRUE(d.paired);
  EXPECT_DOUBLE_EQ(d.estimate, 2.4);
  EXPECT_NEAR(d.se, std::sqrt(0.26), 1e-14);
  EXPECT_DOUBLE_EQ(d.df, 4);
  EXPECT_DOUBLE_EQ(d.relative, 0.8);
  EXPECT_NEAR(d.ci_low, 0.984285223017725, 1e-9);
  EXPECT_NEAR(d.ci_high, 3.815714776982275, 1e-9);
  // The same samples unpaired: Welch's interval is far wider (the pairs move together).
  const Difference w = welch_difference({1, 2, 3, 4, 5}, {2, 4, 5, 7, 9});
  EXPECT_FALSE(w.paired);
  EXPECT_DOUBLE_EQ(w.estimate, d.estimate);
  EXPECT_GT(w.ci_high - w.ci_low, 2 * (d.ci_high - d.ci_low));
}

TEST(Paired, ConstantShiftIsExactAndMismatchedSizesThrow) {
  // b = a + 0.5 everywhere: every d_r is 0.5, no spread, the interval is the point.
  const Difference d = paired_difference({0.25, 0.75, 0.5}, {0.75, 1.25, 1.0});
  EXPECT_DOUBLE_EQ(d.estimate, 0.5);
  EXPECT_DOUBLE_EQ(d.ci_low, 0.5);
  EXPECT_DOUBLE_EQ(d.ci_high, 0.5);
  EXPECT_DOUBLE_EQ(d.df, 2);
  const Difference one = paired_difference({1}, {3});
  EXPECT_DOUBLE_EQ(one.estimate, 2);
  EXPECT_TRUE(std::isnan(one.ci_low));
  EXPECT_TRUE(std::isnan(one.df));
  EXPECT_THROW(paired_difference({1, 2}, {1, 2, 3}), std::invalid_argument);
}

TEST(Reach, FirstStepAtOrAboveTheLevel) {
  EXPECT_EQ(first_reaching({0.1, 0.15, 0.2, 0.25}, 0.2), 2u);
  EXPECT_EQ(first_reaching({0.3, 0.1}, 0.2), 0u);
  EXPECT_FALSE(first_reaching({0.1, 0.15}, 0.2).has_value());
}

}  // namespace
}  // namespace gs::stats
