#pragma once
// Visiting every neighbour of a list of nodes, row after row. A loop per row
// ends after a random number of entries (the node's degree), and at small
// degrees nearly every row's end is a mispredicted branch, which also throws
// away the loads started past it. So short rows are first copied whole, a
// fixed `row_copy` entries at a time whatever their length, one after the
// other into a buffer (each copy starts where the last row's entries end),
// and the buffer is then visited in one loop of known length. At mean
// degree 3 this makes the virus rule's count updates about twice as fast.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <span>

#include "sim/graph/graph.hpp"

namespace gs {

// visit(u) for each neighbour u of each node of `nodes`, in the order of the
// list and of each row (the order of a loop over graph.neighbours(v)).
// Inlined always, so that what `visit` captures by reference stays in registers.
template <class Visit>
[[gnu::always_inline]] inline void for_each_neighbour_of(const Graph& graph, std::span<const NodeId> nodes,
                                                         Visit&& visit) {
  constexpr std::size_t row_copy = 16;  // entries copied per row: a row no longer is copied in one go
  constexpr std::size_t buffer_size = 1024;
  constexpr std::size_t row_ahead = 8, offset_ahead = 16;  // prefetch distances, in rows
  const EdgeIndex* const offsets = graph.offsets.data();
  const NodeId* const targets = graph.targets.data();
  const std::size_t entries = graph.targets.size();
  NodeId buffer[buffer_size];
  std::size_t filled = 0;
  auto flush = [&] {
    for (std::size_t k = 0; k < filled; ++k) visit(buffer[k]);
    filled = 0;
  };
  const std::size_t n = nodes.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i + offset_ahead < n) __builtin_prefetch(&offsets[nodes[i + offset_ahead]]);
    if (i + row_ahead < n) __builtin_prefetch(targets + offsets[nodes[i + row_ahead]]);
    const NodeId v = nodes[i];
    const EdgeIndex from = offsets[v], to = offsets[v + 1];
    if (filled + row_copy > buffer_size) flush();
    if (to - from <= row_copy && from + row_copy <= entries) {
      std::memcpy(buffer + filled, targets + from, row_copy * sizeof(NodeId));  // past the row: overwritten or unused
      filled += to - from;
    } else {  // a long row (or one at the very end of the targets): visited in place, in order
      flush();
      for (EdgeIndex e = from; e < to; ++e) visit(targets[e]);
    }
  }
  flush();
}

}  // namespace gs
