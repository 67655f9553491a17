#pragma once
// The first uniform of many citizens' gs::Streams at once. A Philox4x32-10
// block is a chain of ten dependent multiply rounds; made one citizen at a
// time it stalls on that chain. Here the rounds run lane-wise over a batch
// (measurements: docs/performance.md). The result is bit for bit
// what Stream(seed, replicate, step, agent, purpose).uniform() returns (test
// Organising/BatchDraws.MatchStreams/*), so results do not change.
// Where vector_level() is avx512 or avx2 the rounds are sim/core/philox_batch.hpp's.
#include <Random123/philox.h>

#include <cstddef>
#include <cstdint>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "sim/core/cpu_features.hpp"
#include "sim/core/philox_batch.hpp"
#include "sim/core/philox_lanes.hpp"
#include "sim/core/random.hpp"

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
// Eight citizens per vector (sim/core/philox_batch.hpp). The final
// conversion is exact (27 + 26 bits), so contracting it into an FMA cannot
// change a bit. (GCC 12 warns about the intrinsics' own deliberately
// undefined registers.)
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
__attribute__((target("avx512f"))) static inline void first_uniforms_avx512(std::uint64_t seed, std::uint32_t replicate,
                                                                            std::uint32_t step, std::uint32_t agent0,
                                                                            const std::uint32_t* purpose, std::size_t n,
                                                                            double* uniform) {
  const philox8::Keys keys = philox8::keys(seed);
  const __m512d high_scale = _mm512_set1_pd(67108864.0), low_scale = _mm512_set1_pd(1.0 / 9007199254740992.0);
  constexpr std::size_t chains = 4;  // 32 citizens at a time
  std::size_t i = 0;
  for (; i + 8 * chains <= n; i += 8 * chains) {
    philox8::Lanes x[chains];
    for (std::size_t g = 0; g < chains; ++g) {
      x[g].c0 = _mm512_set1_epi64(replicate);
      x[g].c1 = _mm512_set1_epi64(step);
      x[g].c2 = philox8::consecutive(static_cast<std::uint32_t>(agent0 + i + 8 * g));
      x[g].c3 = _mm512_slli_epi64(
          _mm512_cvtepu32_epi64(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(purpose + i + 8 * g))), 16);
    }
    philox8::rounds(x, keys);
    for (std::size_t g = 0; g < chains; ++g) {
      // Low halves to 32-bit integers (exact below 2^27 and 2^26, so signed conversion is fine).
      const __m256i high = _mm256_srli_epi32(_mm512_cvtepi64_epi32(x[g].c0), 5);
      const __m256i low = _mm256_srli_epi32(_mm512_cvtepi64_epi32(x[g].c1), 6);
      const __m512d u = _mm512_mul_pd(
          _mm512_add_pd(_mm512_mul_pd(_mm512_cvtepi32_pd(high), high_scale), _mm512_cvtepi32_pd(low)), low_scale);
      _mm512_storeu_pd(uniform + i + 8 * g, u);
    }
  }
  if (i < n)
    first_uniforms_portable(seed, replicate, step, agent0 + static_cast<std::uint32_t>(i), purpose + i, n - i,
                            uniform + i);
}

// Four citizens per vector with AVX2 (sim/core/philox_batch.hpp), for CPUs
// without AVX-512; two vectors' words are packed into eight 32-bit values
// for the conversion.
__attribute__((target("avx2"))) static inline void first_uniforms_avx2(std::uint64_t seed, std::uint32_t replicate,
                                                                       std::uint32_t step, std::uint32_t agent0,
                                                                       const std::uint32_t* purpose, std::size_t n,
                                                                       double* uniform) {
  const philox4::Keys keys = philox4::keys(seed);
  const __m256d high_scale = _mm256_set1_pd(67108864.0), low_scale = _mm256_set1_pd(1.0 / 9007199254740992.0);
  constexpr std::size_t chains = 2;  // 8 citizens at a time (4: 7% slower)
  std::size_t i = 0;
  for (; i + 4 * chains <= n; i += 4 * chains) {
    philox4::Lanes x[chains];
    for (std::size_t g = 0; g < chains; ++g) {
      x[g].c0 = _mm256_set1_epi64x(replicate);
      x[g].c1 = _mm256_set1_epi64x(step);
      x[g].c2 = philox4::consecutive(static_cast<std::uint32_t>(agent0 + i + 4 * g));
      x[g].c3 = _mm256_slli_epi64(
          _mm256_cvtepu32_epi64(_mm_loadu_si128(reinterpret_cast<const __m128i*>(purpose + i + 4 * g))), 16);
    }
    philox4::rounds(x, keys);
    for (std::size_t g = 0; g < chains; g += 2) {
      // Exact below 2^27 and 2^26, so signed conversion is fine.
      const __m256i high = _mm256_srli_epi32(philox4::low_words(x[g].c0, x[g + 1].c0), 5);
      const __m256i low = _mm256_srli_epi32(philox4::low_words(x[g].c1, x[g + 1].c1), 6);
      for (int half = 0; half < 2; ++half) {
        const __m128i h = half ? _mm256_extracti128_si256(high, 1) : _mm256_castsi256_si128(high);
        const __m128i l = half ? _mm256_extracti128_si256(low, 1) : _mm256_castsi256_si128(low);
        const __m256d u = _mm256_mul_pd(
            _mm256_add_pd(_mm256_mul_pd(_mm256_cvtepi32_pd(h), high_scale), _mm256_cvtepi32_pd(l)), low_scale);
        _mm256_storeu_pd(uniform + i + 4 * g + 4 * static_cast<std::size_t>(half), u);
      }
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
  if (vector_level() == VectorLevel::avx512)
    return first_uniforms_avx512(seed, replicate, step, agent0, purpose, n, uniform);
  if (vector_level() == VectorLevel::avx2)
    return first_uniforms_avx2(seed, replicate, step, agent0, purpose, n, uniform);
#endif
  first_uniforms_portable(seed, replicate, step, agent0, purpose, n, uniform);
}

}  // namespace gs::organising
