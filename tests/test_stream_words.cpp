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
void expect_streams_match(void (*make)(std::uint64_t, std::uint32_t, Purpose, std::size_t, unsigned, std::size_t,
                                       std::uint32_t*)) {
  constexpr std::size_t stride = 40, n = 37;  // n not a multiple of the vector width
  constexpr unsigned blocks = 2;
  const std::uint64_t seed = 0x0123456789ABCDEFull;
  const std::uint32_t agent0 = 0xFFFFFFF0u;  // agent ids wrap around 2^32
  std::vector<std::uint32_t> words(4 * blocks * stride, 0);
  make(seed, agent0, 9, n, blocks, stride, words.data());
  for (std::size_t i = 0; i < n; ++i) {
    const auto agent = static_cast<std::uint32_t>(agent0 + i);
    Stream expected(seed, 0, 0, agent, 9);
    BatchedStream actual(words.data() + i, stride, 4 * blocks, seed, agent, 9);
    for (int draw = 0; draw < 6; ++draw) {  // 12 words: 8 batched, 4 made by the reader
      ASSERT_EQ(actual.uniform(), expected.uniform()) << "stream " << i << " draw " << draw;
    }
    for (std::uint32_t range : {7u, 1670u, 68265209u, 0xFFFFFFFFu})
      ASSERT_EQ(actual.below32(range), expected.below32(range)) << "stream " << i;
    ASSERT_EQ(actual.poisson(3.5), expected.poisson(3.5)) << "stream " << i;
  }
}
}  // namespace

TEST(StreamWords, DispatchedBatchMatchesStream) { expect_streams_match(stream_words); }

TEST(StreamWords, PortableBatchMatchesStream) { expect_streams_match(detail::stream_words_generic); }

#if defined(__x86_64__)
TEST(StreamWords, Avx2BatchMatchesStream) {
  if (!host_supports(VectorLevel::avx2)) GTEST_SKIP() << "this CPU lacks avx2";
  expect_streams_match(detail::stream_words_avx2);
}

TEST(StreamWords, Avx512BatchMatchesStream) {
  if (!host_supports(VectorLevel::avx512)) GTEST_SKIP() << "this CPU lacks avx512";
  expect_streams_match(detail::stream_words_avx512);
}
#endif
