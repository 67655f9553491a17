#pragma once
// Degree-preserving randomisation of a graph's ties (Maslov & Sneppen 2002):
// the null model that keeps every node's degree and destroys clustering and
// any other structure, as Centola & Macy (2007) compare clustered networks
// with.
#include <cstdint>

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

}  // namespace gs
