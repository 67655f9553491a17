// Batched Philox words (sim/graph/stream_words.hpp) must be exactly the words
// of gs::Stream, so that generators using them draw the same graph: compared
// draw by draw with Stream itself, past the batched words into the blocks the
// reader makes on its own, on every vector path this CPU runs and the portable one.
#include <gtest/gtest.h>

#include <vector>

#include "sim/core/cpu_features.hpp"
#include "sim/core/random.hpp"
#include "sim/graph/stream_words.hpp"

using namespace gs;

namespace {
using MakeWords = void (*)(std::uint64_t, std::uint32_t, std::uint32_t, std::uint32_t, Purpose, std::size_t, unsigned,
                           std::size_t, std::uint32_t*);

// replicate and step as Stream's first two counter words (0 for the generators' streams).
void expect_streams_match(MakeWords make, std::uint32_t replicate = 0, std::uint32_t step = 0) {
  constexpr std::size_t stride = 40, n = 37;  // n not a multiple of the vector width
  constexpr unsigned blocks = 2;
  const std::uint64_t seed = 0x0123456789ABCDEFull;
  const std::uint32_t agent0 = 0xFFFFFFF0u;  // agent ids wrap around 2^32
  std::vector<std::uint32_t> words(4 * blocks * stride, 0);
  make(seed, replicate, step, agent0, 9, n, blocks, stride, words.data());
  for (std::size_t i = 0; i < n; ++i) {
    const auto agent = static_cast<std::uint32_t>(agent0 + i);
    Stream expected(seed, replicate, step, agent, 9);
    if (replicate != 0 || step != 0) {  // BatchedStream's own blocks are Stream(seed, 0, 0, ...)'s
      for (unsigned k = 0; k < 2 * blocks; ++k) {
        const double u = uniform_from_words(words[2 * k * stride + i], words[(2 * k + 1) * stride + i]);
        ASSERT_EQ(u, expected.uniform()) << "stream " << i << " draw " << k;
      }
      continue;
    }
    BatchedStream actual(words.data() + i, stride, 4 * blocks, seed, agent, 9);
    for (int draw = 0; draw < 6; ++draw) {  // 12 words: 8 batched, 4 made by the reader
      ASSERT_EQ(actual.uniform(), expected.uniform()) << "stream " << i << " draw " << draw;
    }
    for (std::uint32_t range : {7u, 1670u, 68265209u, 0xFFFFFFFFu})
      ASSERT_EQ(actual.below32(range), expected.below32(range)) << "stream " << i;
    ASSERT_EQ(actual.poisson(3.5), expected.poisson(3.5)) << "stream " << i;
  }
}
// A kernel of sim/core/stream_blocks.hpp for consecutive agents, as stream_words' MakeWords.
template <void (*Make)(const StreamKey&, ConsecutiveAgents, std::size_t, unsigned, std::size_t, std::uint32_t*,
                       unsigned)>
void consecutive(std::uint64_t seed, std::uint32_t replicate, std::uint32_t step, std::uint32_t agent0, Purpose purpose,
                 std::size_t n, unsigned blocks, std::size_t stride, std::uint32_t* words) {
  Make(StreamKey{seed, replicate, step, purpose}, ConsecutiveAgents{agent0}, n, blocks, stride, words, 0);
}
}  // namespace

TEST(StreamWords, DispatchedBatchMatchesStream) {
  const MakeWords dispatched = [](std::uint64_t seed, std::uint32_t replicate, std::uint32_t step, std::uint32_t agent0,
                                  Purpose purpose, std::size_t n, unsigned blocks, std::size_t stride,
                                  std::uint32_t* words) {
    stream_words(seed, replicate, step, agent0, purpose, n, blocks, stride, words);
  };
  expect_streams_match(dispatched);
  expect_streams_match(dispatched, 41, 0x74696573u);
}

TEST(StreamWords, PortableBatchMatchesStream) {
  expect_streams_match(consecutive<detail::stream_blocks_generic<ConsecutiveAgents>>);
  expect_streams_match(consecutive<detail::stream_blocks_generic<ConsecutiveAgents>>, 41, 0x74696573u);
}

#if defined(__x86_64__)
TEST(StreamWords, Avx2BatchMatchesStream) {
  if (!host_supports(VectorLevel::avx2)) GTEST_SKIP() << "this CPU lacks avx2";
  expect_streams_match(consecutive<detail::stream_blocks_avx2<ConsecutiveAgents>>);
  expect_streams_match(consecutive<detail::stream_blocks_avx2<ConsecutiveAgents>>, 41, 0x74696573u);
}

TEST(StreamWords, Avx512BatchMatchesStream) {
  if (!host_supports(VectorLevel::avx512)) GTEST_SKIP() << "this CPU lacks avx512";
  expect_streams_match(consecutive<detail::stream_blocks_avx512<ConsecutiveAgents>>);
  expect_streams_match(consecutive<detail::stream_blocks_avx512<ConsecutiveAgents>>, 41, 0x74696573u);
}
#endif
