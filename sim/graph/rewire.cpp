#include "sim/graph/rewire.hpp"

#include <algorithm>
#include <cmath>

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
  auto row_begin = [&](NodeId v) { return adjacency.begin() + static_cast<std::ptrdiff_t>(g.offsets[v]); };
  auto row_end = [&](NodeId v) { return adjacency.begin() + static_cast<std::ptrdiff_t>(g.offsets[v + 1]); };
  auto linked = [&](NodeId a, NodeId b) { return std::find(row_begin(a), row_end(a), b) != row_end(a); };
  auto replace = [&](NodeId v, NodeId old_neighbour, NodeId new_neighbour) {
    *std::find(row_begin(v), row_end(v), old_neighbour) = new_neighbour;
  };

  const std::uint64_t m = edges.size();
  const auto target = static_cast<std::uint64_t>(std::llround(swaps_per_tie * static_cast<double>(m)));
  const std::uint64_t max_attempts = 50 * m + 1000;
  std::uint64_t done = 0;
  for (std::uint64_t t = 0; m >= 2 && done < target && t < max_attempts; ++t) {
    Stream rng(seed, 0, static_cast<std::uint32_t>(t >> 32), static_cast<std::uint32_t>(t), swap_attempt);
    const std::uint64_t i = rng.below(m), j = rng.below(m);
    if (i == j) continue;
    auto [a, b] = edges[i];
    auto [c, d] = edges[j];
    if (rng.bernoulli(0.5)) std::swap(c, d);
    if (a == c || a == d || b == c || b == d) continue;
    if (linked(a, d) || linked(c, b)) continue;
    replace(a, b, d);
    replace(d, c, a);
    replace(c, d, b);
    replace(b, a, c);
    edges[i] = {a, d};
    edges[j] = {c, b};
    ++done;
  }
  std::vector<std::vector<std::pair<NodeId, NodeId>>> chunks(1);
  chunks[0] = std::move(edges);
  return build_csr(g.nodes(), chunks);
}

}  // namespace gs
