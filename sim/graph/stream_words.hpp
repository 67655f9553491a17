#pragma once
// The first words of many citizens' gs::Streams at once, and a reader that
// draws from them exactly as gs::Stream would. A Philox4x32-10 block is a
// chain of ten dependent multiply rounds; made one stream at a time (as
// gs::Stream does, lazily) it stalls on that chain. Here the rounds run
// lane-wise over a batch of streams, which the compiler turns into vector
// multiplies (AVX-512 code chosen at run time where the CPU has it). The
// words are bit for bit those of gs::Stream (test StreamWords.*), so what is
// generated from them does not change.
#include <Random123/philox.h>

#include <cstddef>
#include <cstdint>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "sim/engine/philox_lanes.hpp"
#include "sim/engine/random.hpp"

namespace gs {

namespace detail {
// Portable version: the compiler vectorises the lanes as far as the baseline
// instruction set allows.
inline void stream_words_generic(std::uint64_t seed, std::uint32_t agent0, Purpose purpose, std::size_t n,
                                 unsigned blocks, std::size_t stride, std::uint32_t* words) {
  const auto k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  for (unsigned block = 0; block < blocks; ++block) {
    std::uint32_t* const out = words + 4 * block * stride;
#pragma omp simd
    for (std::size_t i = 0; i < n; ++i) {
      std::uint32_t c0 = 0, c1 = 0, c2 = agent0 + static_cast<std::uint32_t>(i), c3 = (purpose << 16) + block;
      philox4x32_rounds(c0, c1, c2, c3, k0, k1);
      out[i] = c0;
      out[stride + i] = c1;
      out[2 * stride + i] = c2;
      out[3 * stride + i] = c3;
    }
  }
}

#if defined(__x86_64__)
// AVX-512, 16 streams per register. vpmuludq multiplies the even 32-bit
// lanes into 64-bit products; the odd lanes are shifted down and multiplied
// separately, and blends put high and low halves back into 32-bit lanes.
__attribute__((target("avx512f"))) inline void mulhilo16(__m512i a, __m512i m, __m512i& hi, __m512i& lo) {
  // (maskz forms with all lanes set: GCC 12 warns about the unmasked ones'
  // undefined pass-through operand.)
  constexpr __mmask8 all = 0xFF;
  const __m512i even = _mm512_maskz_mul_epu32(all, a, m);
  const __m512i odd = _mm512_maskz_mul_epu32(all, _mm512_maskz_srli_epi64(all, a, 32), m);
  lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_maskz_slli_epi64(all, odd, 32));
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_maskz_srli_epi64(all, even, 32), odd);
}

__attribute__((target("avx512f"))) inline void stream_words_avx512(std::uint64_t seed, std::uint32_t agent0,
                                                                   Purpose purpose, std::size_t n, unsigned blocks,
                                                                   std::size_t stride, std::uint32_t* words) {
  const __m512i m0 = _mm512_set1_epi32(static_cast<int>(PHILOX_M4x32_0));
  const __m512i m1 = _mm512_set1_epi32(static_cast<int>(PHILOX_M4x32_1));
  const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  for (std::size_t i = 0; i < n; i += 16) {
    const auto mask = static_cast<__mmask16>(n - i >= 16 ? 0xFFFFu : (1u << (n - i)) - 1u);
    const __m512i agent = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(agent0 + i)), lane);
    for (unsigned block = 0; block < blocks; ++block) {
      __m512i c0 = _mm512_setzero_si512(), c1 = _mm512_setzero_si512(), c2 = agent;
      __m512i c3 = _mm512_set1_epi32(static_cast<int>((purpose << 16) + block));
      std::uint32_t a = static_cast<std::uint32_t>(seed), b = static_cast<std::uint32_t>(seed >> 32);
      for (int r = 0; r < 10; ++r) {
        __m512i hi0, lo0, hi1, lo1;
        mulhilo16(c0, m0, hi0, lo0);
        mulhilo16(c2, m1, hi1, lo1);
        c0 = _mm512_ternarylogic_epi32(hi1, c1, _mm512_set1_epi32(static_cast<int>(a)), 0x96);
        c2 = _mm512_ternarylogic_epi32(hi0, c3, _mm512_set1_epi32(static_cast<int>(b)), 0x96);
        c1 = lo1;
        c3 = lo0;
        a += PHILOX_W32_0;
        b += PHILOX_W32_1;
      }
      std::uint32_t* const out = words + 4 * block * stride + i;
      _mm512_mask_storeu_epi32(out, mask, c0);
      _mm512_mask_storeu_epi32(out + stride, mask, c1);
      _mm512_mask_storeu_epi32(out + 2 * stride, mask, c2);
      _mm512_mask_storeu_epi32(out + 3 * stride, mask, c3);
    }
  }
}
#endif
}  // namespace detail

