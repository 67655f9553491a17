#pragma once
// The CSR builders declared in sim/graph/graph.hpp (build_csr_streamed,
// build_csr_owned). Kept apart so that changing them rebuilds only the
// generators that use them.
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "sim/core/cpu_features.hpp"
#include "sim/core/parallel_errors.hpp"
#include "sim/graph/graph.hpp"

namespace gs {

namespace detail {
using Edge = std::pair<NodeId, NodeId>;

// offsets = prefix sums of counts (in parallel).
void set_offsets(Graph& g, const std::vector<std::uint32_t>& counts);
// Sorts each row, drops duplicates and self loops, and closes the gaps (in parallel).
void finish_rows(Graph& g);
// Sorts [first, last), drops repeats and stores the kept ids from dest on
// (dest <= first; the row is read before anything is stored); returns how many.
std::uint64_t sort_unique_row(NodeId* first, NodeId* last, NodeId* dest);
// The variant sort_unique_row calls on this CPU, for loops over many rows
// (choosing it is a dozen instructions, as many as sorting a short row).
using SortUniqueRow = std::uint64_t (*)(NodeId* first, NodeId* last, NodeId* dest);
SortUniqueRow sort_unique_row_variant();

// Whether every edge so far came with u < v and after the one before in
// (u, v) order. Then, on one thread, each row is filled in order with no
// repeats or self loops: row x gets its u < x in the order of the rows u,
// then its own v > x in order. Erdos-Renyi's edges come so, and the rows'
// check for order was 3% of a small Erdos-Renyi job.
struct EdgeOrder {
  std::uint64_t last = 0;  // (u << 32 | v) + 1 of the edge before, 0 before the first
  bool ascending = true;
  [[gnu::always_inline]] void see(NodeId u, NodeId v) {
    const std::uint64_t key = (std::uint64_t{u} << 32 | v) + 1;  // no overflow when u < v
    ascending &= (u < v) & (key > last);
    last = key;
  }
};

// Edge lists have no row owners: both passes go through atomics (no buffers,
// so no memory beyond the graph and one counter per row). Pass 0 counts,
// pass 1 fills each row from its end. On one thread the adds are plain: a
// locked add costs several times as much, and a small graph is built on one
// thread (the same rows either way; the fill order within a row is sorted away,
// or, when the edges came in EdgeOrder, is already sorted).
template <int pass, bool atomic = true>
struct AtomicRows {
  std::uint32_t* count;
  NodeId* targets;
  const EdgeIndex* offsets;
  EdgeOrder* order = nullptr;  // pass 0 on one thread: watches the order of the edges

