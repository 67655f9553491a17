#pragma once
// The first words of many citizens' gs::Streams at once, and a reader that
// draws from them exactly as gs::Stream would. A Philox4x32-10 block is a
// chain of ten dependent multiply rounds; made one stream at a time (as
// gs::Stream does, lazily) it stalls on that chain. Here the rounds run
// lane-wise over a batch of streams, which the compiler turns into vector
// multiplies (sim/core/philox_batch.hpp where vector_level() is avx512 or
// avx2). The
// words are bit for bit those of gs::Stream (test StreamWords.*), so what is
// generated from them does not change.
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

namespace gs {

namespace detail {
// Portable version: the compiler vectorises the lanes as far as the baseline
// instruction set allows.
inline void stream_words_generic(std::uint64_t seed, std::uint32_t replicate, std::uint32_t step, std::uint32_t agent0,
                                 Purpose purpose, std::size_t n, unsigned blocks, std::size_t stride,
                                 std::uint32_t* words) {
  const auto k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  for (unsigned block = 0; block < blocks; ++block) {
    std::uint32_t* const out = words + 4 * block * stride;
#pragma omp simd
    for (std::size_t i = 0; i < n; ++i) {
      std::uint32_t c0 = replicate, c1 = step, c2 = agent0 + static_cast<std::uint32_t>(i),
                    c3 = (purpose << 16) + block;
      philox4x32_rounds(c0, c1, c2, c3, k0, k1);
      out[i] = c0;
      out[stride + i] = c1;
      out[2 * stride + i] = c2;
      out[3 * stride + i] = c3;
    }
  }
}

#if defined(__x86_64__)
// AVX-512, eight streams per vector (sim/core/philox_batch.hpp), two
// vectors side by side.
__attribute__((target("avx512f"))) inline void stream_words_avx512(std::uint64_t seed, std::uint32_t replicate,
                                                                   std::uint32_t step, std::uint32_t agent0,
                                                                   Purpose purpose, std::size_t n, unsigned blocks,
                                                                   std::size_t stride, std::uint32_t* words) {
  const philox8::Keys keys = philox8::keys(seed);
  constexpr std::size_t chains = 2;
  for (std::size_t i = 0; i < n; i += 8 * chains) {
    for (unsigned block = 0; block < blocks; ++block) {
      philox8::Lanes x[chains];
      for (std::size_t g = 0; g < chains; ++g) {
        x[g].c0 = _mm512_set1_epi64(replicate);
        x[g].c1 = _mm512_set1_epi64(step);
        x[g].c2 = philox8::consecutive(static_cast<std::uint32_t>(agent0 + i + 8 * g));
        x[g].c3 = _mm512_set1_epi64(static_cast<std::uint32_t>((purpose << 16) + block));
      }
      philox8::rounds(x, keys);
      for (std::size_t g = 0; g < chains; ++g) {
        const std::size_t at = i + 8 * g;
        if (at >= n) break;
        const auto mask = static_cast<__mmask8>(n - at >= 8 ? 0xFFu : (1u << (n - at)) - 1u);
        std::uint32_t* const out = words + 4 * block * stride + at;
        philox8::store_words(out, mask, x[g].c0);
        philox8::store_words(out + stride, mask, x[g].c1);
        philox8::store_words(out + 2 * stride, mask, x[g].c2);
        philox8::store_words(out + 3 * stride, mask, x[g].c3);
      }
    }
  }
}

// AVX2, four streams per vector, two vectors side by side (their words
// packed into eight 32-bit values to store).
__attribute__((target("avx2"))) inline void stream_words_avx2(std::uint64_t seed, std::uint32_t replicate,
                                                              std::uint32_t step, std::uint32_t agent0, Purpose purpose,
                                                              std::size_t n, unsigned blocks, std::size_t stride,
                                                              std::uint32_t* words) {
  const philox4::Keys keys = philox4::keys(seed);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (unsigned block = 0; block < blocks; ++block) {
      philox4::Lanes x[2];
      for (std::size_t g = 0; g < 2; ++g) {
        x[g].c0 = _mm256_set1_epi64x(replicate);
        x[g].c1 = _mm256_set1_epi64x(step);
        x[g].c2 = philox4::consecutive(static_cast<std::uint32_t>(agent0 + i + 4 * g));
        x[g].c3 = _mm256_set1_epi64x(static_cast<std::uint32_t>((purpose << 16) + block));
      }
      philox4::rounds(x, keys);
      auto* const out = reinterpret_cast<__m256i*>(words + 4 * block * stride + i);
      const auto at = [&](std::size_t word) {
        return reinterpret_cast<__m256i*>(words + (4 * block + word) * stride + i);
      };
      _mm256_storeu_si256(out, philox4::low_words(x[0].c0, x[1].c0));
      _mm256_storeu_si256(at(1), philox4::low_words(x[0].c1, x[1].c1));
      _mm256_storeu_si256(at(2), philox4::low_words(x[0].c2, x[1].c2));
      _mm256_storeu_si256(at(3), philox4::low_words(x[0].c3, x[1].c3));
    }
  }
  if (i < n)
    stream_words_generic(seed, replicate, step, agent0 + static_cast<std::uint32_t>(i), purpose, n - i, blocks, stride,
                         words + i);
}
#endif
}  // namespace detail

// words[k * stride + i] = word k (k < 4 * blocks) of
// Stream(seed, replicate, step, agent0 + i, purpose), for i < n <= stride.
inline void stream_words(std::uint64_t seed, std::uint32_t replicate, std::uint32_t step, std::uint32_t agent0,
                         Purpose purpose, std::size_t n, unsigned blocks, std::size_t stride, std::uint32_t* words) {
#if defined(__x86_64__)
  if (vector_level() == VectorLevel::avx512)
    return detail::stream_words_avx512(seed, replicate, step, agent0, purpose, n, blocks, stride, words);
  if (vector_level() == VectorLevel::avx2)
    return detail::stream_words_avx2(seed, replicate, step, agent0, purpose, n, blocks, stride, words);
#endif
  detail::stream_words_generic(seed, replicate, step, agent0, purpose, n, blocks, stride, words);
}

// The same for Stream(seed, 0, 0, agent0 + i, purpose), the generators' streams.
inline void stream_words(std::uint64_t seed, std::uint32_t agent0, Purpose purpose, std::size_t n, unsigned blocks,
                         std::size_t stride, std::uint32_t* words) {
  stream_words(seed, 0, 0, agent0, purpose, n, blocks, stride, words);
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
