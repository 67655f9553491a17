// for_each_stream (sim/engine/stream_batches.hpp) must call the rule once for
// each listed node, with that node's own stream, whether the list is split
// across threads or not.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <vector>

#include "sim/core/random.hpp"
#include "sim/engine/stream_batches.hpp"

using namespace gs;

namespace {
template <unsigned Blocks>
void expect_each_node_its_stream(std::size_t n, int threads) {
  const StreamKey key{2024, 1, 7, 11};
  std::vector<std::uint32_t> nodes(n);
  for (std::size_t i = 0; i < n; ++i) nodes[i] = static_cast<std::uint32_t>((n - i) * 7919u);
  std::vector<double> drawn(n, -1.0);
  std::vector<int> calls(n, 0);
  const int before = omp_get_max_threads();
  omp_set_num_threads(threads);
  for_each_stream<Blocks>(key, nodes, [&](std::size_t i, BlockStream& rng) {
    ++calls[i];
    for (int draw = 0; draw < 2 * static_cast<int>(Blocks); ++draw) rng.uniform();
    drawn[i] = rng.uniform();  // the next: past the batched blocks
  });
  omp_set_num_threads(before);
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(calls[i], 1) << "node " << i;
    Stream expected(key.seed, key.replicate, key.step, nodes[i], key.purpose);
    for (int draw = 0; draw < 2 * static_cast<int>(Blocks); ++draw) expected.uniform();
    ASSERT_EQ(drawn[i], expected.uniform()) << "node " << i;
  }
}
}  // namespace

TEST(StreamBatches, EachNodeGetsItsStream) {
  expect_each_node_its_stream<1>(0, 1);
  expect_each_node_its_stream<1>(1, 1);
  expect_each_node_its_stream<1>(3 * stream_batch + 5, 1);
  expect_each_node_its_stream<2>(3 * stream_batch + 5, 1);
}

TEST(StreamBatches, SplitAcrossThreadsEachNodeGetsItsStream) {
  expect_each_node_its_stream<2>(static_cast<std::size_t>(min_parallel_agents) + 77, 2);
}

// for_each_stream_batch hands each batch the words the nodes' streams draw,
// in order, whether the list is split across threads or not.
TEST(StreamBatches, BatchWordsAreEachNodesStream) {
  for (const int threads : {1, 2}) {
    const std::size_t n = threads == 1 ? 3 * stream_batch + 5 : static_cast<std::size_t>(min_parallel_agents) + 77;
    const StreamKey key{99, 2, 5, 13};
    std::vector<std::uint32_t> nodes(n);
    for (std::size_t i = 0; i < n; ++i) nodes[i] = static_cast<std::uint32_t>(i * 104729u + 3u);
    std::vector<double> first(n, -1.0), third(n, -1.0);
    std::vector<int> calls(n, 0);
    const int before = omp_get_max_threads();
    omp_set_num_threads(threads);
    for_each_stream_batch<2>(key, nodes, [&](std::size_t at, std::size_t count, const std::uint32_t* w, std::size_t s) {
      for (std::size_t i = 0; i < count; ++i) {
        ++calls[at + i];
        first[at + i] = uniform_from_words(w[i], w[s + i]);
        third[at + i] = uniform_from_words(w[4 * s + i], w[5 * s + i]);
      }
    });
    omp_set_num_threads(before);
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(calls[i], 1) << "node " << i;
      Stream expected(key.seed, key.replicate, key.step, nodes[i], key.purpose);
      ASSERT_EQ(first[i], expected.uniform()) << "node " << i;
      expected.uniform();
      ASSERT_EQ(third[i], expected.uniform()) << "node " << i;
    }
  }
}

// bernoulli(p) in integers decides exactly as the double comparison, also
// for uniforms right at the threshold and for p at and beyond 0 and 1.
TEST(StreamBatches, BernoulliThresholdEqualsTheDoubleComparison) {
  Stream rng(7, 0, 0, 0, 1);
  std::vector<double> chances = {0.0, -0.5, 1.0, 1.5, 0.5, 0.3, 0.4, 1e-300, 1.0 - 1e-16, 0.999999};
  for (int i = 0; i < 200; ++i) chances.push_back(rng.uniform());
  int agreements_true = 0;
  for (const double p : chances) {
    const std::uint64_t threshold = bernoulli_threshold(p);
    for (int j = 0; j < 2000; ++j) {
      const auto a = static_cast<std::uint32_t>(rng.below(std::uint64_t{1} << 32));
      const auto b = static_cast<std::uint32_t>(rng.below(std::uint64_t{1} << 32));
      const bool expected = uniform_from_words(a, b) < p;
      ASSERT_EQ(uniform_bits(a, b) < threshold, expected) << "p " << p;
      agreements_true += expected;
    }
    if (p > 0 && p < 1) {  // the uniforms either side of p itself
      const auto at = static_cast<std::uint64_t>(std::ldexp(p, 53));
      for (const std::uint64_t x : {at - 1, at, at + 1}) {
        if (x >= std::uint64_t{1} << 53) continue;
        const auto a = static_cast<std::uint32_t>((x >> 26) << 5),
                   b = static_cast<std::uint32_t>((x & 0x3FFFFFFu) << 6);
        ASSERT_EQ(uniform_bits(a, b) < threshold, uniform_from_words(a, b) < p) << "p " << p << " x " << x;
      }
    }
  }
  EXPECT_GT(agreements_true, 1000) << "some draws should succeed, or the test checks little";
}

// From a later block on: the words a second pass over some of the nodes
// reads are those one pass over all would have read there.
TEST(StreamBatches, LaterBlockIsTheStreamsBlock) {
  const StreamKey key{7, 1, 9, 3};
  std::vector<std::uint32_t> nodes(stream_batch + 9);
  for (std::size_t i = 0; i < nodes.size(); ++i) nodes[i] = static_cast<std::uint32_t>(i * 7919u + 11u);
  std::vector<double> whole(nodes.size()), later(nodes.size());
  for_each_stream_batch<2>(key, nodes, [&](std::size_t at, std::size_t count, const std::uint32_t* w, std::size_t s) {
    for (std::size_t i = 0; i < count; ++i) whole[at + i] = uniform_from_words(w[6 * s + i], w[7 * s + i]);
  });
  for_each_stream_batch<1>(
      key, nodes,
      [&](std::size_t at, std::size_t count, const std::uint32_t* w, std::size_t s) {
        for (std::size_t i = 0; i < count; ++i) later[at + i] = uniform_from_words(w[2 * s + i], w[3 * s + i]);
      },
      1);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    Stream expected(key.seed, key.replicate, key.step, nodes[i], key.purpose);
    for (int draw = 0; draw < 3; ++draw) expected.uniform();
    const double fourth = expected.uniform();
    ASSERT_EQ(whole[i], fourth) << "node " << i;
    ASSERT_EQ(later[i], fourth) << "node " << i;
  }
}