  [[gnu::always_inline]] void endpoint(NodeId x, NodeId y) const {
    if constexpr (!atomic) {
      if constexpr (pass == 0)
        ++count[x];
      else
        targets[offsets[x + 1] - count[x]--] = y;
    } else if constexpr (pass == 0) {
      __atomic_fetch_add(&count[x], 1u, __ATOMIC_RELAXED);
    } else {
      targets[offsets[x + 1] - __atomic_fetch_sub(&count[x], 1u, __ATOMIC_RELAXED)] = y;
    }
  }
  void edges(const Edge* e, std::size_t n) const {
    for (std::size_t i = 0; i < n; ++i) {
      const auto [u, v] = e[i];
      if constexpr (pass == 0 && !atomic) order->see(u, v);
      if (u == v) continue;
      endpoint(u, v);
      endpoint(v, u);
    }
  }
};

// This thread's share of the chunks (inside a parallel region).
template <class Rows, class Source>
void streamed_chunks(const Rows& rows, std::int64_t n_chunks, const Source& source, ParallelErrors& errors) {
  // Edges are collected in a small batch and applied in a tight loop, so
  // that the source's loops stay free of the row bookkeeping.
  constexpr std::size_t batch = 2048;
  std::vector<Edge> emitted;
  errors.run([&] { emitted.resize(batch); });
  Edge* const e = emitted.data();
#pragma omp for schedule(dynamic, 1)
  for (std::int64_t c = 0; c < n_chunks; ++c) {
    errors.run([&] {
      std::size_t n = 0;
      source(static_cast<std::size_t>(c), [&](NodeId u, NodeId v) {
        e[n++] = {u, v};
        if (n == batch) {
          rows.edges(e, n);
          n = 0;
        }
      });
      rows.edges(e, n);
    });
  }
}

// True when the pass ran on one thread (chunks in order) and, in pass 0,
// every edge came in EdgeOrder.
template <int pass, class Source>
bool streamed_pass(Graph& g, std::size_t chunks, const Source& source, std::vector<std::uint32_t>& count) {
  const auto n_chunks = static_cast<std::int64_t>(chunks);
  ParallelErrors errors;
  EdgeOrder order;
  bool one_thread = false;
#pragma omp parallel
  {
    if (omp_get_num_threads() == 1) {
      one_thread = true;
      streamed_chunks(AtomicRows<pass, false>{count.data(), g.targets.data(), g.offsets.data(), &order}, n_chunks,
                      source, errors);
    } else {
      streamed_chunks(AtomicRows<pass>{count.data(), g.targets.data(), g.offsets.data()}, n_chunks, source, errors);
    }
  }
  errors.rethrow();
  return one_thread && order.ascending;
}

// The rows one chunk owns, built in a scratch slab that stays in cache:
// counted and filled from the chunk's stored edges and the arriving
// endpoints, each row sorted and deduplicated, packed to the slab's start.
// Returns the packed length; row_start[i] is row lo + i's start in the slab.
struct ChunkRows {
  std::vector<std::uint32_t> cursor;  // [span + 1]
  std::unique_ptr<NodeId[]> slab;
  std::size_t slab_capacity = 0;

  // arriving[thread][chunk]: (row, neighbour) pairs reaching this chunk's rows from other chunks.
  // With shift 2 both ends of an edge (and of an arrival) carry its layer in
  // their two low bits (with_layer): rows are found by id >> 2, and the
  // entries keep their layer through the sort.
  template <unsigned shift = 0>
  std::uint64_t build(const Edge* edges, std::size_t n, std::uint64_t lo, std::uint64_t span,
                      const std::vector<std::vector<std::vector<Edge>>>& arriving, std::size_t chunk,
                      EdgeIndex* row_start) {
    cursor.assign(span + 1, 0);
    std::uint32_t* const count = cursor.data();
    for (std::size_t i = 0; i < n; ++i) {
      const auto [u, v] = edges[i];
      if (u == v) continue;
      if (std::uint64_t{u >> shift} - lo < span) ++count[(u >> shift) - lo];
      if (std::uint64_t{v >> shift} - lo < span) ++count[(v >> shift) - lo];
    }
    for (const auto& per_thread : arriving)
      for (const auto& [x, y] : per_thread[chunk]) ++count[(x >> shift) - lo];
    std::uint32_t total = 0;
    for (std::uint64_t i = 0; i <= span; ++i) count[i] = total += count[i];  // each row's end
    if (total > slab_capacity) {
      slab_capacity = total + total / 8;
      slab.reset(new NodeId[slab_capacity]);
    }
    NodeId* const out = slab.get();
    // Filled from each row's end: afterwards cursor[i] is row i's start.
    for (std::size_t i = 0; i < n; ++i) {
      const auto [u, v] = edges[i];
      if (u == v) continue;
      if (std::uint64_t{u >> shift} - lo < span) out[--count[(u >> shift) - lo]] = v;
      if (std::uint64_t{v >> shift} - lo < span) out[--count[(v >> shift) - lo]] = u;
    }
    for (const auto& per_thread : arriving)
      for (const auto& [x, y] : per_thread[chunk]) out[--count[(x >> shift) - lo]] = y;
    std::uint64_t write = 0;
    const SortUniqueRow sort_row = sort_unique_row_variant();
    for (std::uint64_t i = 0; i < span; ++i) {
      const std::uint64_t read = count[i];
      const std::uint64_t kept = sort_row(out + read, out + count[i + 1], out + write);
      row_start[i] = static_cast<EdgeIndex>(write);
      write += kept;
    }
    return write;
  }
};

// The chunk owning a row in O(1): a table over blocks of 2^shift rows, no
// larger than the smallest chunk, gives the chunk of each block's first row;
// a row is then in that chunk or, rarely, a later one. (A binary search
// mispredicts about half its branches.)
class ChunkOf {
 public:
  explicit ChunkOf(const std::vector<std::uint64_t>& chunk_start) : start_(chunk_start) {
    std::uint64_t smallest = ~std::uint64_t{0};
    for (std::size_t c = 0; c + 1 < start_.size(); ++c)
      if (start_[c + 1] > start_[c]) smallest = std::min(smallest, start_[c + 1] - start_[c]);
    const std::uint64_t nodes = start_.back();
    while (shift_ < 63 && (std::uint64_t{2} << shift_) <= smallest && (nodes >> shift_) > 64) ++shift_;
    first_.resize((nodes >> shift_) + 1);
    std::size_t c = 0;
    for (std::size_t b = 0; b < first_.size(); ++b) {
      while (c + 2 < start_.size() && start_[c + 1] <= (std::uint64_t{b} << shift_)) ++c;
      first_[b] = static_cast<std::uint32_t>(c);
    }
  }
  [[gnu::always_inline]] std::size_t operator()(NodeId x) const {
    std::size_t c = first_[x >> shift_];
    while (start_[c + 1] <= x) ++c;
    return c;
  }

