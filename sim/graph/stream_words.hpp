#pragma once
// The first words of many citizens' gs::Streams at once, and a reader that
// draws from them exactly as gs::Stream would. A Philox4x32-10 block is a
// chain of ten dependent multiply rounds; made one stream at a time (as
// gs::Stream does, lazily) it stalls on that chain. Here the rounds run
// lane-wise over a batch of streams, which the compiler turns into vector
// multiplies (AVX-512 clone picked at load time where the CPU has it). The
// words are bit for bit those of gs::Stream (test StreamWords.*), so what is
// generated from them does not change.
#include <Random123/philox.h>

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "sim/engine/random.hpp"

namespace gs {

// clang emits one ifunc resolver per translation unit for a header function,
// which collides at link time, so clang builds (TSan, fuzzing) use the
// default code path.
#if defined(__clang__)
#define GROUNDSWELL_STREAM_WORDS_CLONES
#else
#define GROUNDSWELL_STREAM_WORDS_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif

// words[k * stride + i] = word k (k < 4 * blocks) of
// Stream(seed, 0, 0, agent0 + i, purpose), for i < n <= stride.
GROUNDSWELL_STREAM_WORDS_CLONES static void stream_words(std::uint64_t seed, std::uint32_t agent0, Purpose purpose,
                                                         std::size_t n, unsigned blocks, std::size_t stride,
                                                         std::uint32_t* words) {
  const auto k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  for (unsigned block = 0; block < blocks; ++block) {
    std::uint32_t* const out = words + 4 * block * stride;
#pragma omp simd
    for (std::size_t i = 0; i < n; ++i) {
      std::uint32_t c0 = 0, c1 = 0, c2 = agent0 + static_cast<std::uint32_t>(i), c3 = (purpose << 16) + block;
      std::uint32_t a = k0, b = k1;
      for (int r = 0; r < 10; ++r) {
        const std::uint64_t p0 = static_cast<std::uint64_t>(PHILOX_M4x32_0) * c0;
        const std::uint64_t p1 = static_cast<std::uint64_t>(PHILOX_M4x32_1) * c2;
        const std::uint32_t n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1 ^ a;
        const std::uint32_t n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3 ^ b;
        c1 = static_cast<std::uint32_t>(p1);
        c3 = static_cast<std::uint32_t>(p0);
        c0 = n0;
        c2 = n2;
        a += PHILOX_W32_0;
        b += PHILOX_W32_1;
      }
      out[i] = c0;
      out[stride + i] = c1;
      out[2 * stride + i] = c2;
      out[3 * stride + i] = c3;
    }
  }
}

// Draws like Stream(seed, 0, 0, agent, purpose), reading the first `count`
// words from a stream_words column (words[k * stride]) and making later
// blocks itself (rare when count covers the usual need).
class BatchedStream {
 public:
  BatchedStream(const std::uint32_t* words, std::size_t stride, unsigned count, std::uint64_t seed,
                std::uint32_t agent, Purpose purpose)
      : words_(words), stride_(stride), count_(count), seed_(seed), agent_(agent), purpose_(purpose) {}

  std::uint32_t next_word() { return k_ < count_ ? words_[stride_ * k_++] : overflow(); }

  // Same formulas as Stream::uniform and Stream::below32.
  double uniform() {
    const std::uint32_t a = next_word(), b = next_word();
    return (static_cast<double>(a >> 5) * 67108864.0 + static_cast<double>(b >> 6)) * (1.0 / 9007199254740992.0);
  }
  std::uint32_t below32(std::uint32_t n) {
    std::uint64_t m = static_cast<std::uint64_t>(next_word()) * n;
    if (static_cast<std::uint32_t>(m) < n) {
      const std::uint32_t threshold = static_cast<std::uint32_t>(-n) % n;
      while (static_cast<std::uint32_t>(m) < threshold) m = static_cast<std::uint64_t>(next_word()) * n;
    }
    return static_cast<std::uint32_t>(m >> 32);
  }
  std::uint32_t poisson(double mean) {
    const double limit = std::exp(-mean);
    double product = uniform();
    std::uint32_t k = 0;
    while (product > limit && k < 10000) {
      product *= uniform();
      ++k;
    }
    return k;
  }

 private:
  std::uint32_t overflow() {
    if (k_ % 4 == 0 || k_ == count_) {
      const r123::Philox4x32::key_type key{{static_cast<std::uint32_t>(seed_), static_cast<std::uint32_t>(seed_ >> 32)}};
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
