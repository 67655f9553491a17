// Watts–Strogatz small world: a ring lattice (nodes, k) with a fraction
// `rewire` of its edges randomised, by one of two methods:
//   endpoint (Watts & Strogatz 1998): each lattice edge (i, i+j) is chosen with
//     probability `rewire` and its far end moved to a uniform node that is not
//     i and not within k/2 of i on the ring, nor already chosen by i. Each node
//     draws from its own stream, so nodes are rewired in parallel. Mean degree
//     stays k; degrees vary. If two nodes pick each other (expected about
//     (rewire k)^2 / 4 times), the later one picks again afterwards, so the
//     graph keeps exactly nodes * k / 2 ties.
//   degree_preserving: round(rewire * edges) double-edge swaps
//     (a,b),(c,d) -> (a,d),(c,b) that create no self loop or duplicate tie, as
//     in Centola & Macy (2007): every node keeps degree exactly k; rewire = 1
//     gives about one swap per edge, close to a random k-regular graph. Swaps
//     are sequential (each depends on the last); attempt t uses its own stream.
#include <algorithm>
#include <cmath>
#include <set>
#include <span>

#include "sim/core/input_error.hpp"
#include "sim/core/parallel_errors.hpp"
#include "sim/core/random.hpp"
#include "sim/graph/generator.hpp"
#include "sim/graph/rewire.hpp"
#include "sim/graph/ring.hpp"