 private:
  const std::vector<std::uint64_t>& start_;
  unsigned shift_ = 0;
  std::vector<std::uint32_t> first_;
};
}  // namespace detail

template <class Source>
Graph build_csr_streamed(std::size_t nodes, std::size_t chunks, const Source& source) {
  std::vector<std::uint32_t> count(nodes, 0);
  Graph g;
  const bool counted_in_order = detail::streamed_pass<0>(g, chunks, source, count);
  detail::set_offsets(g, count);
  g.targets.resize(g.offsets[nodes]);  // uninitialised: the fill pass touches it first, in parallel
  const bool filled_in_order = detail::streamed_pass<1>(g, chunks, source, count) && counted_in_order;
  if (!filled_in_order) detail::finish_rows(g);  // rows filled in order are sorted, with nothing to drop
  return g;
}

namespace detail {

// Two bits a layer, 32 entries a word, from a chunk's first entry.
using PackedLayers = std::vector<std::uint64_t>;

// Layered builds carry each tie's layer through the sort in the two low bits
// of both its ends (with_layer): an id keeps its order, and repeats of a tie
// (which have the same layer) stay equal. So ids need 30 bits, and the
// largest (2^30 - 2) stays below the sorts' free-slot marker 2^32 - 1.
constexpr std::uint64_t max_layered_nodes = (std::uint64_t{1} << 30) - 1;
[[gnu::always_inline]] inline NodeId with_layer(NodeId id, unsigned layer) { return id << 2 | layer; }

// Splits n entries id << 2 | layer into their ids (in place) and their
// layers, 32 a word (words [0, n / 32 + 2): a zero word after the last).
// Entries [from, n) only, for the variants that did the words before.
inline void split_layers_generic(NodeId* entries, std::uint64_t n, std::uint64_t* layers, std::uint64_t from = 0) {
  std::uint64_t w = from / 32;
  for (; 32 * (w + 1) <= n; ++w) {
    NodeId* const e = entries + 32 * w;
    std::uint64_t bits = 0;
    for (unsigned j = 0; j < 32; ++j) {
      bits |= std::uint64_t{e[j] & 3u} << (2 * j);
      e[j] >>= 2;
    }
    layers[w] = bits;
  }
  std::uint64_t bits = 0;
  for (std::uint64_t k = 32 * w; k < n; ++k) {
    bits |= std::uint64_t{entries[k] & 3u} << (2 * (k - 32 * w));
    entries[k] >>= 2;
  }
  layers[w] = bits;
  layers[w + 1] = 0;
}

#if defined(__x86_64__)
// (GCC 12 warns about the intrinsics' own deliberately undefined registers.)
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
// AVX-512: 16 entries a register; each entry's layer shifted to its place in
// a 32-bit half word, and the 16 ORed together.
__attribute__((target("avx512f"))) inline void split_layers_avx512(NodeId* entries, std::uint64_t n,
                                                                   std::uint64_t* layers) {
  const __m512i three = _mm512_set1_epi32(3);
  const __m512i place = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  std::uint64_t w = 0;
  for (; 32 * (w + 1) <= n; ++w) {
    NodeId* const e = entries + 32 * w;
    const __m512i a = _mm512_loadu_si512(e), b = _mm512_loadu_si512(e + 16);
    const auto low =
        static_cast<std::uint32_t>(_mm512_reduce_or_epi32(_mm512_sllv_epi32(_mm512_and_si512(a, three), place)));
    const auto high =
        static_cast<std::uint32_t>(_mm512_reduce_or_epi32(_mm512_sllv_epi32(_mm512_and_si512(b, three), place)));
    layers[w] = low | std::uint64_t{high} << 32;
    _mm512_storeu_si512(e, _mm512_srli_epi32(a, 2));
    _mm512_storeu_si512(e + 16, _mm512_srli_epi32(b, 2));
  }
  split_layers_generic(entries, n, layers, 32 * w);  // the last, partial word
}

// AVX2: 8 entries a register; each layer bit of 32 entries gathered into a
// 32-bit mask (the bit moved to the sign, then movemask), the two masks
// interleaved by spreading each to the even bits of a 64-bit word.
[[gnu::always_inline]] inline std::uint64_t to_even_bits(std::uint32_t mask) {
  std::uint64_t x = mask;
  x = (x | x << 16) & 0x0000FFFF0000FFFFu;
  x = (x | x << 8) & 0x00FF00FF00FF00FFu;
  x = (x | x << 4) & 0x0F0F0F0F0F0F0F0Fu;
  x = (x | x << 2) & 0x3333333333333333u;
  return (x | x << 1) & 0x5555555555555555u;
}
__attribute__((target("avx2"))) inline void split_layers_avx2(NodeId* entries, std::uint64_t n, std::uint64_t* layers) {
  std::uint64_t w = 0;
  for (; 32 * (w + 1) <= n; ++w) {
    NodeId* const e = entries + 32 * w;
    std::uint32_t low_bits = 0, high_bits = 0;
    for (unsigned r = 0; r < 4; ++r) {
      auto* const lanes = reinterpret_cast<__m256i*>(e + 8 * r);
      const __m256i x = _mm256_loadu_si256(lanes);
      low_bits |= static_cast<std::uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_slli_epi32(x, 31))))
                  << (8 * r);
      high_bits |= static_cast<std::uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_slli_epi32(x, 30))))
                   << (8 * r);
      _mm256_storeu_si256(lanes, _mm256_srli_epi32(x, 2));
    }
    layers[w] = to_even_bits(low_bits) | to_even_bits(high_bits) << 1;
  }
  split_layers_generic(entries, n, layers, 32 * w);  // the last, partial word
}
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

