#include "analysis/sensitivity.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>

using namespace gs;

namespace {

SensitivityFile unit_file(std::size_t k, std::uint32_t samples, SensitivityMethod method, double low = 0,
                          double high = 1) {
  SensitivityFile sa;
  sa.method = method;
  sa.samples = samples;
  sa.seed = 5;
  for (std::size_t i = 0; i < k; ++i) {
    std::string name = "x";  // built with += : GCC 12 warns falsely (-Wrestrict) on "x" + string
    name += std::to_string(i);
    sa.parameters.push_back({name, low, high, false, "test"});
  }
  return sa;
}

double ishigami(const SensitivityDesign& d, std::size_t point) {
  const double x1 = d.value(point, 0), x2 = d.value(point, 1), x3 = d.value(point, 2);
  return std::sin(x1) + 7 * std::sin(x2) * std::sin(x2) + 0.1 * std::pow(x3, 4) * std::sin(x1);
}

}  // namespace

// Every dimension's first 2^m points put one point in each interval
// [j / 2^m, (j + 1) / 2^m): the defining property of a Sobol' sequence.
TEST(SobolSequence, FirstPowerOfTwoPointsStratifyEveryDimension) {
  constexpr std::uint64_t n = 1024;
  for (std::size_t d = 0; d < sobol_max_dimensions; ++d) {
    std::set<std::uint64_t> cells;
    for (std::uint64_t i = 0; i < n; ++i) {
      const double x = sobol_coordinate(i, d);
      ASSERT_GE(x, 0.0);
      ASSERT_LT(x, 1.0);
      cells.insert(static_cast<std::uint64_t>(x * n));
    }
    EXPECT_EQ(cells.size(), n) << "dimension " << d;
  }
}

// Ishigami (a = 7, b = 0.1) at N = 8192: Saltelli's and Jansen's estimators
// close to the analytic indices (Saltelli et al. 2008, sec. 4.8).
TEST(SobolIndices, IshigamiAnalyticValues) {
  const SensitivityFile sa = unit_file(3, 8192, SensitivityMethod::sobol, -std::numbers::pi, std::numbers::pi);
  const SensitivityDesign d = saltelli_design(sa);
  std::vector<double> y(d.points);
  for (std::size_t p = 0; p < d.points; ++p) y[p] = ishigami(d, p);
  const SobolIndices s = sobol_indices(y, d.samples, d.parameters, 200, 1);
  const double first[] = {0.3139, 0.4424, 0.0}, total[] = {0.5576, 0.4424, 0.2437};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(s.first[i], first[i], 0.02) << "S1 of x" << i + 1;
    EXPECT_NEAR(s.total[i], total[i], 0.02) << "ST of x" << i + 1;
    EXPECT_LE(s.first_low[i], s.first[i]);
    EXPECT_GE(s.first_high[i], s.first[i]);
    EXPECT_LE(s.total_low[i], s.total[i]);
    EXPECT_GE(s.total_high[i], s.total[i]);
  }
  // The same seed gives the same intervals; another seed other ones.
  const SobolIndices again = sobol_indices(y, d.samples, d.parameters, 200, 1);
  const SobolIndices other = sobol_indices(y, d.samples, d.parameters, 200, 2);
  EXPECT_EQ(again.first_low, s.first_low);
  EXPECT_NE(other.first_low, s.first_low);
}

TEST(SobolIndices, ConstantOutputHasNoIndices) {
  const SensitivityFile sa = unit_file(2, 16, SensitivityMethod::sobol);
  const SensitivityDesign d = saltelli_design(sa);
  const SobolIndices s = sobol_indices(std::vector<double>(d.points, 3.0), d.samples, d.parameters, 100, 1);
  EXPECT_EQ(s.variance, 0.0);
  EXPECT_TRUE(std::isnan(s.first[0]) && std::isnan(s.total[1]));
}

// Each Morris trajectory moves every parameter once, by 2/3 with 4 levels,
// and stays on the grid {0, 1/3, 2/3, 1}.
TEST(MorrisDesign, TrajectoriesMoveEachParameterOnceOnTheGrid) {
  const std::size_t k = 5;
  const SensitivityFile sa = unit_file(k, 30, SensitivityMethod::morris);
  const SensitivityDesign d = morris_design(sa);
  ASSERT_EQ(d.points, 30 * (k + 1));
  for (std::size_t t = 0; t < 30; ++t) {
    std::set<std::uint32_t> moved(d.moved.begin() + static_cast<std::ptrdiff_t>(t * k),
                                  d.moved.begin() + static_cast<std::ptrdiff_t>((t + 1) * k));
    EXPECT_EQ(moved.size(), k);
    for (std::size_t j = 0; j < k; ++j) {
      const std::size_t before = t * (k + 1) + j;
      for (std::size_t i = 0; i < k; ++i) {
        const double x = d.unit[before * k + i], change = d.unit[(before + 1) * k + i] - x;
        EXPECT_NEAR(x * 3, std::round(x * 3), 1e-12);
        EXPECT_NEAR(std::fabs(change), i == d.moved[t * k + j] ? 2.0 / 3 : 0.0, 1e-12);
      }
    }
  }
  EXPECT_EQ(morris_design(sa).unit, d.unit);  // drawn from the seed only
}

// A linear function f = sum c_i x_i has every elementary effect equal to
// c_i times the range: mu = mu* = c_i (high - low), sigma = 0.
TEST(MorrisEffects, LinearFunctionRecoversSlopes) {
  const SensitivityFile sa = unit_file(3, 12, SensitivityMethod::morris, 10, 30);
  const SensitivityDesign d = morris_design(sa);
  const double c[] = {-2.0, 0.5, 0.0};
  std::vector<double> y(d.points);
  for (std::size_t p = 0; p < d.points; ++p)
    for (std::size_t i = 0; i < 3; ++i) y[p] += c[i] * d.value(p, i);
  const MorrisEffects m = morris_effects(sa, d, y);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(m.mu[i], c[i] * 20, 1e-9);
    EXPECT_NEAR(m.mu_star[i], std::fabs(c[i]) * 20, 1e-9);
    EXPECT_NEAR(m.sigma[i], 0.0, 1e-9);
    EXPECT_EQ(m.effects[i], 12u);
  }
}

TEST(SortedQuantile, InterpolatesBetweenOrderStatistics) {
  const std::vector<double> v = {1, 2, 3, 4, 5};
  EXPECT_DOUBLE_EQ(sorted_quantile(v, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(sorted_quantile(v, 0.5), 3.0);
  EXPECT_DOUBLE_EQ(sorted_quantile(v, 0.975), 4.9);
}
