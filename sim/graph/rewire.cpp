#include "sim/graph/rewire.hpp"

#include <span>
#include <vector>

#include "sim/core/random.hpp"

namespace gs {

namespace {
constexpr Purpose swap_attempt = 0x3B1;
}

Graph rewire_degree_preserving(const Graph& g, double swaps_per_tie, std::uint64_t seed) {
  std::vector<std::pair<NodeId, NodeId>> edges;
  edges.reserve(g.edges());
  for (NodeId v = 0; v < g.nodes(); ++v)
    for (NodeId u : g.neighbours(v))
      if (v < u) edges.emplace_back(v, u);
  // Degrees never change, so each row keeps its place in a copy of the targets.
  std::vector<NodeId> adjacency(g.targets.begin(), g.targets.end());
  swap_edges(
      edges,
      [&](NodeId v) { return std::span<NodeId>(adjacency.data() + g.offsets[v], g.offsets[v + 1] - g.offsets[v]); },
      swaps_per_tie, seed, swap_attempt);
  std::vector<std::vector<std::pair<NodeId, NodeId>>> chunks(1);
  chunks[0] = std::move(edges);
  return build_csr(g.nodes(), chunks);
}

}  // namespace gs
