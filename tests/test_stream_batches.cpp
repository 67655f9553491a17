// for_each_stream (sim/engine/stream_batches.hpp) must call the rule once for
// each listed node, with that node's own stream, whether the list is split
// across threads or not.
#include <gtest/gtest.h>
#include <omp.h>

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
