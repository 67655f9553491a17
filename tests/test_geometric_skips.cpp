// geometric_skips on each vector path against the scalar formula it stands
// for, std::log(1.0 - u) / log_q: the same whole part for every draw. The
// vector paths' own log is checked against libm's across [2^-53, 1] (its
// error bound is what makes the whole parts safe), and the draws whose
// value is too close to a whole number, or not finite, must come out of the
// scalar fallback.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "sim/core/cpu_features.hpp"
#include "sim/core/random.hpp"
#include "sim/graph/geometric_skips.hpp"

using namespace gs;

namespace {

constexpr VectorLevel every_level[] = {VectorLevel::baseline, VectorLevel::avx2, VectorLevel::avx512};

// Word pairs of many streams, plus the extremes: u = 0 (log 1 = 0) and the
// largest u, 1 - 2^-53.
void draw_words(std::size_t n, std::vector<std::uint32_t>& high, std::vector<std::uint32_t>& low) {
  Stream rng(3, 0, 0, 0, 9);
  high = {0, 0xFFFFFFFFu};
  low = {0, 0xFFFFFFFFu};
  for (std::size_t i = 0; i < n; ++i) {
    high.push_back(static_cast<std::uint32_t>(rng.below(std::uint64_t{1} << 32)));
    low.push_back(static_cast<std::uint32_t>(rng.below(std::uint64_t{1} << 32)));
  }
}

}  // namespace

TEST(GeometricSkips, VectorLogIsWithinAFewUlpsOfLibm) {
  // Uniform over the unit interval, dense near 1 (where log x is about x - 1),
  // on both sides of sqrt(1/2) and of powers of two (where the reduction
  // switches), and the ends.
  std::vector<double> x = {0x1p-53, 1.0, 0.5, 0.25, std::sqrt(0.5), std::nextafter(1.0, 0.0)};
  Stream rng(5, 0, 0, 0, 1);
  for (int i = 0; i < 200000; ++i) x.push_back(1.0 - rng.uniform());
  for (int i = 1; i < 20000; ++i) x.push_back(1.0 - i * 0x1p-53);
  for (int k = 0; k < 53; ++k)
    for (double edge : {std::ldexp(1.0, -k), std::ldexp(std::sqrt(0.5), -k)}) {
      double below = edge, above = edge;
      for (int i = 0; i < 50; ++i) {
        below = std::nextafter(below, 0.0);
        above = std::nextafter(above, 2.0);
        if (below >= 0x1p-53) x.push_back(below);
        if (above <= 1.0) x.push_back(above);
      }
    }
  std::vector<double> got(x.size());
  for (VectorLevel level : every_level) {
    if (!host_supports(level)) continue;
    force_vector_level(level);
    unit_interval_logs(x.data(), x.size(), got.data());
    force_vector_level(std::nullopt);
    double worst = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double exact = std::log(x[i]);
      const double error = exact == 0 ? std::fabs(got[i]) : std::fabs(got[i] - exact) / std::fabs(exact);
      worst = std::max(worst, error);
    }
    // 2^-50 is 4 ulps; geometric_skips trusts a whole part only 2^-40 away from a whole number.
    EXPECT_LT(worst, 0x1p-50) << vector_level_name(level);
  }
}

TEST(GeometricSkips, WholePartsAreThoseOfTheScalarFormula) {
  std::vector<std::uint32_t> high, low;
  draw_words(100000, high, low);
  const std::size_t n = high.size();
  // Typical ps, p = 1 (log_q = -inf: every skip 0), and one so small that
  // 1 / log_q overflows (no vector value is finite: all computed the scalar way).
  for (const double p : {3e-5, 0.5, 0.9, 1e-9, 1.0, 3e-322}) {
    const double log_q = std::log1p(-p);
    std::vector<double> got(n);
    for (VectorLevel level : every_level) {
      if (!host_supports(level)) continue;
      force_vector_level(level);
      geometric_skips(high.data(), low.data(), n, log_q, got.data());
      force_vector_level(std::nullopt);
      std::size_t mismatches = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const double expected = std::log(1.0 - uniform_from_words(high[i], low[i])) / log_q;
        const bool same = std::isinf(expected) ? got[i] == expected : std::floor(got[i]) == std::floor(expected);
        mismatches += !same;
      }
      EXPECT_EQ(mismatches, 0u) << "p " << p << " on the " << vector_level_name(level) << " path";
    }
  }
}

// Draws whose skip is a whole number, or within a few ulps of one, for the
// vector path to hand to the scalar formula: u = 1 - q^k gives a skip of
// about k. (Which side of k the scalar value falls is libm's business; the
// whole parts must agree.)
TEST(GeometricSkips, DrawsNearWholeNumbersAgree) {
  const double p = 0.1, log_q = std::log1p(-p);
  std::vector<std::uint32_t> high, low;
  for (int k = 0; k < 200; ++k)
    for (std::int64_t nudge = -3; nudge <= 3; ++nudge) {
      const double u = 1.0 - std::exp(k * log_q);
      const auto bits = static_cast<std::int64_t>(std::ldexp(u, 53)) + nudge;
      if (bits < 0 || bits >= (std::int64_t{1} << 53)) continue;
      high.push_back(static_cast<std::uint32_t>(bits >> 26) << 5);
      low.push_back(static_cast<std::uint32_t>(bits & ((1 << 26) - 1)) << 6);
    }
  std::vector<double> got(high.size());
  for (VectorLevel level : every_level) {
    if (!host_supports(level)) continue;
    force_vector_level(level);
    geometric_skips(high.data(), low.data(), high.size(), log_q, got.data());
    force_vector_level(std::nullopt);
    for (std::size_t i = 0; i < high.size(); ++i) {
      const double expected = std::log(1.0 - uniform_from_words(high[i], low[i])) / log_q;
      ASSERT_EQ(std::floor(got[i]), std::floor(expected)) << "draw " << i << " on the " << vector_level_name(level);
    }
  }
}
