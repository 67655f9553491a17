#pragma once
// Degree-preserving randomisation of a graph's ties (Maslov & Sneppen 2002):
// the null model that keeps every node's degree and destroys clustering and
// any other structure, as Centola & Macy (2007) compare clustered networks
// with.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "sim/core/random.hpp"
#include "sim/graph/graph.hpp"

namespace gs {

// round(swaps_per_tie x ties) double-edge swaps (a,b),(c,d) -> (a,d),(c,b)
// that create no self loop or duplicate tie (attempts that would are
// skipped; at most 50 attempts per tie in all). Sequential, as each swap
// depends on the last, so meant for graphs of up to a few million ties;
// attempt t draws from its own counter-based stream, so the result depends
// only on (graph, swaps_per_tie, seed). Tie layers are dropped: a swapped
// tie has no shared context.
Graph rewire_degree_preserving(const Graph& g, double swaps_per_tie, std::uint64_t seed);

// The swap loop of rewire_degree_preserving and of Watts-Strogatz's
// degree_preserving method: `edges` holds each tie once and row(v) is a
// std::span<NodeId> of v's neighbours in an adjacency the loop keeps up to
// date (degrees never change, so rows never move). Makes
// round(swaps_per_tie x ties) swaps, or stops after 50 attempts per tie (+
// 1000, as the reference script: dense graphs may run out); attempt t draws
// from Stream(seed, 0, t >> 32, t, purpose).
template <class Row>
void swap_edges(std::vector<std::pair<NodeId, NodeId>>& edges, Row row, double swaps_per_tie, std::uint64_t seed,
                Purpose purpose) {
  auto linked = [&](NodeId a, NodeId b) {
    const std::span<NodeId> r = row(a);
    return std::find(r.begin(), r.end(), b) != r.end();
  };
  auto replace = [&](NodeId v, NodeId old_neighbour, NodeId new_neighbour) {
    const std::span<NodeId> r = row(v);
    *std::find(r.begin(), r.end(), old_neighbour) = new_neighbour;
  };
  const std::uint64_t m = edges.size();
  const auto target = static_cast<std::uint64_t>(std::llround(swaps_per_tie * static_cast<double>(m)));
  const std::uint64_t max_attempts = 50 * m + 1000;
  std::uint64_t done = 0;
  for (std::uint64_t t = 0; m >= 2 && done < target && t < max_attempts; ++t) {
    Stream rng(seed, 0, static_cast<std::uint32_t>(t >> 32), static_cast<std::uint32_t>(t), purpose);
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
}

}  // namespace gs