inline void split_layers(NodeId* entries, std::uint64_t n, std::uint64_t* layers) {
#if defined(__x86_64__)
  if (vector_level() == VectorLevel::avx512) return split_layers_avx512(entries, n, layers);
  if (vector_level() == VectorLevel::avx2) return split_layers_avx2(entries, n, layers);
#endif
  split_layers_generic(entries, n, layers);
}

// The 8 bits of packed layers from bit `at` on (zeros past the last word).
inline std::uint8_t layer_bits(const std::uint64_t* packed, std::uint64_t at) {
  const std::uint64_t word = at >> 6;
  const unsigned shift = at & 63;
  std::uint64_t bits = packed[word] >> shift;
  if (shift > 56) bits |= packed[word + 1] << (64 - shift);
  return static_cast<std::uint8_t>(bits);
}

// Stores entries [base, base + n)'s layers (packed from entry base on, with
// a zero word after the last) two bits each. Bytes shared with a
// neighbouring chunk's entries are ORed in (the ordered section zeroed them
// first); the others are stored whole.
inline void store_layers(std::uint8_t* bytes, std::uint64_t base, const std::uint64_t* packed, std::uint64_t n) {
  if (n == 0) return;
  const std::uint64_t end = base + n;
  for (std::uint64_t byte = base >> 2; byte <= (end - 1) >> 2; ++byte) {
    const std::uint64_t first = 4 * byte;  // the byte's first entry
    if (first < base || first + 4 > end) {
      const std::uint8_t bits = first < base ? static_cast<std::uint8_t>(layer_bits(packed, 0) << (2 * (base - first)))
                                             : layer_bits(packed, 2 * (first - base));
      std::atomic_ref<std::uint8_t>(bytes[byte]).fetch_or(bits, std::memory_order_relaxed);
    } else {
      bytes[byte] = layer_bits(packed, 2 * (first - base));
    }
  }
}

