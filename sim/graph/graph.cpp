#include "sim/graph/graph.hpp"

#include <algorithm>
#include <numeric>

#include "sim/engine/random.hpp"

namespace gs {

Graph build_csr(std::size_t nodes, const std::vector<std::vector<std::pair<NodeId, NodeId>>>& edge_chunks) {
  return build_csr_streamed(nodes, edge_chunks.size(), [&](std::size_t c, auto&& emit) {
    for (auto [u, v] : edge_chunks[c]) emit(u, v);
  });
}

namespace detail {

void finish_rows(Graph& g, std::vector<std::uint32_t>& kept) {
  const std::size_t nodes = g.nodes();
  const auto n = static_cast<std::int64_t>(nodes);
  // Sorting each row makes the result independent of the fill order.
#pragma omp parallel for schedule(dynamic, 4096)
  for (std::int64_t v = 0; v < n; ++v) {
    auto first = g.targets.begin() + static_cast<std::ptrdiff_t>(g.offsets[v]);
    auto last = g.targets.begin() + static_cast<std::ptrdiff_t>(g.offsets[v + 1]);
    std::sort(first, last);
    kept[v] = static_cast<std::uint32_t>(std::unique(first, last) - first);
  }
  // Close the gaps left by duplicates, in order (rows only move left).
  std::uint64_t write = 0;
  for (std::size_t v = 0; v < nodes; ++v) {
    const std::uint64_t read = g.offsets[v];
    if (write != read) std::copy_n(g.targets.begin() + static_cast<std::ptrdiff_t>(read), kept[v],
                                   g.targets.begin() + static_cast<std::ptrdiff_t>(write));
    g.offsets[v] = write;
    write += kept[v];
  }
  g.offsets[nodes] = write;
  g.targets.resize(write);
}

}  // namespace detail

Group draw_group(double u) {
  // Shares: see docs/scenario-format.md (community graph, constituency groups).
  if (u < 0.25) return Group::patient;
  if (u < 0.50) return Group::parent;
  if (u < 0.67) return Group::tenant;
  return Group::other;
}

Population single_neighbourhood_population(std::size_t nodes, std::uint64_t seed) {
  Population p;
  p.neighbourhood.assign(nodes, 0);
  p.group.resize(nodes);
  const auto n = static_cast<std::int64_t>(nodes);
#pragma omp parallel for schedule(static)
  for (std::int64_t v = 0; v < n; ++v) {
    Stream rng(seed, 0, 0, static_cast<std::uint32_t>(v), 0xF00);
    p.group[v] = draw_group(rng.uniform());
  }
  p.neighbourhood_start = {0, nodes};
  p.deprivation = {0.5f};
  p.region = {0};
  return p;
}

}  // namespace gs
