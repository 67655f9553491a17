#pragma once
// The first words of many citizens' gs::Streams at once (consecutive
// citizens, as the generators take them), and a reader that draws from them
// exactly as gs::Stream would. A Philox4x32-10 block is a chain of ten
// dependent multiply rounds; made one stream at a time (as gs::Stream does,
// lazily) it stalls on that chain. Here the rounds run lane-wise over a batch
// of streams (sim/core/stream_blocks.hpp). The words are bit for bit those of
// gs::Stream (tests StreamWords.*, StreamBlocks.*), so what is generated from
// them does not change.
#include <Random123/philox.h>

#include <cstddef>
#include <cstdint>

#include "sim/core/random.hpp"
#include "sim/core/stream_blocks.hpp"

namespace gs {

// words[k * stride + i] = word k (k < 4 * blocks) of
// Stream(seed, replicate, step, agent0 + i, purpose), for i < n <= stride
// (sim/core/stream_blocks.hpp makes them, on the CPU's vector path).
inline void stream_words(std::uint64_t seed, std::uint32_t replicate, std::uint32_t step, std::uint32_t agent0,
                         Purpose purpose, std::size_t n, unsigned blocks, std::size_t stride, std::uint32_t* words) {
  stream_blocks(StreamKey{seed, replicate, step, purpose}, ConsecutiveAgents{agent0}, n, blocks, stride, words);
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
