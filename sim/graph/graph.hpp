#pragma once
// The world agents live in: an undirected graph in CSR form (32-bit node ids)
// plus per-node attributes. Community graphs order node ids region >
// neighbourhood > household, so a neighbourhood is a contiguous id range and
// most edges stay near in memory.
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace gs {

using NodeId = std::uint32_t;

struct Graph {
  std::vector<std::uint64_t> offsets{0};  // size nodes+1
  std::vector<NodeId> targets;  // both directions of every edge, each row sorted

  std::size_t nodes() const { return offsets.size() - 1; }
  std::uint64_t directed_edges() const { return targets.size(); }
  std::uint64_t edges() const { return targets.size() / 2; }
  std::uint32_t degree(NodeId v) const { return static_cast<std::uint32_t>(offsets[v + 1] - offsets[v]); }
  std::span<const NodeId> neighbours(NodeId v) const {
    return {targets.data() + offsets[v], targets.data() + offsets[v + 1]};
  }
};

enum class Group : std::uint8_t { patient = 0, parent = 1, tenant = 2, other = 3 };
inline constexpr const char* group_names[] = {"patient", "parent", "tenant", "other"};

struct Population {
  // Per node.
  std::vector<std::uint32_t> neighbourhood;
  std::vector<Group> group;
  // Per neighbourhood: node ids [start[h], start[h+1]) live in h.
  std::vector<std::uint64_t> neighbourhood_start{0};
  std::vector<float> deprivation;  // national rank in [0, 1): 0 least deprived, 1 most
  std::vector<std::uint32_t> region;
  // Households (community graphs): node ids [household_start[i], household_start[i+1])
  // share a household. Empty when the generator has no households.
  std::vector<std::uint64_t> household_start;

  std::size_t neighbourhoods() const { return neighbourhood_start.size() - 1; }
  int deprivation_quintile(std::uint32_t h) const {  // 0 = least deprived fifth
    const int q = static_cast<int>(deprivation[h] * 5.0f);
    return q > 4 ? 4 : q;
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
// memory is the finished graph plus 8 bytes per node.
template <class Source>
Graph build_csr_streamed(std::size_t nodes, std::size_t chunks, const Source& source);

// The same when chunk c owns the rows [chunk_start[c], chunk_start[c+1])
// (disjoint ranges): endpoints a chunk owns are counted and written without
// atomics, so the fewer ties leave their chunk, the faster it runs. Ties that
// leave the chunk may point anywhere.
template <class Source>
Graph build_csr_owned(std::size_t nodes, const std::vector<std::uint64_t>& chunk_start, const Source& source);

namespace detail {
// offsets = prefix sums of own + foreign (in parallel).
void set_offsets(Graph& g, const std::vector<std::uint32_t>& own, const std::vector<std::uint32_t>& foreign);
// Sorts each row, drops duplicates and self loops, and closes the gaps (in parallel).
void finish_rows(Graph& g);

// Each row v is filled from both ends: endpoints owned by the emitting chunk
// count down from offsets[v] + own[v] without atomics (only that chunk's
// thread touches them), the rest count down from offsets[v+1]. Those foreign
// endpoints are gathered per destination thread during a wave of chunks and
// applied after it by the thread owning the destination, again without
// atomics (random writes without a lock overlap their cache misses). Rows are
// sorted afterwards, so the fill order never shows in the result. Without
// owners (edge lists) everything is foreign and atomics avoid the buffers.
template <class Owner, class Source>
Graph build_csr_impl(std::size_t nodes, std::size_t chunks, const Owner& owner, const Source& source,
                     bool buffer_foreign) {
  std::vector<std::uint32_t> own(nodes, 0), foreign(nodes, 0);
  const auto max_threads = static_cast<std::size_t>(omp_get_max_threads());
  std::vector<std::vector<std::pair<NodeId, NodeId>>> buffer(max_threads * max_threads);
  // Waves bound the buffers to about 1/16 of the foreign endpoints (UK scale:
  // about 85 MB); few waves mean few barriers, which matter when cores are shared.
  const std::size_t wave = std::max<std::size_t>(8 * max_threads, (chunks + 15) / 16);
  Graph g;
  for (int pass = 0; pass < 2; ++pass) {
    if (pass == 1) {
      set_offsets(g, own, foreign);
      g.targets.resize(g.offsets[nodes]);
    }
    NodeId* const targets = g.targets.data();
    const std::uint64_t* const offsets = g.offsets.data();
    for (std::size_t w0 = 0; w0 < chunks; w0 += wave) {
      const auto w1 = static_cast<std::int64_t>(std::min(chunks, w0 + wave));
#pragma omp parallel
      {
        const auto threads = static_cast<std::size_t>(omp_get_num_threads());
        const auto t = static_cast<std::size_t>(omp_get_thread_num());
        auto destination = [&](NodeId x) { return static_cast<std::size_t>(std::uint64_t{x} * threads / nodes); };
#pragma omp for schedule(dynamic, 1)
        for (std::int64_t c = static_cast<std::int64_t>(w0); c < w1; ++c) {
          const auto [lo, span] = owner(static_cast<std::size_t>(c));
          auto visit = [&, lo = lo, span = span](NodeId x, NodeId y) {
            if (std::uint64_t{x} - lo < span) {
              if (pass == 0)
                ++own[x];
              else
                targets[offsets[x] + --own[x]] = y;
            } else if (buffer_foreign) {
              buffer[t * threads + destination(x)].emplace_back(x, y);
            } else if (pass == 0) {
              __atomic_fetch_add(&foreign[x], 1u, __ATOMIC_RELAXED);
            } else {
              targets[offsets[x + 1] - __atomic_fetch_sub(&foreign[x], 1u, __ATOMIC_RELAXED)] = y;
            }
          };
          source(static_cast<std::size_t>(c), [&](NodeId u, NodeId v) {
            if (u == v) return;
            visit(u, v);
            visit(v, u);
          });
        }
        if (buffer_foreign) {
          for (std::size_t s = 0; s < threads; ++s)
            for (auto [x, y] : buffer[s * threads + t]) {
              if (pass == 0)
                ++foreign[x];
              else
                targets[offsets[x + 1] - foreign[x]--] = y;
            }
#pragma omp barrier
          for (std::size_t d = 0; d < threads; ++d) buffer[t * threads + d].clear();
        }
      }
    }
  }
  finish_rows(g);
  return g;
}
}  // namespace detail

template <class Source>
Graph build_csr_streamed(std::size_t nodes, std::size_t chunks, const Source& source) {
  const auto no_rows = [](std::size_t) { return std::pair<std::uint64_t, std::uint64_t>{0, 0}; };
  return detail::build_csr_impl(nodes, chunks, no_rows, source, false);
}

template <class Source>
Graph build_csr_owned(std::size_t nodes, const std::vector<std::uint64_t>& chunk_start, const Source& source) {
  const auto rows = [&](std::size_t c) {
    return std::pair<std::uint64_t, std::uint64_t>{chunk_start[c], chunk_start[c + 1] - chunk_start[c]};
  };
  return detail::build_csr_impl(nodes, chunk_start.size() - 1, rows, source, true);
}

// A population with one neighbourhood holding everyone, for generators that
// have no geography; groups are drawn with the documented shares.
Population single_neighbourhood_population(std::size_t nodes, std::uint64_t seed);

// Constituency group shares (patient, parent, tenant, other); see docs.
Group draw_group(double u);

}  // namespace gs
