#include "sim/graph/ring.hpp"

#include "sim/core/input_error.hpp"
#include "sim/core/parallel_errors.hpp"

namespace gs {

RingShape ring_shape(const ParamValues& params) {
  const auto n = static_cast<std::uint64_t>(params.integer("nodes"));
  const auto k = static_cast<std::uint64_t>(params.integer("k"));
  if (k % 2 != 0)
    throw InputError("graph.k: " + std::to_string(k) +
                     " is odd; allowed: an even number (k/2 neighbours on each side)");
  if (k >= n)
    throw InputError("graph.k: " + std::to_string(k) + " is not below nodes = " + std::to_string(n) +
                     "; allowed: an even number from 2 to nodes - 1");
  return {n, k / 2};
}

std::vector<std::vector<std::pair<NodeId, NodeId>>> ring_lattice_edges(const RingShape& ring) {
  const std::uint64_t blocks = (ring.nodes + ring_rows_per_block - 1) / ring_rows_per_block;
  std::vector<std::vector<std::pair<NodeId, NodeId>>> chunks(blocks);
  const auto block_count = static_cast<std::int64_t>(blocks);
  ParallelErrors errors;  // reserving and adding ties allocate
#pragma omp parallel for schedule(static)
  for (std::int64_t b = 0; b < block_count; ++b) {
    errors.run([&] {
      const std::uint64_t first = static_cast<std::uint64_t>(b) * ring_rows_per_block;
      const std::uint64_t last = std::min(ring.nodes, first + ring_rows_per_block);
      auto& edges = chunks[static_cast<std::size_t>(b)];
      edges.reserve((last - first) * ring.half);
      for (std::uint64_t i = first; i < last; ++i)
        for (std::uint64_t j = 1; j <= ring.half; ++j)
          edges.emplace_back(static_cast<NodeId>(i), static_cast<NodeId>((i + j) % ring.nodes));
    });
  }
  errors.rethrow();
  return chunks;
}

}  // namespace gs
