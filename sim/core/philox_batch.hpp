#pragma once
// Philox4x32-10 blocks for eight counters at once with AVX-512 (four with
// AVX2, below): the hand-vectorised Philox, used by the batch drawers (sim/graph/
// stream_words.hpp, models/organising/batch_draws.hpp) where
// vector_level() is avx512 or avx2. Each 32-bit word of a counter sits in the low
// half of a 64-bit lane, so that each 32x32->64 bit Philox product is one
// vpmuludq on eight streams (left to itself the compiler multiplies 64x64
// bits: three vpmuludq and shifts per product). vpmuludq reads only the low
// halves, so the high halves hold rubbish until the words are taken out
// (low_words). The block is bit for bit r123::Philox4x32's, and so
// gs::Stream's (tests StreamWords.*, Organising/BatchDraws.MatchStreams/*).
#if defined(__x86_64__)
#include <Random123/philox.h>
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

// (GCC 12 warns about the intrinsics' own deliberately undefined registers.)
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace gs::philox8 {

// Eight counters in, eight blocks out.
struct Lanes {
  __m512i c0, c1, c2, c3;
};

// The ten round keys of a seed, each broadcast to all lanes.
struct Keys {
  __m512i a[10], b[10];
};

__attribute__((target("avx512f"), always_inline)) inline Keys keys(std::uint64_t seed) {
  Keys k;
  auto a = static_cast<std::uint32_t>(seed), b = static_cast<std::uint32_t>(seed >> 32);
  for (int r = 0; r < 10; ++r) {
    k.a[r] = _mm512_set1_epi64(a);
    k.b[r] = _mm512_set1_epi64(b);
    a += PHILOX_W32_0;
    b += PHILOX_W32_1;
  }
  return k;
}

// GCC 12 reports the intrinsics' deliberately undefined merge operand
// (_mm512_undefined_epi32) as uninitialised where these are inlined: GCC bug
// 105593, fixed in GCC 13.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
// The high half of each 64-bit lane into its low half by a shuffle (port 5)
// rather than a shift, which would compete with the multiplies for port 0.
__attribute__((target("avx512f"), always_inline)) inline __m512i high_half(__m512i x) {
  return _mm512_shuffle_epi32(x, static_cast<_MM_PERM_ENUM>(0xF5));
}

// The ten rounds on `Chains` groups of eight counters side by side: one
// group's rounds are a chain of dependent multiplies, and several chains
// keep the multiplier busy.
template <std::size_t Chains>
__attribute__((target("avx512f"), always_inline)) inline void rounds(Lanes (&x)[Chains], const Keys& k) {
  const __m512i m0 = _mm512_set1_epi64(PHILOX_M4x32_0), m1 = _mm512_set1_epi64(PHILOX_M4x32_1);
  for (int r = 0; r < 10; ++r)
    for (std::size_t g = 0; g < Chains; ++g) {
      const __m512i p0 = _mm512_mul_epu32(x[g].c0, m0), p1 = _mm512_mul_epu32(x[g].c2, m1);
      x[g].c0 = _mm512_ternarylogic_epi64(high_half(p1), x[g].c1, k.a[r], 0x96);  // three-way xor
      x[g].c2 = _mm512_ternarylogic_epi64(high_half(p0), x[g].c3, k.b[r], 0x96);
      x[g].c1 = p1;
      x[g].c3 = p0;
    }
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// Eight consecutive 32-bit values from `first`, one per lane (a carry into
// the high half, where the low half wraps, is never read).
__attribute__((target("avx512f"), always_inline)) inline __m512i consecutive(std::uint32_t first) {
  return _mm512_add_epi64(_mm512_set1_epi64(first), _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0));
}

// The words (low halves) of a vector, stored as eight 32-bit values; only
// lanes in `mask`.
__attribute__((target("avx512f"), always_inline)) inline void store_words(std::uint32_t* out, __mmask8 mask,
                                                                          __m512i x) {
  _mm512_mask_cvtepi64_storeu_epi32(out, mask, x);
}

}  // namespace gs::philox8

// The same with AVX2 for four counters at once (CPUs without AVX-512): each
// 32-bit word in the low half of a 64-bit lane of a 256-bit vector, one
// vpmuludq per product on four streams; the three-way xor is two xors.
namespace gs::philox4 {

struct Lanes {
  __m256i c0, c1, c2, c3;
};

struct Keys {
  __m256i a[10], b[10];
};

__attribute__((target("avx2"), always_inline)) inline Keys keys(std::uint64_t seed) {
  Keys k;
  auto a = static_cast<std::uint32_t>(seed), b = static_cast<std::uint32_t>(seed >> 32);
  for (int r = 0; r < 10; ++r) {
    k.a[r] = _mm256_set1_epi64x(a);
    k.b[r] = _mm256_set1_epi64x(b);
    a += PHILOX_W32_0;
    b += PHILOX_W32_1;
  }
  return k;
}

__attribute__((target("avx2"), always_inline)) inline __m256i high_half(__m256i x) {
  return _mm256_shuffle_epi32(x, 0xF5);
}

template <std::size_t Chains>
__attribute__((target("avx2"), always_inline)) inline void rounds(Lanes (&x)[Chains], const Keys& k) {
  const __m256i m0 = _mm256_set1_epi64x(PHILOX_M4x32_0), m1 = _mm256_set1_epi64x(PHILOX_M4x32_1);
  for (int r = 0; r < 10; ++r)
    for (std::size_t g = 0; g < Chains; ++g) {
      const __m256i p0 = _mm256_mul_epu32(x[g].c0, m0), p1 = _mm256_mul_epu32(x[g].c2, m1);
      x[g].c0 = _mm256_xor_si256(_mm256_xor_si256(high_half(p1), x[g].c1), k.a[r]);
      x[g].c2 = _mm256_xor_si256(_mm256_xor_si256(high_half(p0), x[g].c3), k.b[r]);
      x[g].c1 = p1;
      x[g].c3 = p0;
    }
}

// Four consecutive 32-bit values from `first`, one per lane.
__attribute__((target("avx2"), always_inline)) inline __m256i consecutive(std::uint32_t first) {
  return _mm256_add_epi64(_mm256_set1_epi64x(first), _mm256_set_epi64x(3, 2, 1, 0));
}

// The words (low halves) of two vectors, as eight 32-bit values in lane order.
__attribute__((target("avx2"), always_inline)) inline __m256i low_words(__m256i lo, __m256i hi) {
  const __m256i pick = _mm256_set_epi32(7, 5, 3, 1, 6, 4, 2, 0);
  const __m256i a = _mm256_permutevar8x32_epi32(lo, pick), b = _mm256_permutevar8x32_epi32(hi, pick);
  return _mm256_permute2x128_si256(a, b, 0x20);
}

}  // namespace gs::philox4

#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif
