#pragma once
// The first Philox blocks of many agents' gs::Streams at once, for agents
// listed in any order (a step's frontier, say) or consecutive (a generator's
// rows, sim/graph/stream_words.hpp), and a reader that draws from such a
// block exactly as gs::Stream would. Made one stream at a time, as
// gs::Stream does, a block's ten dependent multiply rounds stall the core;
// here they run lane-wise over a batch of streams (sim/core/philox_batch.hpp
// where vector_level() is avx512 or avx2). The words are bit for bit gs::Stream's
// (tests StreamBlocks.*), so what a rule decides from them does not change.
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

// (GCC 12 warns about the intrinsics' own deliberately undefined registers.)
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace gs {

// What a Stream is keyed by, apart from the agent.
struct StreamKey {
  std::uint64_t seed;
  std::uint32_t replicate, step;
  Purpose purpose;
};

// Whose streams a batch makes: agents listed in any order (a step's
// frontier), or consecutive ids from a first one (a generator's rows). Each
// gives the kernels below an agent by index and, for the vector paths, the
// agents from an index on, widened to one 64-bit lane each.
struct ListedAgents {
  const std::uint32_t* ids;
  std::uint32_t operator[](std::size_t i) const { return ids[i]; }
  ListedAgents from(std::size_t i) const { return {ids + i}; }
#if defined(__x86_64__)
  // Agents i .. i + 7, those below n (the rest of the lanes 0).
  __attribute__((target("avx512f"), always_inline)) __m512i eight(std::size_t i, std::size_t n) const {
    const auto mask = static_cast<__mmask16>(i >= n ? 0u : n - i >= 8 ? 0xFFu : (1u << (n - i)) - 1u);
    return _mm512_cvtepu32_epi64(_mm512_castsi512_si256(_mm512_maskz_loadu_epi32(mask, ids + (i < n ? i : 0))));
  }
  // Agents i .. i + 7, all below n: four in each vector.
  __attribute__((target("avx2"), always_inline)) void eight(std::size_t i, __m256i (&lanes)[2]) const {
    const __m256i packed = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ids + i));
    lanes[0] = _mm256_cvtepu32_epi64(_mm256_castsi256_si128(packed));
    lanes[1] = _mm256_cvtepu32_epi64(_mm256_extracti128_si256(packed, 1));
  }
#endif
};

struct ConsecutiveAgents {
  std::uint32_t first;  // ids wrap around 2^32
  std::uint32_t operator[](std::size_t i) const { return first + static_cast<std::uint32_t>(i); }
  ConsecutiveAgents from(std::size_t i) const { return {first + static_cast<std::uint32_t>(i)}; }
#if defined(__x86_64__)
  // (Lanes past n are made and never stored.)
  __attribute__((target("avx512f"), always_inline)) __m512i eight(std::size_t i, std::size_t) const {
    return philox8::consecutive(first + static_cast<std::uint32_t>(i));
  }
  __attribute__((target("avx2"), always_inline)) void eight(std::size_t i, __m256i (&lanes)[2]) const {
    lanes[0] = philox4::consecutive(first + static_cast<std::uint32_t>(i));
    lanes[1] = philox4::consecutive(first + static_cast<std::uint32_t>(i + 4));
  }
#endif
};

