#include "sim/graph/graph.hpp"

#include <algorithm>
#include <atomic>
#include <numeric>

#include "sim/engine/random.hpp"

namespace gs {

Graph build_csr(std::size_t nodes, const std::vector<std::vector<std::pair<NodeId, NodeId>>>& edge_chunks) {
  std::vector<std::uint64_t> degree(nodes + 1, 0);
  const auto chunks = static_cast<std::int64_t>(edge_chunks.size());
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t c = 0; c < chunks; ++c) {
    for (auto [u, v] : edge_chunks[c]) {
      if (u == v) continue;
      std::atomic_ref<std::uint64_t>(degree[u]).fetch_add(1, std::memory_order_relaxed);
      std::atomic_ref<std::uint64_t>(degree[v]).fetch_add(1, std::memory_order_relaxed);
    }
  }
  std::vector<std::uint64_t> start(nodes + 1, 0);
  std::exclusive_scan(degree.begin(), degree.end(), start.begin(), std::uint64_t{0});
  std::vector<NodeId> raw(start[nodes]);
  std::vector<std::uint64_t> cursor(start.begin(), start.end() - 1);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t c = 0; c < chunks; ++c) {
    for (auto [u, v] : edge_chunks[c]) {
      if (u == v) continue;
      raw[std::atomic_ref<std::uint64_t>(cursor[u]).fetch_add(1, std::memory_order_relaxed)] = v;
      raw[std::atomic_ref<std::uint64_t>(cursor[v]).fetch_add(1, std::memory_order_relaxed)] = u;
    }
  }
  // Sorting each row makes the result independent of the fill order above.
  const auto n = static_cast<std::int64_t>(nodes);
#pragma omp parallel for schedule(dynamic, 4096)
  for (std::int64_t v = 0; v < n; ++v) {
    auto first = raw.begin() + static_cast<std::ptrdiff_t>(start[v]);
    auto last = raw.begin() + static_cast<std::ptrdiff_t>(start[v + 1]);
    std::sort(first, last);
    degree[v] = static_cast<std::uint64_t>(std::unique(first, last) - first);
  }
  Graph g;
  g.offsets.assign(nodes + 1, 0);
  std::exclusive_scan(degree.begin(), degree.end(), g.offsets.begin(), std::uint64_t{0});
  g.targets.resize(g.offsets[nodes]);
#pragma omp parallel for schedule(dynamic, 4096)
  for (std::int64_t v = 0; v < n; ++v) {
    std::copy_n(raw.begin() + static_cast<std::ptrdiff_t>(start[v]), degree[v],
                g.targets.begin() + static_cast<std::ptrdiff_t>(g.offsets[v]));
  }
  return g;
}

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
