#pragma once
// The world agents live in: an undirected graph in CSR form (32-bit node ids)
// plus per-node attributes. Community graphs order node ids region >
// neighbourhood > household, so a neighbourhood is a contiguous id range and
// most edges stay near in memory.
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/graph/constituency.hpp"

namespace gs {

using NodeId = std::uint32_t;

// std::allocator, except that resize() leaves new elements uninitialised. The
// CSR builder writes every target itself; a zero fill first was a
// single-threaded pass over gigabytes (with all its page faults) before the
// parallel fill, and left the array cold in cache.
template <class T>
struct UninitialisedAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitialisedAllocator<U>;
  };
  UninitialisedAllocator() = default;
  template <class U>
  UninitialisedAllocator(const UninitialisedAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

using TargetVector = std::vector<NodeId, UninitialisedAllocator<NodeId>>;
// Offsets likewise: the builders write every one, in parallel. They are 32-bit
// (4 bytes a node, where 8 would cost 270 MB at UK scale), so a graph holds at
// most max_directed_ties entries (each tie counts twice): the UK has 0.96
// billion. Builders refuse larger graphs with std::length_error.
using EdgeIndex = std::uint32_t;
inline constexpr std::uint64_t max_directed_ties = 0xFFFFFFFFu;
using OffsetVector = std::vector<EdgeIndex, UninitialisedAllocator<EdgeIndex>>;
// Throws std::length_error, naming `builder`, when `entries` directed ties
// would not fit in 32-bit offsets.
void check_directed_ties(std::uint64_t entries, const char* builder);

// How close a tie is, strongest first: the layers of personal networks
// (Dunbar 1998; Hill & Dunbar 2003; Zhou et al. 2005), as the community
// graph's clustered fabric builds them (docs/graphs.md).
enum class TieLayer : std::uint8_t { household = 0, close = 1, friends = 2, acquaintance = 3 };
inline constexpr int tie_layer_count = 4;
inline constexpr const char* tie_layer_names[] = {"household", "close", "friends", "acquaintance"};

// The layer of every CSR entry, two bits each (four entries a byte): at UK
// scale (about 956 million entries) 239 MB, where a byte per entry would
// push a national run past its memory budget. Empty for graphs without layers.
class TieLayers {
 public:
  bool empty() const { return bits_.empty(); }
  TieLayer at(std::uint64_t entry) const {
    return static_cast<TieLayer>((bits_[entry >> 2] >> (2 * (entry & 3))) & 3u);
  }
  // Every entry starts as household (0); writers OR their bits in.
  void assign_zero(std::uint64_t entries) { bits_.assign((entries + 3) / 4, 0); }
  // Room for `entries` left uninitialised, for a writer that stores every
  // byte (as the CSR builder does); also shrinks without moving.
  void resize_uninitialised(std::uint64_t entries) { bits_.resize((entries + 3) / 4); }
  std::uint8_t* bytes() { return bits_.data(); }
  const std::uint8_t* bytes() const { return bits_.data(); }
  std::size_t byte_count() const { return bits_.size(); }

 private:
  std::vector<std::uint8_t, UninitialisedAllocator<std::uint8_t>> bits_;
};

struct Graph {
  OffsetVector offsets{0};  // size nodes+1
  TargetVector targets;  // both directions of every edge, each row sorted
  // Layer of each targets entry (same index), or empty. Rules that ignore it
  // see the graph as an unweighted one.
  TieLayers layers;

  std::size_t nodes() const { return offsets.size() - 1; }
  std::uint64_t directed_edges() const { return targets.size(); }
  std::uint64_t edges() const { return targets.size() / 2; }
  std::uint32_t degree(NodeId v) const { return static_cast<std::uint32_t>(offsets[v + 1] - offsets[v]); }
  std::span<const NodeId> neighbours(NodeId v) const {
    return {targets.data() + offsets[v], targets.data() + offsets[v + 1]};
  }
};

struct Population {
  // Per node; uninitialised on resize, as generators fill them in parallel.
  std::vector<std::uint32_t, UninitialisedAllocator<std::uint32_t>> neighbourhood;
  std::vector<Group, UninitialisedAllocator<Group>> group;
  // Per neighbourhood: node ids [start[h], start[h+1]) live in h.
  std::vector<std::uint64_t> neighbourhood_start{0};
  std::vector<float> deprivation;  // national rank in [0, 1): 0 least deprived, 1 most
  std::vector<std::uint32_t> region;
  // Households (community graphs): node ids [household_start[i], household_start[i+1])
  // share a household. Empty when the generator has no households.
  std::vector<NodeId> household_start;  // 4 bytes each: 110 MB less than 8 at UK scale

  std::size_t neighbourhoods() const { return neighbourhood_start.size() - 1; }
  // 1 = most deprived fifth .. 5 = least deprived, as the outputs number them.
  int deprivation_quintile(std::uint32_t h) const {
    const int from_least = static_cast<int>(deprivation[h] * 5.0f);
    return 5 - (from_least > 4 ? 4 : from_least);
  }
};

struct World {
  Graph graph;
  Population population;
};

// Build a CSR graph from undirected edge lists (any order, each edge once or
// more, either direction). Self loops and duplicates are dropped; each row is
// sorted, so the result is the same however the lists were produced in parallel.
Graph build_csr(std::size_t nodes, const std::vector<std::vector<std::pair<NodeId, NodeId>>>& edge_chunks);

// The same without storing an edge list: `source(chunk, emit)` must call
// emit(u, v) for every edge of chunk, and must emit exactly the same edges
// each time it is called (it is called twice per chunk: once to count degrees,
// once to fill rows), which counter-based random numbers make easy. Peak
// memory is the finished graph plus 4 bytes per node.
template <class Source>
Graph build_csr_streamed(std::size_t nodes, std::size_t chunks, const Source& source);

// The same when chunk c owns the rows [chunk_start[c], chunk_start[c+1])
// (disjoint ranges covering every node), generating each chunk's edges only
// once. `source(c, emit)` emits chunk c's edges, once. `leaving(c, emit)` is
// called first and must emit at least every edge of source(c) that has an
// endpoint outside c's rows (it may emit others: they are ignored) and return
// at least the number of edges source(c) emits; counter-based random numbers
// let it skip the work of the edges that stay. The fewer edges leave their
// chunk, the less memory (8 bytes per leaving edge) and time it takes.
template <class Source, class Leaving>
Graph build_csr_owned(std::size_t nodes, const std::vector<std::uint64_t>& chunk_start, const Source& source,
                      const Leaving& leaving);
// The same with tie layers: source and leaving call emit(u, v, layer) with
// each tie's layer (0-3), which must be the same wherever a tie is emitted
// (repeats are merged). The layer travels with the tie's ends through the
// sort, in their ids' two low bits: fewer than 2^30 nodes.
template <class Source, class Leaving>
Graph build_csr_owned_layered(std::size_t nodes, const std::vector<std::uint64_t>& chunk_start, const Source& source,
                              const Leaving& leaving);
// (Both defined in sim/graph/csr_builder.hpp.)

// A population with one neighbourhood holding everyone, for generators that
// have no geography; groups are drawn with the documented shares.
Population single_neighbourhood_population(std::size_t nodes, std::uint64_t seed);

}  // namespace gs
