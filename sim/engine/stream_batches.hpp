#pragma once
// for_each_stream: calls a rule once per listed node with that node's random
// stream, the streams' first Philox blocks made in batches
// (sim/core/stream_blocks.hpp) instead of one node at a time. The draws are
// bit for bit those of Stream(seed, replicate, step, node, purpose), so a
// rule that takes its stream this way decides exactly as before, for any
// thread count (tests StreamBatches.*).
#include <cstddef>
#include <cstdint>
#include <span>

#include "sim/core/stream_blocks.hpp"
#include "sim/engine/model.hpp"

namespace gs {

// Nodes per batch: their four words each stay in the first-level cache.
inline constexpr std::size_t stream_batch = 256;

// For rules that read the words themselves, to make several draws without
// branches: decide_batch(first, n, words, stride) for each batch of up to
// stream_batch nodes, nodes[first] .. nodes[first + n - 1], where word w
// (w < 4 * Blocks) of node first + i's stream is words[w * stride + i]: the
// words Stream(key.seed, key.replicate, key.step, node, key.purpose) draws,
// in order (uniform_from_words / uniform_bits take them two at a time).
// Split across threads when there are at least min_parallel_agents nodes.
// With first_block, the words are those of the streams' blocks from that one
// on (for a rule whose later draws only some nodes need: a second pass over
// those nodes reads the same words as one pass over all would).
template <unsigned Blocks, class DecideBatch>
void for_each_stream_batch(const StreamKey& key, std::span<const std::uint32_t> nodes, DecideBatch&& decide_batch,
                           unsigned first_block = 0) {
  const auto batches = static_cast<std::int64_t>((nodes.size() + stream_batch - 1) / stream_batch);
#pragma omp parallel for schedule(static, 16) if (static_cast <std::int64_t>(nodes.size()) >= min_parallel_agents)
  for (std::int64_t b = 0; b < batches; ++b) {
    const std::size_t first = static_cast<std::size_t>(b) * stream_batch;
    const std::size_t n = std::min(stream_batch, nodes.size() - first);
    alignas(64) std::uint32_t words[4 * Blocks * stream_batch];
    first_blocks(key, nodes.data() + first, n, Blocks, stream_batch, words, first_block);
    decide_batch(first, n, static_cast<const std::uint32_t*>(words), stream_batch);
  }
}

// decide(i, rng) for each i < nodes.size(), rng drawing as
// Stream(key.seed, key.replicate, key.step, nodes[i], key.purpose), its
// first `Blocks` blocks (two uniforms each) made in the batch. Split across
// threads when there are at least min_parallel_agents nodes.
template <unsigned Blocks = 1, class Decide>
void for_each_stream(const StreamKey& key, std::span<const std::uint32_t> nodes, Decide&& decide) {
  for_each_stream_batch<Blocks>(key, nodes,
                                [&](std::size_t first, std::size_t n, const std::uint32_t* words, std::size_t stride) {
                                  for (std::size_t i = 0; i < n; ++i) {
                                    BlockStream rng(words + i, stride, Blocks, key, nodes[first + i]);
                                    decide(first + i, rng);
                                  }
                                });
}

}  // namespace gs
