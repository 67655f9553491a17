#pragma once
// Counter-based random numbers: every draw is a pure function of
// (seed, replicate, step, agent, purpose, draw index), so results do not
// depend on thread count, schedule or MPI rank count. Philox4x32-10 from
// Random123 (Salmon et al. 2011). No std:: distributions: their output differs
// between standard libraries.
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>

namespace gs {

// Purposes keep independent decisions of one agent in one step apart. Each
// model or generator picks its own small constants; the engine never looks.
using Purpose = std::uint32_t;

__extension__ using uint128 = unsigned __int128;

// Stream's formulas, shared with the batch drawers that read precomputed
// words (BatchedStream in sim/graph/stream_words.hpp, and
// models/organising/batch_draws.hpp), so that they draw exactly as Stream.

// Uniform double in [0, 1) with 53 random bits: the top 27 of word a, drawn
// first, and the top 26 of word b.
[[gnu::always_inline]] inline double uniform_from_words(std::uint32_t a, std::uint32_t b) {
  return (static_cast<double>(a >> 5) * 67108864.0 + static_cast<double>(b >> 6)) * (1.0 / 9007199254740992.0);
}

// The same uniform as an integer, uniform_from_words(a, b) * 2^53 (exact).
[[gnu::always_inline]] inline std::uint64_t uniform_bits(std::uint32_t a, std::uint32_t b) {
  return std::uint64_t{a >> 5} << 26 | (b >> 6);
}
// bernoulli(p) in integers: uniform_from_words(a, b) < p exactly when
// uniform_bits(a, b) < bernoulli_threshold(p). (p * 2^53 is exact, and an
// integer is below a real t exactly when it is below ceil(t).) For loops that
// decide many draws at once, without converting each to a double.
inline std::uint64_t bernoulli_threshold(double p) {
  constexpr std::uint64_t always = std::uint64_t{1} << 53;  // above every uniform_bits
  if (!(p > 0)) return 0;
  if (p >= 1) return always;
  return static_cast<std::uint64_t>(std::ceil(std::ldexp(p, 53)));
}

// Uniform integer in [0, n), 0 < n < 2^32, exactly unbiased and usually one
// 32-bit word from next_word() (Lemire 2019, multiply and rare rejection).
template <class NextWord>
[[gnu::always_inline]] inline std::uint32_t below32_from(NextWord&& next_word, std::uint32_t n) {
  std::uint64_t m = static_cast<std::uint64_t>(next_word()) * n;
  if (static_cast<std::uint32_t>(m) < n) {
    const std::uint32_t threshold = static_cast<std::uint32_t>(-n) % n;
    while (static_cast<std::uint32_t>(m) < threshold) m = static_cast<std::uint64_t>(next_word()) * n;
  }
  return static_cast<std::uint32_t>(m >> 32);
}

// Whether below32_from(n) could take more than `word`: only when the low
// half of word * n is below n. Lets a caller skip draws it does not need.
[[gnu::always_inline]] inline bool below32_may_reject(std::uint32_t word, std::uint32_t n) {
  return static_cast<std::uint32_t>(static_cast<std::uint64_t>(word) * n) < n;
}

// Failures before the first success of independent trials with chance p,
// from one uniform u in [0, 1) by inversion (P(k or more) = (1 - p)^k);
// `cap` when that is cap or more, or when p is 0.
inline std::uint64_t geometric_failures(double u, double p, std::uint64_t cap) {
  if (p >= 1) return 0;
  if (!(p > 0)) return cap;
  const double k = std::floor(std::log1p(-u) / std::log1p(-p));
  return k < static_cast<double>(cap) ? static_cast<std::uint64_t>(k) : cap;
}

// Poisson by inversion from uniform() draws; fine for the small means used for tie counts.
template <class Uniform>
inline std::uint32_t poisson_from(Uniform&& uniform, double mean) {
  const double limit = std::exp(-mean);
  double product = uniform();
  std::uint32_t k = 0;
  while (product > limit && k < 10000) {
    product *= uniform();
    ++k;
  }
  return k;
}

class Stream {
 public:
  Stream(std::uint64_t seed, std::uint32_t replicate, std::uint32_t step, std::uint32_t agent, Purpose purpose)
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
        ctr_{{replicate, step, agent, purpose << 16}} {}

  // Uniform double in [0, 1) with 53 random bits.
  double uniform() {
    const std::uint32_t a = next_word(), b = next_word();
    return uniform_from_words(a, b);
  }

  bool bernoulli(double p) { return uniform() < p; }

  // Moves past the first `blocks` Philox blocks, before any draw: for a
  // reader that made those blocks itself (BlockStream in sim/core/stream_blocks.hpp).
  void skip_blocks(std::uint32_t blocks) { ctr_.v[3] += blocks; }

  // Uniform integer in [0, n), n > 0, via a 64x64 -> 128 bit multiply (Lemire):
  // the bias is at most n / 2^64.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t x = (static_cast<std::uint64_t>(next_word()) << 32) | next_word();
    return static_cast<std::uint64_t>((static_cast<uint128>(x) * n) >> 64);
  }

  // Uniform integer in [0, n), 0 < n < 2^32, exactly unbiased and usually one
  // 32-bit word (Lemire 2019, multiply and rare rejection): half the cost of below().
  std::uint32_t below32(std::uint32_t n) {
    return below32_from(
        [this]() __attribute__((always_inline)) { return next_word(); }, n);
  }

  // Standard normal by Box-Muller (one of the pair is discarded for simplicity).
  double normal() {
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

  // Poisson by inversion; fine for the small means used for tie counts.
  std::uint32_t poisson(double mean) {
    return poisson_from(
        [this]() __attribute__((always_inline)) { return uniform(); }, mean);
  }

 private:
  std::uint32_t next_word() {
    if (used_ == 4) {
      block_ = philox_(ctr_, key_);
      ctr_.v[3] += 1;  // low 16 bits of the purpose word count blocks
      used_ = 0;
    }
    return block_.v[used_++];
  }

  r123::Philox4x32 philox_;
  r123::Philox4x32::key_type key_;
  r123::Philox4x32::ctr_type ctr_;
  r123::Philox4x32::ctr_type block_{};
  int used_ = 4;
};

}  // namespace gs
