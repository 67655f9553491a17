// geometric_skips.hpp's kernels: one formula, compiled for AVX-512, AVX2
// and the baseline and chosen at run time (as models/organising/kernels.cpp
// does). Without trapping math, or GCC keeps the division in the log's
// formula out of the vector loop. clang (TSan and fuzz builds) compiles the
// same loops without a target.
#include "sim/graph/geometric_skips.hpp"

#include <cmath>

#include "sim/core/cpu_features.hpp"
#include "sim/core/random.hpp"

namespace gs {
namespace {

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math")
#define GROUNDSWELL_KERNEL inline __attribute__((always_inline))
#define GROUNDSWELL_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,prefer-vector-width=512")))
#define GROUNDSWELL_AVX2 __attribute__((target("avx2,fma")))
#else
#define GROUNDSWELL_KERNEL inline
#define GROUNDSWELL_AVX512
#define GROUNDSWELL_AVX2
#endif

// log(x) for x in [2^-53, 1], by fdlibm's e_log.c (Sun Microsystems, 1993):
// x = 2^k (1 + f) with 1 + f in [sqrt(1/2), sqrt(2)), and
// log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)) with s = f / (2 + f), R a
// minimax polynomial; error below 1 ulp. Every operation is done for every
// lane (no branch), so the loop vectorises; x is never 0, negative,
// subnormal or above 1, so none of fdlibm's special cases arise.
GROUNDSWELL_KERNEL double unit_log(double x) {
  constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  constexpr double lg1 = 6.666666666666735130e-01, lg2 = 3.999999999940941908e-01, lg3 = 2.857142874366239149e-01,
                   lg4 = 2.222219843214978396e-01, lg5 = 1.818357216161805012e-01, lg6 = 1.531383769920937332e-01,
                   lg7 = 1.479819860511658591e-01;
  constexpr double sqrt2 = 1.4142135623730951;
  const auto bits = __builtin_bit_cast(std::uint64_t, x);
  const double mantissa = __builtin_bit_cast(double, (bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);  // [1, 2)
  // The biased exponent as a double, exactly, with no 64-bit integer conversion (AVX2 has none).
  const double biased = __builtin_bit_cast(double, (bits >> 52) | 0x4330000000000000ull) - 0x1p52;
  const bool halve = mantissa > sqrt2;
  const double k = biased - (halve ? 1022.0 : 1023.0);
  const double f = (halve ? mantissa * 0.5 : mantissa) - 1.0;  // exact
  const double s = f / (2.0 + f);
  const double z = s * s, w = z * z;
  const double r = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7))) + w * (lg2 + w * (lg4 + w * lg6));
  const double hfsq = 0.5 * f * f;
  return k * ln2_hi - ((hfsq - (s * (hfsq + r) + k * ln2_lo)) - f);
}

// The vector pass: out[i] = the floor of the skip where that is sure, else
// -1 (skips are never negative). The computed value is within a few ulps of
// the scalar one; the floor is sure when no whole number lies within 2^-40
// of it, relatively (thousands of times that error). NaN and infinite values
// (p so small that 1 / log_q overflows) fail the test and are left to the
// scalar formula. Returns whether any was left.
GROUNDSWELL_KERNEL bool vector_skips(const std::uint32_t* __restrict high, const std::uint32_t* __restrict low,
                                     std::size_t n, double log_q, double* __restrict out) {
  const double inverse = 1.0 / log_q;
  std::uint64_t unsure = 0;  // a count: g++ does not vectorise a bool's |=
  for (std::size_t i = 0; i < n; ++i) {
    // uniform_from_words, through 32-bit conversions (one instruction each)
    const double u = (static_cast<double>(static_cast<std::int32_t>(high[i] >> 5)) * 67108864.0 +
                      static_cast<double>(static_cast<std::int32_t>(low[i] >> 6))) *
                     0x1p-53;
    const double skip = unit_log(1.0 - u) * inverse;
    const double margin = std::fabs(skip) * 0x1p-40;
    const double below = std::floor(skip - margin), above = std::floor(skip + margin);
    const bool sure = below == above;
    out[i] = sure ? below : -1.0;
    unsure += !sure;
  }
  return unsure != 0;
}

GROUNDSWELL_AVX512 bool vector_skips_avx512(const std::uint32_t* high, const std::uint32_t* low, std::size_t n,
                                            double log_q, double* out) {
  return vector_skips(high, low, n, log_q, out);
}
GROUNDSWELL_AVX2 bool vector_skips_avx2(const std::uint32_t* high, const std::uint32_t* low, std::size_t n,
                                        double log_q, double* out) {
  return vector_skips(high, low, n, log_q, out);
}

GROUNDSWELL_AVX512 void unit_logs_avx512(const double* x, std::size_t n, double* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = unit_log(x[i]);
}
GROUNDSWELL_AVX2 void unit_logs_avx2(const double* x, std::size_t n, double* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = unit_log(x[i]);
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

double scalar_skip(std::uint32_t high, std::uint32_t low, double log_q) {
  return std::log(1.0 - uniform_from_words(high, low)) / log_q;
}

}  // namespace

void geometric_skips(const std::uint32_t* high, const std::uint32_t* low, std::size_t n, double log_q, double* out) {
  const VectorLevel level = vector_level();
  if (level == VectorLevel::baseline) {
    for (std::size_t i = 0; i < n; ++i) out[i] = scalar_skip(high[i], low[i], log_q);
    return;
  }
  const bool unsure = level == VectorLevel::avx512 ? vector_skips_avx512(high, low, n, log_q, out)
                                                   : vector_skips_avx2(high, low, n, log_q, out);
  if (unsure)
    for (std::size_t i = 0; i < n; ++i)
      if (out[i] < 0) out[i] = scalar_skip(high[i], low[i], log_q);
}

void unit_interval_logs(const double* x, std::size_t n, double* out) {
  switch (vector_level()) {
    case VectorLevel::avx512: return unit_logs_avx512(x, n, out);
    case VectorLevel::avx2: return unit_logs_avx2(x, n, out);
    case VectorLevel::baseline: break;
  }
  for (std::size_t i = 0; i < n; ++i) out[i] = std::log(x[i]);
}

}  // namespace gs