// Every tie is generated once (plus a cheaper pass for the ties that leave
// their chunk). First, leaving(c) emits the ties that reach rows of other
// chunks; their far endpoints are gathered by destination chunk. Then chunks
// are built in id order: source(c)'s edges go to a buffer, the chunk's rows
// are counted, filled, sorted and deduplicated in a scratch slab that stays
// in cache, and the slab is copied to the next free place in the targets,
// which only waits on the chunks before it to know where that is. Rows are
// sorted, so neither the fill order nor the thread count shows in the result.
// With layers, each edge carries its layer from the source through the
// sort (with_layer), and the chunk's entries are split into ids and layers
// while they are in cache.
template <bool layered, class Source, class Leaving>
Graph build_owned(std::size_t nodes, const std::vector<std::uint64_t>& chunk_start, const Source& source,
                  const Leaving& leaving) {
  if (chunk_start.size() < 2 || chunk_start.front() != 0 || chunk_start.back() != nodes ||
      !std::is_sorted(chunk_start.begin(), chunk_start.end()))
    throw std::invalid_argument("build_csr_owned: chunk starts must rise from 0 to the node count");
  if (layered && nodes > max_layered_nodes)
    throw std::length_error("build_csr_owned_layered: graphs with layers hold fewer than 2^30 nodes");
  const std::size_t chunks = chunk_start.size() - 1;
  const auto n_chunks = static_cast<std::int64_t>(chunks);
  const auto max_threads = static_cast<std::size_t>(omp_get_max_threads());

  // arriving[thread][chunk]: (row, neighbour) for rows of chunk that other chunks' ties reach.
  std::vector<std::vector<std::vector<Edge>>> arriving(max_threads, std::vector<std::vector<Edge>>(chunks));
  std::vector<std::uint64_t> edges_bound(chunks);
  const ChunkOf chunk_of(chunk_start);
  ParallelErrors errors;
#pragma omp parallel
  {
    auto& mine = arriving[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t c = 0; c < n_chunks; ++c) {
      const std::uint64_t lo = chunk_start[static_cast<std::size_t>(c)];
      const std::uint64_t span = chunk_start[static_cast<std::size_t>(c) + 1] - lo;
      // Stored as (row, neighbour), with the layer in both when layered.
      auto arrive = [&](NodeId u, NodeId v, NodeId stored_u, NodeId stored_v) {
        if (u == v) return;
        if (std::uint64_t{u} - lo >= span) mine[chunk_of(u)].emplace_back(stored_u, stored_v);
        if (std::uint64_t{v} - lo >= span) mine[chunk_of(v)].emplace_back(stored_v, stored_u);
      };
      errors.run([&] {
        const auto ci = static_cast<std::size_t>(c);
        if constexpr (layered)
          edges_bound[ci] = leaving(ci, [&](NodeId u, NodeId v, unsigned layer) {
            arrive(u, v, with_layer(u, layer), with_layer(v, layer));
          });
        else
          edges_bound[ci] = leaving(ci, [&](NodeId u, NodeId v) { arrive(u, v, u, v); });
      });
    }
  }
  errors.rethrow();
  std::uint64_t entries_bound = 0;
  for (std::size_t c = 0; c < chunks; ++c) {
    std::uint64_t arrivals = 0;
    for (const auto& per_thread : arriving) arrivals += per_thread[c].size();
    if (2 * edges_bound[c] + arrivals > 0xFFFFFFFFu)
      throw std::length_error("build_csr_owned: a chunk's rows must hold fewer than 2^32 entries");
    entries_bound += 2 * edges_bound[c];
  }
  check_directed_ties(entries_bound, "build_csr_owned");

  Graph g;
  g.offsets.resize(nodes + 1);
  g.targets.resize(entries_bound);  // uninitialised; pages past the final size are never touched
  if constexpr (layered) g.layers.resize_uninitialised(entries_bound);  // likewise
  std::uint64_t placed = 0;
  std::uint64_t zeroed = ~std::uint64_t{0};  // the last layer byte the ordered section zeroed
  bool overflow = false;
#pragma omp parallel
  {
    std::vector<Edge> edges;
    ChunkRows rows;
    PackedLayers layer;  // the chunk's entries
#pragma omp for ordered schedule(dynamic, 1)
    for (std::int64_t c = 0; c < n_chunks; ++c) {
      const auto ci = static_cast<std::size_t>(c);
      const std::uint64_t lo = chunk_start[ci], span = chunk_start[ci + 1] - lo;
      const std::uint64_t cap = edges_bound[ci];
      std::uint64_t packed = 0;
      // Every iteration still passes the ordered section below (with nothing to place after a failure).
      errors.run([&] {
        if (edges.size() < cap) edges.resize(cap + cap / 8);
        Edge* const e = edges.data();
        std::size_t n = 0;
        auto chunk_rows = [&] {
          if (n > cap) {
#pragma omp atomic write
            overflow = true;
            n = cap;
          }
          packed = rows.build < layered ? 2 : 0 > (e, n, lo, span, arriving, ci, g.offsets.data() + lo);
        };
        if constexpr (layered) {
          source(ci, [&](NodeId u, NodeId v, unsigned tie_layer) {
            if (n < cap) e[n] = {with_layer(u, tie_layer), with_layer(v, tie_layer)};
            ++n;
          });
          chunk_rows();
          const std::uint64_t words = packed / 32 + 2;  // and a zero word after the last
          if (layer.size() < words) layer.resize(words + words / 8);
          split_layers(rows.slab.get(), packed, layer.data());
        } else {
          source(ci, [&](NodeId u, NodeId v) {
            if (n < cap) e[n] = {u, v};
            ++n;
          });
          chunk_rows();
        }
      });
      std::uint64_t base = 0;
#pragma omp ordered
      {
        base = placed;
        placed += packed;
        // A layer byte that this chunk's end shares with the next chunks' entries starts at zero.
        if (layered && (placed & 3) != 0 && placed >> 2 != zeroed) {
          zeroed = placed >> 2;
          g.layers.bytes()[zeroed] = 0;
        }
      }
      for (std::uint64_t i = 0; i < span; ++i) g.offsets[lo + i] += static_cast<EdgeIndex>(base);
      if (packed > 0) std::memcpy(g.targets.data() + base, rows.slab.get(), packed * sizeof(NodeId));
      if constexpr (layered) store_layers(g.layers.bytes(), base, layer.data(), packed);
      for (auto& per_thread : arriving) std::vector<Edge>().swap(per_thread[ci]);
    }
  }
  errors.rethrow();
  if (overflow) throw std::logic_error("build_csr_owned: source emitted more edges than leaving() counted");
  g.offsets[nodes] = static_cast<EdgeIndex>(placed);
  g.targets.resize(placed);
  if constexpr (layered) g.layers.resize_uninitialised(placed);
  return g;
}

}  // namespace detail

template <class Source, class Leaving>
Graph build_csr_owned(std::size_t nodes, const std::vector<std::uint64_t>& chunk_start, const Source& source,
                      const Leaving& leaving) {
  return detail::build_owned<false>(nodes, chunk_start, source, leaving);
}

template <class Source, class Leaving>
Graph build_csr_owned_layered(std::size_t nodes, const std::vector<std::uint64_t>& chunk_start, const Source& source,
                              const Leaving& leaving) {
  return detail::build_owned<true>(nodes, chunk_start, source, leaving);
}

}  // namespace gs
