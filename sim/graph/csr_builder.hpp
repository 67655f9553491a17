#pragma once
// The CSR builders declared in sim/graph/graph.hpp (build_csr_streamed,
// build_csr_owned). Kept apart so that changing them rebuilds only the
// generators that use them.
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "sim/graph/graph.hpp"

namespace gs {

namespace detail {
// offsets = prefix sums of own + foreign (in parallel).
void set_offsets(Graph& g, const std::vector<std::uint32_t>& own, const std::vector<std::uint32_t>& foreign);
// Sorts each row, drops duplicates and self loops, and closes the gaps (in parallel).
void finish_rows(Graph& g);

// Applies emitted edges to the rows: pass 0 counts, pass 1 writes. Rows
// [lo, lo + span) belong to the emitting chunk; in pass 1 own[v] is the
// fill cursor of row v relative to the chunk's first entry (own_cursors).
template <int pass>
struct RowWriter {
  std::uint32_t* own;
  std::uint32_t* foreign;
  NodeId* targets;
  const std::uint64_t* offsets;
  std::vector<std::pair<NodeId, NodeId>>* buffer;  // [destination thread], or null: atomics
  std::uint64_t nodes, threads;

  [[gnu::always_inline]] void endpoint(NodeId x, NodeId y, std::uint64_t lo, std::uint64_t span, NodeId* slab) const {
    if (std::uint64_t{x} - lo < span) {
      if constexpr (pass == 0)
        ++own[x];
      else
        slab[--own[x]] = y;
    } else if (buffer != nullptr) {
      buffer[std::uint64_t{x} * threads / nodes].emplace_back(x, y);
    } else if constexpr (pass == 0) {
      __atomic_fetch_add(&foreign[x], 1u, __ATOMIC_RELAXED);
    } else {
      targets[offsets[x + 1] - __atomic_fetch_sub(&foreign[x], 1u, __ATOMIC_RELAXED)] = y;
    }
  }
  void edges(const std::pair<NodeId, NodeId>* e, std::size_t n, std::uint64_t lo, std::uint64_t span) const {
    NodeId* const slab = pass == 1 ? targets + offsets[lo] : nullptr;  // offsets exist from pass 1 on
    for (std::size_t i = 0; i < n; ++i) {
      const auto [u, v] = e[i];
      if (u == v) continue;
      endpoint(u, v, lo, span, slab);
      endpoint(v, u, lo, span, slab);
    }
  }
  // Foreign endpoints gathered for this thread's rows.
  void apply(const std::vector<std::pair<NodeId, NodeId>>& gathered) const {
    for (auto [x, y] : gathered) {
      if constexpr (pass == 0)
        ++foreign[x];
      else
        targets[offsets[x + 1] - foreign[x]--] = y;
    }
  }
};

template <int pass, class Owner, class Source>
void csr_pass(Graph& g, std::size_t chunks, const Owner& owner, const Source& source, bool buffer_foreign,
              std::vector<std::uint32_t>& own, std::vector<std::uint32_t>& foreign) {
  const std::size_t nodes = own.size();
  const auto max_threads = static_cast<std::size_t>(omp_get_max_threads());
  std::vector<std::vector<std::pair<NodeId, NodeId>>> buffer(max_threads * max_threads);
  // Waves bound the buffers to about 1/4 of the foreign endpoints (community
  // graph at UK scale: the long-range ties, about 70 MB); few waves mean few
  // barriers, which matter when cores are shared.
  const std::size_t wave = std::max<std::size_t>(8 * max_threads, (chunks + 3) / 4);
  for (std::size_t w0 = 0; w0 < chunks; w0 += wave) {
    const auto w1 = static_cast<std::int64_t>(std::min(chunks, w0 + wave));
#pragma omp parallel
    {
      const auto threads = static_cast<std::size_t>(omp_get_num_threads());
      const auto t = static_cast<std::size_t>(omp_get_thread_num());
      const RowWriter<pass> rows{own.data(),
                                 foreign.data(),
                                 g.targets.data(),
                                 g.offsets.data(),
                                 buffer_foreign ? &buffer[t * threads] : nullptr,
                                 nodes,
                                 threads};
      // Edges are collected in a small batch and applied in a tight loop, so
      // that the source's loops stay free of the row bookkeeping.
      constexpr std::size_t batch = 2048;
      std::vector<std::pair<NodeId, NodeId>> emitted(batch);
      std::pair<NodeId, NodeId>* const e = emitted.data();
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t c = static_cast<std::int64_t>(w0); c < w1; ++c) {
        const auto [lo, span] = owner(static_cast<std::size_t>(c));
        std::size_t n = 0;
        source(static_cast<std::size_t>(c), [&, lo = lo, span = span](NodeId u, NodeId v) {
          e[n++] = {u, v};
          if (n == batch) {
            rows.edges(e, n, lo, span);
            n = 0;
          }
        });
        rows.edges(e, n, lo, span);
      }
      if (buffer_foreign) {
        for (std::size_t s = 0; s < threads; ++s) rows.apply(buffer[s * threads + t]);
#pragma omp barrier
        for (std::size_t d = 0; d < threads; ++d) buffer[t * threads + d].clear();
      }
    }
  }
}

// Turns own counts into fill cursors relative to the first row of the
// owning chunk: own[v] = offsets[v] + own[v] - offsets[chunk start], so the
// fill pass writes slab[--own[v]] with one load fewer per endpoint.
template <class Owner>
void own_cursors(const Graph& g, std::size_t chunks, const Owner& owner, std::vector<std::uint32_t>& own) {
  for (std::size_t c = 0; c < chunks; ++c) {
    const auto [lo, span] = owner(c);
    if (g.offsets[lo + span] - g.offsets[lo] > 0xFFFFFFFFu)
      throw std::length_error("build_csr_owned: a chunk's rows must hold fewer than 2^32 entries");
  }
  const auto n = static_cast<std::int64_t>(chunks);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t c = 0; c < n; ++c) {
    const auto [lo, span] = owner(static_cast<std::size_t>(c));
    const std::uint64_t base = g.offsets[lo];
    for (std::uint64_t v = lo; v < lo + span; ++v) own[v] = static_cast<std::uint32_t>(g.offsets[v] - base + own[v]);
  }
}

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
  Graph g;
  csr_pass<0>(g, chunks, owner, source, buffer_foreign, own, foreign);
  set_offsets(g, own, foreign);
  own_cursors(g, chunks, owner, own);
  g.targets.resize(g.offsets[nodes]);  // uninitialised: the fill pass touches it first, in parallel
  csr_pass<1>(g, chunks, owner, source, buffer_foreign, own, foreign);
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

}  // namespace gs
