// First Philox blocks made in batches (sim/core/stream_blocks.hpp) must be
// exactly gs::Stream's, so that a rule drawing from them decides as before:
// compared draw by draw with Stream itself, past the batched block into the
// blocks the reader makes on its own, on every vector path the CPU runs.
#include <gtest/gtest.h>

#include <vector>

#include "sim/core/random.hpp"
#include "sim/core/stream_blocks.hpp"

using namespace gs;

namespace {
using MakeBlocks = void (*)(const StreamKey&, const std::uint32_t*, std::size_t, unsigned, std::size_t, std::uint32_t*,
                            unsigned);

void expect_streams_match(MakeBlocks make, unsigned blocks, unsigned first_block = 0) {
  constexpr std::size_t stride = 40, n = 37;  // n not a multiple of the vector width
  const StreamKey key{0x0123456789ABCDEFull, 3, 41, 7};
  std::vector<std::uint32_t> agents(n);
  for (std::size_t i = 0; i < n; ++i)  // in no order, some past 2^31
    agents[i] = static_cast<std::uint32_t>((i * 2654435761u) ^ (i % 3 == 0 ? 0x80000000u : 0u));
  std::vector<std::uint32_t> words(4 * blocks * stride, 0);
  make(key, agents.data(), n, blocks, stride, words.data(), first_block);
  for (std::size_t i = 0; i < n; ++i) {
    Stream expected(key.seed, key.replicate, key.step, agents[i], key.purpose);
    expected.skip_blocks(first_block);
    if (first_block == 0) {
      BlockStream actual(words.data() + i, stride, blocks, key, agents[i]);
      for (int draw = 0; draw < 6; ++draw)  // 12 words: 4 or 8 batched, the rest made by the reader
        ASSERT_EQ(actual.uniform(), expected.uniform()) << "stream " << i << " draw " << draw;
    } else {  // the batched words alone (a BlockStream reads from the stream's first block)
      for (std::size_t k = 0; k < 4 * blocks; k += 2)
        ASSERT_EQ(uniform_from_words(words[k * stride + i], words[(k + 1) * stride + i]), expected.uniform())
            << "stream " << i << " words " << k << " and " << k + 1 << " from block " << first_block;
    }
  }
  for (std::size_t i = n; i < stride; ++i)
    for (std::size_t k = 0; k < 4 * blocks; ++k) ASSERT_EQ(words[k * stride + i], 0u) << "wrote past n at " << i;
}

// A kernel of sim/core/stream_blocks.hpp for listed agents, as a MakeBlocks.
template <void (*Make)(const StreamKey&, ListedAgents, std::size_t, unsigned, std::size_t, std::uint32_t*, unsigned)>
void listed(const StreamKey& key, const std::uint32_t* agents, std::size_t n, unsigned blocks, std::size_t stride,
            std::uint32_t* words, unsigned first_block) {
  Make(key, ListedAgents{agents}, n, blocks, stride, words, first_block);
}

// first_blocks itself, whose last parameter has a default.
void dispatched(const StreamKey& key, const std::uint32_t* agents, std::size_t n, unsigned blocks, std::size_t stride,
                std::uint32_t* words, unsigned first_block) {
  first_blocks(key, agents, n, blocks, stride, words, first_block);
}
}  // namespace

TEST(StreamBlocks, DispatchedBatchMatchesStream) {
  expect_streams_match(dispatched, 1);
  expect_streams_match(dispatched, 2);
  expect_streams_match(dispatched, 1, 1);  // a later block alone (a rule that needs it only for some nodes)
}

TEST(StreamBlocks, PortableBatchMatchesStream) {
  expect_streams_match(listed<detail::stream_blocks_generic<ListedAgents>>, 1);
  expect_streams_match(listed<detail::stream_blocks_generic<ListedAgents>>, 2);
  expect_streams_match(listed<detail::stream_blocks_generic<ListedAgents>>, 2, 3);
}

#if defined(__x86_64__)
TEST(StreamBlocks, Avx512BatchMatchesStream) {
  if (!host_supports(VectorLevel::avx512)) GTEST_SKIP() << "no AVX-512 on this CPU";
  expect_streams_match(listed<detail::stream_blocks_avx512<ListedAgents>>, 1);
  expect_streams_match(listed<detail::stream_blocks_avx512<ListedAgents>>, 2);
  expect_streams_match(listed<detail::stream_blocks_avx512<ListedAgents>>, 2, 3);
}

TEST(StreamBlocks, Avx2BatchMatchesStream) {
  if (!host_supports(VectorLevel::avx2)) GTEST_SKIP() << "no AVX2 on this CPU";
  expect_streams_match(listed<detail::stream_blocks_avx2<ListedAgents>>, 1);
  expect_streams_match(listed<detail::stream_blocks_avx2<ListedAgents>>, 2);
  expect_streams_match(listed<detail::stream_blocks_avx2<ListedAgents>>, 2, 3);
}
#endif

TEST(StreamBlocks, BernoulliMatchesStream) {
  const StreamKey key{99, 0, 5, 2};
  const std::vector<std::uint32_t> agents = {17, 4, 4000000000u};
  std::vector<std::uint32_t> words(4 * agents.size());
  first_blocks(key, agents.data(), agents.size(), 1, agents.size(), words.data());
  for (std::size_t i = 0; i < agents.size(); ++i) {
    Stream expected(key.seed, key.replicate, key.step, agents[i], key.purpose);
    BlockStream actual(words.data() + i, agents.size(), 1, key, agents[i]);
    for (double p : {0.1, 0.5, 0.9, 0.3, 0.7}) ASSERT_EQ(actual.bernoulli(p), expected.bernoulli(p)) << i;
  }
}

TEST(StreamBlocks, SkipBlocksStartsAtTheNextBlock) {
  Stream whole(5, 1, 2, 3, 4), skipped(5, 1, 2, 3, 4);
  for (int draw = 0; draw < 4; ++draw) whole.uniform();  // the first two blocks' eight words
  skipped.skip_blocks(2);
  for (int draw = 0; draw < 4; ++draw) ASSERT_EQ(skipped.uniform(), whole.uniform()) << draw;
}
