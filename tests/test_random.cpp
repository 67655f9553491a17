#include "sim/core/random.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

using namespace gs;

TEST(Random, SameKeySameNumbers) {
  Stream a(42, 1, 2, 3, 4), b(42, 1, 2, 3, 4);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.uniform(), b.uniform());
}

TEST(Random, EveryKeyPartMatters) {
  const double base = Stream(42, 1, 2, 3, 4).uniform();
  EXPECT_NE(base, Stream(43, 1, 2, 3, 4).uniform());
  EXPECT_NE(base, Stream(42, 2, 2, 3, 4).uniform());
  EXPECT_NE(base, Stream(42, 1, 3, 3, 4).uniform());
  EXPECT_NE(base, Stream(42, 1, 2, 4, 4).uniform());
  EXPECT_NE(base, Stream(42, 1, 2, 3, 5).uniform());
  EXPECT_NE(base, Stream(42ull << 32, 1, 2, 3, 4).uniform());  // high seed bits are used
}

TEST(Random, UniformMomentsMatchTheory) {
  Stream s(7, 0, 0, 0, 0);
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = s.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  EXPECT_NEAR(mean, 0.5, 5 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(var, 1.0 / 12, 0.002);
}

TEST(Random, BelowCoversTheRangeEvenly) {
  Stream s(9, 0, 0, 0, 0);
  int counts[7] = {};
  const int n = 70000;
  for (int i = 0; i < n; ++i) {
    const auto k = s.below(7);
    ASSERT_LT(k, 7u);
    ++counts[k];
  }
  // Chi-square with 6 degrees of freedom; 22.46 is the 0.999 quantile.
  double chi2 = 0;
  for (int c : counts) chi2 += (c - n / 7.0) * (c - n / 7.0) / (n / 7.0);
  EXPECT_LT(chi2, 22.46);
}

TEST(Random, NormalAndPoissonMoments) {
  Stream s(11, 0, 0, 0, 0);
  const int n = 100000;
  double sum = 0, sum2 = 0, psum = 0, psum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = s.normal();
    sum += z;
    sum2 += z * z;
    const double k = s.poisson(3.5);
    psum += k;
    psum2 += k * k;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.02);
  EXPECT_NEAR(sum2 / n, 1.0, 0.02);
  EXPECT_NEAR(psum / n, 3.5, 0.03);
  EXPECT_NEAR(psum2 / n - (psum / n) * (psum / n), 3.5, 0.08);
}

// geometric_failures against the geometric law P(K = k) = (1 - p)^k p:
// chi-square over K = 0..9 and 10 or more, for a large and a small chance.
TEST(Random, GeometricFailuresFollowTheGeometricLaw) {
  for (double p : {0.3, 0.02}) {
    SCOPED_TRACE("p = " + std::to_string(p));
    Stream s(13, 0, 0, 0, 0);
    const int n = 100000, bins = 11;
    const double step = p < 0.1 ? 20 : 1;  // bins of 20 values for the small chance
    int counts[bins] = {};
    for (int i = 0; i < n; ++i) {
      const auto k = geometric_failures(s.uniform(), p, 1u << 30);
      ++counts[std::min<std::uint64_t>(bins - 1, static_cast<std::uint64_t>(static_cast<double>(k) / step))];
    }
    double chi2 = 0;
    for (int b = 0; b < bins; ++b) {
      const double from = std::pow(1 - p, b * step), to = b == bins - 1 ? 0.0 : std::pow(1 - p, (b + 1) * step);
      const double expected = n * (from - to);
      chi2 += (counts[b] - expected) * (counts[b] - expected) / expected;
    }
    EXPECT_LT(chi2, 29.59);  // the 0.999 quantile with 10 degrees of freedom
  }
}

TEST(Random, GeometricFailuresAtTheEdges) {
  EXPECT_EQ(geometric_failures(0.999, 1.0, 100), 0u);  // certain: at once
  EXPECT_EQ(geometric_failures(0.0, 0.0, 100), 100u);  // never: the cap
  EXPECT_EQ(geometric_failures(0.5, 1e-300, 100), 100u);  // far beyond the cap
  EXPECT_EQ(geometric_failures(0.0, 0.5, 100), 0u);  // u = 0: no failure
}
