#pragma once
// Shared by ring_lattice and watts_strogatz: checking (nodes, k) and listing
// the lattice's edges (i, i + j mod n) for j = 1..k/2 in row blocks.
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/core/params.hpp"
#include "sim/graph/graph.hpp"

namespace gs {

struct RingShape {
  std::uint64_t nodes = 0;
  std::uint64_t half = 0;  // k / 2
};

// Throws InputError unless k is even and below nodes.
RingShape ring_shape(const ParamValues& params);

inline constexpr std::uint64_t ring_rows_per_block = 8192;

// One chunk per block of ring_rows_per_block rows, edges (i, i+j) with i in the block.
std::vector<std::vector<std::pair<NodeId, NodeId>>> ring_lattice_edges(const RingShape& ring);

}  // namespace gs