// words[k * stride + i] = word k (k < 4 * blocks) of
// Stream(seed, 0, 0, agent0 + i, purpose), for i < n <= stride.
inline void stream_words(std::uint64_t seed, std::uint32_t agent0, Purpose purpose, std::size_t n, unsigned blocks,
                         std::size_t stride, std::uint32_t* words) {
#if defined(__x86_64__)
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  if (avx512) return detail::stream_words_avx512(seed, agent0, purpose, n, blocks, stride, words);
#endif
  detail::stream_words_generic(seed, agent0, purpose, n, blocks, stride, words);
}

// Draws like Stream(seed, 0, 0, agent, purpose), reading the first `count`
// words from a stream_words column (words[k * stride]) and making later
// blocks itself (rare when count covers the usual need).
class BatchedStream {
 public:
  BatchedStream(const std::uint32_t* words, std::size_t stride, unsigned count, std::uint64_t seed, std::uint32_t agent,
                Purpose purpose)
      : words_(words), stride_(stride), count_(count), seed_(seed), agent_(agent), purpose_(purpose) {}

  [[gnu::always_inline]] std::uint32_t next_word() { return k_ < count_ ? words_[stride_ * k_++] : overflow(); }

  // The formulas of Stream::uniform, Stream::below32 and Stream::poisson.
  [[gnu::always_inline]] double uniform() {
    const std::uint32_t a = next_word(), b = next_word();
    return uniform_from_words(a, b);
  }
  [[gnu::always_inline]] std::uint32_t below32(std::uint32_t n) {
    return below32_from(
        [this]() __attribute__((always_inline)) { return next_word(); }, n);
  }
  // Moves on as `draws` calls of below32(n) would, without making them: a
  // check of a fixed window of words for the rare rejection replaces a loop
  // whose random trip count mispredicts its exit.
  [[gnu::always_inline]] void skip_below32(std::uint32_t draws, std::uint32_t n) {
    constexpr unsigned window = 8;
    if (draws <= window && k_ + window <= count_) {
      bool may_reject = false;
      for (unsigned j = 0; j < window; ++j) may_reject |= (j < draws) & below32_may_reject(word_ahead(j), n);
      if (!may_reject) {
        k_ += draws;
        return;
      }
    }
    for (; draws > 0; --draws) below32(n);
  }
  // For callers that skip draws of their own kind: how many of the stream's
  // next words are made already, the j-th of them, and moving past m words.
  [[gnu::always_inline]] unsigned words_ready() const { return k_ < count_ ? count_ - k_ : 0; }
  [[gnu::always_inline]] std::uint32_t word_ahead(unsigned j) const { return words_[stride_ * (k_ + j)]; }
  [[gnu::always_inline]] void advance(unsigned m) { k_ += m; }
  std::uint32_t poisson(double mean) {
    return poisson_from(
        [this]() __attribute__((always_inline)) { return uniform(); }, mean);
  }

 private:
  [[gnu::noinline]] std::uint32_t overflow() {
    if (k_ % 4 == 0 || k_ == count_) {
      const r123::Philox4x32::key_type key{
          {static_cast<std::uint32_t>(seed_), static_cast<std::uint32_t>(seed_ >> 32)}};
      const r123::Philox4x32::ctr_type ctr{{0, 0, agent_, (purpose_ << 16) + k_ / 4}};
      block_ = r123::Philox4x32{}(ctr, key);
    }
    return block_.v[k_++ % 4];
  }

  const std::uint32_t* words_;
  std::size_t stride_;
  unsigned count_, k_ = 0;
  std::uint64_t seed_;
  std::uint32_t agent_;
  Purpose purpose_;
  r123::Philox4x32::ctr_type block_{};
};

}  // namespace gs
