#pragma once
// The first uniform of many citizens' gs::Streams at once. A Philox4x32-10
// block is a chain of ten dependent multiply rounds; made one citizen at a
// time it stalls on that chain and dominated the step (perf: about 60% of a
// run). Here the rounds run lane-wise over a batch. The result is bit for bit
// what Stream(seed, replicate, step, agent, purpose).uniform() returns (test
// Organising.BatchDrawsMatchStreams), so results do not change.
//
// Where the CPU has AVX-512 the rounds are written with intrinsics: each
// 32x32->64 bit Philox product is one vpmuludq on eight citizens. Left to
// itself the compiler vectorised the portable loop with a full 64x64 bit
// multiply (three vpmuludq and shifts per product), which made the draws
// about a fifth of a 5% UK run (perf).
#include <Random123/philox.h>

#include <cstddef>
#include <cstdint>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "sim/engine/philox_lanes.hpp"
#include "sim/engine/random.hpp"

namespace gs::organising {

inline constexpr std::size_t draw_batch = 256;

// uniform[i] = Stream(seed, replicate, step, agent0 + i, purpose[i]).uniform(), i < n <= draw_batch.
// Any CPU; also the reference for the vector path.
static inline void first_uniforms_portable(std::uint64_t seed, std::uint32_t replicate, std::uint32_t step,
                                           std::uint32_t agent0, const std::uint32_t* purpose, std::size_t n,
                                           double* uniform) {
  const auto k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t c0 = replicate, c1 = step, c2 = agent0 + static_cast<std::uint32_t>(i), c3 = purpose[i] << 16;
    philox4x32_rounds(c0, c1, c2, c3, k0, k1);
    uniform[i] = uniform_from_words(c0, c1);
  }
}

#if defined(__x86_64__)
// Eight citizens per vector, one per 64-bit lane holding a 32-bit Philox word
// in its low half (vpmuludq reads only the low halves, so the high halves may
// hold rubbish until the end). Only integer work, and the final conversion
// is exact (27 + 26 bits), so contracting it into an FMA cannot change a bit.
// (GCC 12 warns about the intrinsics' own deliberately undefined registers.)
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
// The high half of each 64-bit lane into its low half by a shuffle (port 5)
// rather than a shift, which would compete with the multiplies for port 0.
__attribute__((target("avx512f"), always_inline)) static inline __m512i high_half(__m512i x) {
  return _mm512_shuffle_epi32(x, static_cast<_MM_PERM_ENUM>(0xF5));
}

__attribute__((target("avx512f"))) static inline void first_uniforms_avx512(std::uint64_t seed, std::uint32_t replicate,
                                                                            std::uint32_t step, std::uint32_t agent0,
                                                                            const std::uint32_t* purpose, std::size_t n,
                                                                            double* uniform) {
  __m512i key_a[10], key_b[10];
  {
    auto a = static_cast<std::uint32_t>(seed), b = static_cast<std::uint32_t>(seed >> 32);
    for (int r = 0; r < 10; ++r) {
      key_a[r] = _mm512_set1_epi64(a);
      key_b[r] = _mm512_set1_epi64(b);
      a += PHILOX_W32_0;
      b += PHILOX_W32_1;
    }
  }
  const __m512i m0 = _mm512_set1_epi64(PHILOX_M4x32_0), m1 = _mm512_set1_epi64(PHILOX_M4x32_1);
  const __m512i lane = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
  const __m512d high_scale = _mm512_set1_pd(67108864.0), low_scale = _mm512_set1_pd(1.0 / 9007199254740992.0);
  // Four vectors (32 citizens) at a time: one vector's ten rounds are a chain
  // of dependent multiplies, and four chains keep the multiplier busy.
  constexpr std::size_t chains = 4;
  std::size_t i = 0;
  for (; i + 8 * chains <= n; i += 8 * chains) {
    __m512i c0[chains], c1[chains], c2[chains], c3[chains];
    for (std::size_t g = 0; g < chains; ++g) {
      c0[g] = _mm512_set1_epi64(replicate);
      c1[g] = _mm512_set1_epi64(step);
      c2[g] = _mm512_add_epi64(_mm512_set1_epi64(static_cast<std::uint32_t>(agent0 + i + 8 * g)), lane);
      c3[g] = _mm512_slli_epi64(
          _mm512_cvtepu32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(purpose + i + 8 * g))), 16);
    }
    for (int r = 0; r < 10; ++r)
      for (std::size_t g = 0; g < chains; ++g) {
        const __m512i p0 = _mm512_mul_epu32(c0[g], m0), p1 = _mm512_mul_epu32(c2[g], m1);
        c0[g] = _mm512_ternarylogic_epi64(high_half(p1), c1[g], key_a[r], 0x96);  // three-way xor
        c2[g] = _mm512_ternarylogic_epi64(high_half(p0), c3[g], key_b[r], 0x96);
        c1[g] = p1;
        c3[g] = p0;
      }
    for (std::size_t g = 0; g < chains; ++g) {
      // Low halves to 32-bit integers (exact below 2^27 and 2^26, so signed conversion is fine).
      const __m256i high = _mm256_srli_epi32(_mm512_cvtepi64_epi32(c0[g]), 5);
      const __m256i low = _mm256_srli_epi32(_mm512_cvtepi64_epi32(c1[g]), 6);
      const __m512d u = _mm512_mul_pd(
          _mm512_add_pd(_mm512_mul_pd(_mm512_cvtepi32_pd(high), high_scale), _mm512_cvtepi32_pd(low)), low_scale);
      _mm512_storeu_pd(uniform + i + 8 * g, u);
    }
  }
  if (i < n)
    first_uniforms_portable(seed, replicate, step, agent0 + static_cast<std::uint32_t>(i), purpose + i, n - i,
                            uniform + i);
}
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

// The fastest of the above that this CPU runs.
static inline void first_uniforms(std::uint64_t seed, std::uint32_t replicate, std::uint32_t step, std::uint32_t agent0,
                                  const std::uint32_t* purpose, std::size_t n, double* uniform) {
#if defined(__x86_64__)
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  if (avx512) return first_uniforms_avx512(seed, replicate, step, agent0, purpose, n, uniform);
#endif
  first_uniforms_portable(seed, replicate, step, agent0, purpose, n, uniform);
}

}  // namespace gs::organising