namespace gs {
namespace {

constexpr Purpose endpoint_rewire = 0x3A1, swap_attempt = 0x3A2, endpoint_repair = 0x3A3;

std::vector<ParamSpec> watts_strogatz_params() {
  // Parameter declarations read as a table, one per entry.
  // clang-format off
  return {
      ParamSpec::integer("nodes", 10000).range(3, 4000000000).scales().units("nodes").describe("Number of nodes"),
      ParamSpec::integer("k", 4).range(2, 10000).units("ties per node")
          .describe("Lattice degree before rewiring: k/2 neighbours on each side (even, below nodes)"),
      ParamSpec::real("rewire", 0.1).range(0, 1)
          .describe("Endpoint: probability that each edge is rewired; degree_preserving: swaps per edge"),
      ParamSpec::choice("method", "endpoint", {"endpoint", "degree_preserving"})
          .describe("endpoint: classic Watts-Strogatz (moves one end of each chosen edge); degree_preserving: "
                    "double-edge swaps, every node keeps degree k"),
  };
  // clang-format on
}

std::uint64_t ring_distance(std::uint64_t a, std::uint64_t b, std::uint64_t n) {
  const std::uint64_t d = a > b ? a - b : b - a;
  return std::min(d, n - d);
}

// Two nodes that rewired to each other drafted the same tie twice, and
// build_csr kept one. Give the later node (in id order) a fresh target that is
// not yet its neighbour, so the graph keeps exactly n k / 2 ties as in the
// sequential algorithm. Expected (rewire k)^2 / 4 repairs, so this is cheap.
Graph repair_mutual_picks(Graph g, std::vector<std::vector<std::pair<NodeId, NodeId>>>& chunks, const RingShape& ring,
                          std::uint64_t seed) {
  const std::uint64_t n = ring.nodes, half = ring.half;
  // Node v drafted its half ties at a fixed place: chunk v / B, entries (v % B) * half ...
  auto drafted = [&](std::uint64_t v, std::uint64_t j) {
    return chunks[v / ring_rows_per_block][(v % ring_rows_per_block) * half + j].second;
  };
  std::set<std::pair<NodeId, NodeId>> extra;  // (min, max) of ties added here
  auto linked = [&](NodeId a, NodeId b) {
    auto row = g.neighbours(a);
    return std::binary_search(row.begin(), row.end(), b) || extra.count({std::min(a, b), std::max(a, b)}) > 0;
  };
  for (std::uint64_t i = 0; i < n; ++i) {
    Stream rng(seed, 0, 1, static_cast<std::uint32_t>(i), endpoint_repair);
    for (std::uint64_t j = 0; j < half; ++j) {
      const NodeId c = drafted(i, j);
      if (c >= i || ring_distance(i, c, n) <= half) continue;  // lattice tie, or the earlier of a pair
      bool mutual = false;
      for (std::uint64_t jj = 0; jj < half && !mutual; ++jj) mutual = drafted(c, jj) == i;
      if (!mutual) continue;
      const auto me = static_cast<NodeId>(i);
      auto free_node = [&](std::uint64_t v) { return v != i && !linked(me, static_cast<NodeId>(v)); };
      std::uint64_t pick = n;
      for (int attempt = 0; attempt < 64 && pick == n; ++attempt) {
        const std::uint64_t v = rng.below(n);
        if (free_node(v)) pick = v;
      }
      // Nearly full rows (tiny dense graphs): scan from a random start.
      for (std::uint64_t start = rng.below(n), step = 0; pick == n && step < n; ++step)
        if (free_node((start + step) % n)) pick = (start + step) % n;
      if (pick == n) continue;  // i is tied to everyone already
      extra.insert({std::min(me, static_cast<NodeId>(pick)), std::max(me, static_cast<NodeId>(pick))});
    }
  }
  if (extra.empty()) return g;
  chunks.emplace_back(extra.begin(), extra.end());
  return build_csr(n, chunks);
}

Graph rewire_endpoints(const RingShape& ring, double rewire, std::uint64_t seed) {
  const std::uint64_t n = ring.nodes, half = ring.half;
  const std::uint64_t candidates = n - 1 - 2 * half;  // nodes a rewired tie of i may reach
  const std::uint64_t blocks = (n + ring_rows_per_block - 1) / ring_rows_per_block;
  std::vector<std::vector<std::pair<NodeId, NodeId>>> chunks(blocks);
  const auto block_count = static_cast<std::int64_t>(blocks);
  ParallelErrors errors;  // reserving and adding ties allocate
#pragma omp parallel for schedule(static)
  for (std::int64_t b = 0; b < block_count; ++b) {
    errors.run([&] {
      const std::uint64_t first = static_cast<std::uint64_t>(b) * ring_rows_per_block;
      const std::uint64_t last = std::min(n, first + ring_rows_per_block);
      auto& edges = chunks[static_cast<std::size_t>(b)];
      edges.reserve((last - first) * half);
      std::vector<std::uint64_t> chosen;
      for (std::uint64_t i = first; i < last; ++i) {
        Stream rng(seed, 0, 0, static_cast<std::uint32_t>(i), endpoint_rewire);
        chosen.clear();
        for (std::uint64_t j = 1; j <= half; ++j) {
          std::uint64_t target = (i + j) % n;
          if (rng.bernoulli(rewire) && chosen.size() < candidates) {
            std::uint64_t c;
            do {
              c = rng.below(n);
            } while (ring_distance(i, c, n) <= half || std::find(chosen.begin(), chosen.end(), c) != chosen.end());
            chosen.push_back(c);
            target = c;
          }
          edges.emplace_back(static_cast<NodeId>(i), static_cast<NodeId>(target));
        }
      }
    });
  }
  errors.rethrow();
  Graph g = build_csr(n, chunks);
  if (g.edges() == n * half) return g;
  return repair_mutual_picks(std::move(g), chunks, ring, seed);
}

Graph rewire_by_swaps(const RingShape& ring, double rewire, std::uint64_t seed) {
  const std::uint64_t n = ring.nodes, k = 2 * ring.half;
  std::vector<std::pair<NodeId, NodeId>> edges;
  edges.reserve(n * ring.half);
  for (const auto& chunk : ring_lattice_edges(ring)) edges.insert(edges.end(), chunk.begin(), chunk.end());
  // Degrees never change, so row v of the adjacency is adjacency[v*k, v*k+k).
  std::vector<NodeId> adjacency(n * k);
  {
    std::vector<std::uint64_t> fill(n, 0);
    for (auto [a, b] : edges) {
      adjacency[a * k + fill[a]++] = b;
      adjacency[b * k + fill[b]++] = a;
    }
  }
  swap_edges(
      edges, [&](NodeId v) { return std::span<NodeId>(adjacency.data() + std::uint64_t{v} * k, k); }, rewire, seed,
      swap_attempt);
  std::vector<std::vector<std::pair<NodeId, NodeId>>> chunks(1);
  chunks[0] = std::move(edges);
  return build_csr(n, chunks);
}

World generate_watts_strogatz(const ParamValues& params, std::uint64_t seed) {
  const RingShape ring = ring_shape(params);
  const double rewire = params.real("rewire");
  World w;
  w.graph = params.text("method") == "degree_preserving" ? rewire_by_swaps(ring, rewire, seed)
                                                         : rewire_endpoints(ring, rewire, seed);
  w.population = single_neighbourhood_population(ring.nodes, seed);
  return w;
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_GRAPH(watts_strogatz, "watts_strogatz",
                           "Watts-Strogatz small world: ring lattice with a fraction of edges rewired",
                           gs::watts_strogatz_params(), gs::generate_watts_strogatz, "nodes", false,
                           [](const gs::ParamValues& p) { (void)gs::ring_shape(p); })