namespace detail {
// Portable version: the compiler vectorises the lanes as far as the baseline
// instruction set allows.
template <class Agents>
inline void stream_blocks_generic(const StreamKey& key, Agents agents, std::size_t n, unsigned blocks,
                                  std::size_t stride, std::uint32_t* words, unsigned first_block) {
  const auto k0 = static_cast<std::uint32_t>(key.seed), k1 = static_cast<std::uint32_t>(key.seed >> 32);
  for (unsigned block = 0; block < blocks; ++block) {
    std::uint32_t* const out = words + 4 * block * stride;
#pragma omp simd
    for (std::size_t i = 0; i < n; ++i) {
      std::uint32_t c0 = key.replicate, c1 = key.step, c2 = agents[i], c3 = (key.purpose << 16) + first_block + block;
      philox4x32_rounds(c0, c1, c2, c3, k0, k1);
      out[i] = c0;
      out[stride + i] = c1;
      out[2 * stride + i] = c2;
      out[3 * stride + i] = c3;
    }
  }
}

#if defined(__x86_64__)
// AVX-512: eight streams per vector, two vectors side by side.
template <class Agents>
__attribute__((target("avx512f"))) inline void stream_blocks_avx512(const StreamKey& key, Agents agents, std::size_t n,
                                                                    unsigned blocks, std::size_t stride,
                                                                    std::uint32_t* words, unsigned first_block) {
  const philox8::Keys keys = philox8::keys(key.seed);
  constexpr std::size_t chains = 2;
  for (std::size_t i = 0; i < n; i += 8 * chains) {
    __m512i agent[chains];
    for (std::size_t g = 0; g < chains; ++g) agent[g] = agents.eight(i + 8 * g, n);
    for (unsigned block = 0; block < blocks; ++block) {
      philox8::Lanes x[chains];
      for (std::size_t g = 0; g < chains; ++g) {
        x[g].c0 = _mm512_set1_epi64(key.replicate);
        x[g].c1 = _mm512_set1_epi64(key.step);
        x[g].c2 = agent[g];
        x[g].c3 = _mm512_set1_epi64(static_cast<std::uint32_t>((key.purpose << 16) + first_block + block));
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

// AVX2 (CPUs without AVX-512, where the portable version gets two lanes of
// SSE2): four streams per vector, two vectors side by side, their words packed
// into eight 32-bit values to store; the last n % 8 streams the portable way.
template <class Agents>
__attribute__((target("avx2"))) inline void stream_blocks_avx2(const StreamKey& key, Agents agents, std::size_t n,
                                                               unsigned blocks, std::size_t stride,
                                                               std::uint32_t* words, unsigned first_block) {
  const philox4::Keys keys = philox4::keys(key.seed);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256i agent[2];
    agents.eight(i, agent);
    for (unsigned block = 0; block < blocks; ++block) {
      philox4::Lanes x[2];
      for (std::size_t g = 0; g < 2; ++g) {
        x[g].c0 = _mm256_set1_epi64x(key.replicate);
        x[g].c1 = _mm256_set1_epi64x(key.step);
        x[g].c2 = agent[g];
        x[g].c3 = _mm256_set1_epi64x(static_cast<std::uint32_t>((key.purpose << 16) + first_block + block));
      }
      philox4::rounds(x, keys);
      const auto at = [&](std::size_t word) {
        return reinterpret_cast<__m256i*>(words + (4 * block + word) * stride + i);
      };
      _mm256_storeu_si256(at(0), philox4::low_words(x[0].c0, x[1].c0));
      _mm256_storeu_si256(at(1), philox4::low_words(x[0].c1, x[1].c1));
      _mm256_storeu_si256(at(2), philox4::low_words(x[0].c2, x[1].c2));
      _mm256_storeu_si256(at(3), philox4::low_words(x[0].c3, x[1].c3));
    }
  }
  if (i < n) stream_blocks_generic(key, agents.from(i), n - i, blocks, stride, words + i, first_block);
}
#endif
}  // namespace detail

// words[k * stride + i] = word k (k < 4 * blocks) of
// Stream(key.seed, key.replicate, key.step, agents[i], key.purpose), for i < n <= stride;
// from its block first_block on (the words a Stream draws after skip_blocks(first_block)).
template <class Agents>
inline void stream_blocks(const StreamKey& key, Agents agents, std::size_t n, unsigned blocks, std::size_t stride,
                          std::uint32_t* words, unsigned first_block = 0) {
#if defined(__x86_64__)
  if (vector_level() == VectorLevel::avx512)
    return detail::stream_blocks_avx512(key, agents, n, blocks, stride, words, first_block);
  if (vector_level() == VectorLevel::avx2)
    return detail::stream_blocks_avx2(key, agents, n, blocks, stride, words, first_block);
#endif
  detail::stream_blocks_generic(key, agents, n, blocks, stride, words, first_block);
}

// The same for agents listed in any order: agents[i] for i < n.
inline void first_blocks(const StreamKey& key, const std::uint32_t* agents, std::size_t n, unsigned blocks,
                         std::size_t stride, std::uint32_t* words, unsigned first_block = 0) {
  stream_blocks(key, ListedAgents{agents}, n, blocks, stride, words, first_block);
}

// Draws like Stream(key.seed, key.replicate, key.step, agent, key.purpose):
// the words of its first `blocks` blocks from a first_blocks column
// (words[k * stride]), later ones from a Stream of its own, made only if
// they are needed.
class BlockStream {
 public:
  BlockStream(const std::uint32_t* words, std::size_t stride, unsigned blocks, const StreamKey& key,
              std::uint32_t agent)
      : words_(words), stride_(stride), count_(4 * blocks), key_(key), agent_(agent) {}

  // The formulas of Stream::uniform and Stream::bernoulli. Words go two to a
  // uniform, so a block's four words are two uniforms.
  [[gnu::always_inline]] double uniform() {
    if (k_ == count_) return later_uniform();
    const std::uint32_t a = words_[stride_ * k_], b = words_[stride_ * (k_ + 1)];
    k_ += 2;
    return uniform_from_words(a, b);
  }
  [[gnu::always_inline]] bool bernoulli(double p) { return uniform() < p; }

 private:
  [[gnu::noinline]] double later_uniform() {
    if (!rest_made_) {
      rest_ = Stream(key_.seed, key_.replicate, key_.step, agent_, key_.purpose);
      rest_.skip_blocks(count_ / 4);
      rest_made_ = true;
    }
    return rest_.uniform();
  }

  const std::uint32_t* words_;
  std::size_t stride_;
  unsigned count_;  // words made in the batch
  StreamKey key_;
  std::uint32_t agent_;
  unsigned k_ = 0;  // words read from the batch
  bool rest_made_ = false;
  Stream rest_{0, 0, 0, 0, 0};
};

}  // namespace gs

#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif
