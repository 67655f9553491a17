#include "sim/graph/graph.hpp"
#include "sim/graph/csr_builder.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <string>

#include <omp.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "sim/core/cpu_features.hpp"
#include "sim/core/parallel_errors.hpp"
#include "sim/core/random.hpp"
#include "sim/graph/stream_words.hpp"

namespace gs {

Graph build_csr(std::size_t nodes, const std::vector<std::vector<std::pair<NodeId, NodeId>>>& edge_chunks) {
  return build_csr_streamed(nodes, edge_chunks.size(), [&](std::size_t c, auto&& emit) {
    for (auto [u, v] : edge_chunks[c]) emit(u, v);
  });
}

namespace detail {

namespace {
// Thread t of `threads` handles rows [row_split(n, t, threads), row_split(n, t + 1, threads)).
std::size_t row_split(std::size_t n, std::size_t t, std::size_t threads) { return n * t / threads; }

// Sorts a row and drops repeats; returns the kept length. Short rows are
// sorted by counting, for each entry, the smaller entries: its rank. Repeats
// share a rank, so they land in the same slot and the slots they leave free
// keep a marker that no node id can equal. No data-dependent branches (a
// comparison sort of ~14 random ids mispredicts about every other branch),
// and the counting loop vectorises.
constexpr std::ptrdiff_t small_row = 32;
constexpr std::ptrdiff_t long_row = 64;  // the AVX-512 variant's limit
constexpr NodeId free_slot = 0xFFFFFFFFu;  // populations stay below 2^32 - 1

std::uint64_t sort_unique_long_row(NodeId* first, NodeId* last, NodeId* dest) {
  std::sort(first, last);
  const auto kept = static_cast<std::uint64_t>(std::unique(first, last) - first);
  if (dest != first) std::memmove(dest, first, kept * sizeof(NodeId));
  return kept;
}

// A row already in order with no repeats (every row of some generators'
// lists; an ordered list built on one thread skips the sort altogether,
// build_csr_streamed) is only moved to dest: true if it was.
bool moved_if_in_order(const NodeId* first, std::ptrdiff_t n, NodeId* dest) {
  bool in_order = true;
  for (std::ptrdiff_t i = 1; i < n; ++i) in_order &= first[i - 1] < first[i];
  if (in_order && dest != first && n > 0) std::memmove(dest, first, static_cast<std::size_t>(n) * sizeof(NodeId));
  return in_order;
}

// Stores the n ranked slots of `out` from dest on, leaving out the free ones
// that repeats left; returns how many were kept.
std::uint64_t pack_kept(const NodeId* out, std::ptrdiff_t n, NodeId* dest) {
  std::uint64_t kept = 0;
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    dest[kept] = out[i];
    kept += out[i] != free_slot;
  }
  return kept;
}

std::uint64_t sort_unique_row_generic(NodeId* first, NodeId* last, NodeId* dest) {
  const std::ptrdiff_t n = last - first;
  if (n > small_row) return sort_unique_long_row(first, last, dest);
  if (moved_if_in_order(first, n, dest)) return static_cast<std::uint64_t>(n);
  NodeId out[small_row];
  for (std::ptrdiff_t i = 0; i < n; ++i) out[i] = free_slot;
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const NodeId x = first[i];
    std::uint32_t rank = 0;
    for (std::ptrdiff_t j = 0; j < n; ++j) rank += first[j] < x;
    out[rank] = x;
  }
  return pack_kept(out, n, dest);
}

#if defined(__x86_64__)
// (GCC 12 warns about the intrinsics' own deliberately undefined registers.)
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
// The same with AVX-512: a row of up to 64 ids sits in four registers (padded
// with the marker, which is never smaller than an id), an entry's rank is
// the population count of one vector comparison per register, and the kept
// slots are packed with a compressing store.
__attribute__((target("avx512f,popcnt"))) std::uint64_t sort_unique_row_avx512(NodeId* first, NodeId* last,
                                                                               NodeId* dest) {
  const std::ptrdiff_t n = last - first;
  const __m512i marker = _mm512_set1_epi32(-1);
  if (n <= 16) {  // most rows: one register
    const auto lanes = static_cast<__mmask16>((1u << n) - 1u);
    const __m512i row = _mm512_mask_loadu_epi32(marker, lanes, first);
    // A row already in order with no repeats (moved_if_in_order) is only
    // moved: each entry below the next.
    const __m512i next =
        _mm512_permutexvar_epi32(_mm512_set_epi32(15, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1), row);
    const auto pairs = static_cast<__mmask16>(lanes >> 1);
    if (_mm512_mask_cmplt_epu32_mask(pairs, row, next) == pairs) {
      _mm512_mask_compressstoreu_epi32(dest, lanes, row);
      return static_cast<std::uint64_t>(n);
    }
    alignas(64) NodeId out[16];
    _mm512_store_si512(out, marker);
    for (std::ptrdiff_t i = 0; i < n; ++i)
      out[_mm_popcnt_u32(_mm512_cmplt_epu32_mask(row, _mm512_set1_epi32(static_cast<int>(first[i]))))] = first[i];
    const __m512i sorted = _mm512_load_si512(out);
    const __mmask16 kept = _mm512_cmpneq_epu32_mask(sorted, marker);
    _mm512_mask_compressstoreu_epi32(dest, kept, sorted);
    return static_cast<unsigned>(_mm_popcnt_u32(kept));
  }
  // Up to 64 ids (rows of sociable citizens): four registers, the rank a sum of four counts.
  if (n > long_row) return sort_unique_long_row(first, last, dest);
  const auto regs = static_cast<unsigned>((n + 15) / 16);
  __m512i row[4];
  alignas(64) NodeId out[long_row];
  for (unsigned r = 0; r < 4; ++r) {
    const std::ptrdiff_t left = n - 16 * static_cast<std::ptrdiff_t>(r);
    const auto lanes = static_cast<__mmask16>(left >= 16 ? 0xFFFFu : left <= 0 ? 0u : (1u << left) - 1u);
    row[r] = _mm512_mask_loadu_epi32(marker, lanes, first + 16 * r);
    _mm512_store_si512(out + 16 * r, marker);
  }
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const __m512i x = _mm512_set1_epi32(static_cast<int>(first[i]));
    unsigned rank = 0;
    for (unsigned r = 0; r < regs; ++r)
      rank += static_cast<unsigned>(_mm_popcnt_u32(_mm512_cmplt_epu32_mask(row[r], x)));
    out[rank] = first[i];
  }
  unsigned kept = 0;
  for (unsigned r = 0; r < regs; ++r) {
    const __m512i sorted = _mm512_load_si512(out + 16 * r);
    const __mmask16 keep = _mm512_cmpneq_epu32_mask(sorted, marker);
    _mm512_mask_compressstoreu_epi32(dest + kept, keep, sorted);
    kept += static_cast<unsigned>(_mm_popcnt_u32(keep));
  }
  return kept;
}

// The same with AVX2 for CPUs without AVX-512: up to 64 ids in eight
// registers of eight, read and written with lane masks (a masked lane is
// neither read nor written, so nothing past the row is touched), unused
// lanes holding the marker. AVX2 compares only signed, so ids are compared
// with the top bit flipped (the flipped marker is then the largest value,
// never smaller than an id). Ranks are counted eight entries at a time:
// each entry, broadcast, is compared with every register, and the rank
// registers count the entries below each lane's id (two instructions per
// register and entry, where a count per entry takes four). The kept slots
// are packed a register at a time with a permutation from compress_order.
constexpr std::ptrdiff_t avx2_row = 64;

// For each 8-bit mask of kept lanes, the kept lanes' indices in order, one
// per 4-bit nibble, lowest nibble first.
constexpr std::array<std::uint32_t, 256> compress_order = [] {
  std::array<std::uint32_t, 256> order{};
  for (unsigned mask = 0; mask < 256; ++mask) {
    unsigned nibble = 0;
    for (unsigned lane = 0; lane < 8; ++lane)
      if (mask & (1u << lane)) order[mask] |= lane << (4 * nibble++);
  }
  return order;
}();

// Lanes below m (any m; none below 0, all eight from 8 on) as a lane mask.
__attribute__((target("avx2"))) inline __m256i lanes_below(std::ptrdiff_t m) {
  const auto clamped = static_cast<int>(std::clamp<std::ptrdiff_t>(m, 0, 8));
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(clamped), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
// The ids at p of the lanes in `lanes`, the marker in the others.
__attribute__((target("avx2"))) inline __m256i load_lanes(const NodeId* p, __m256i lanes) {
  const __m256i loaded = _mm256_maskload_epi32(reinterpret_cast<const int*>(p), lanes);
  return _mm256_or_si256(loaded, _mm256_xor_si256(lanes, _mm256_set1_epi32(-1)));
}

__attribute__((target("avx2,popcnt"))) std::uint64_t sort_unique_row_avx2(NodeId* first, NodeId* last, NodeId* dest) {
  const std::ptrdiff_t n = last - first;
  if (n > avx2_row) return sort_unique_long_row(first, last, dest);
  const __m256i flip = _mm256_set1_epi32(static_cast<int>(0x80000000u));
  const std::ptrdiff_t registers = (n + 7) / 8;
  __m256i row[avx2_row / 8];
  // A row already in order with no repeats (moved_if_in_order) is only
  // moved: each id below the next (the
  // marker after the last).
  bool in_order = true;
  for (std::ptrdiff_t r = 0; r < registers; ++r) {
    const __m256i lanes = lanes_below(n - 8 * r);
    row[r] = _mm256_xor_si256(load_lanes(first + 8 * r, lanes), flip);
    const __m256i next = _mm256_xor_si256(load_lanes(first + 8 * r + 1, lanes_below(n - 1 - 8 * r)), flip);
    const __m256i below_next = _mm256_and_si256(_mm256_cmpgt_epi32(next, row[r]), lanes);
    in_order &= _mm256_movemask_ps(_mm256_castsi256_ps(below_next)) == _mm256_movemask_ps(_mm256_castsi256_ps(lanes));
  }
  if (in_order) {
    for (std::ptrdiff_t r = 0; r < registers; ++r)
      _mm256_maskstore_epi32(reinterpret_cast<int*>(dest + 8 * r), lanes_below(n - 8 * r),
                             _mm256_xor_si256(row[r], flip));
    return static_cast<std::uint64_t>(n);
  }
  __m256i rank[avx2_row / 8];
  for (std::ptrdiff_t r = 0; r < registers; ++r) rank[r] = _mm256_setzero_si256();
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const __m256i x = _mm256_set1_epi32(static_cast<int>(first[i] ^ 0x80000000u));
    for (std::ptrdiff_t r = 0; r < registers; ++r)
      rank[r] = _mm256_sub_epi32(rank[r], _mm256_cmpgt_epi32(row[r], x));  // -1 where x is below the lane's id
  }
  alignas(32) std::uint32_t ranks[avx2_row];
  alignas(32) NodeId out[avx2_row];
  const __m256i marker = _mm256_set1_epi32(-1);
  for (std::ptrdiff_t r = 0; r < registers; ++r) {
    _mm256_store_si256(reinterpret_cast<__m256i*>(ranks + 8 * r), rank[r]);
    _mm256_store_si256(reinterpret_cast<__m256i*>(out + 8 * r), marker);
  }
  for (std::ptrdiff_t i = 0; i < n; ++i) out[ranks[i]] = first[i];
  const __m256i nibble_shifts = _mm256_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28), nibble = _mm256_set1_epi32(15);
  std::uint64_t kept = 0;
  for (std::ptrdiff_t r = 0; r < registers; ++r) {
    const __m256i sorted = _mm256_load_si256(reinterpret_cast<const __m256i*>(out + 8 * r));
    const auto keep =
        static_cast<unsigned>(~_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(sorted, marker)))) & 0xFFu;
    const __m256i order = _mm256_and_si256(
        _mm256_srlv_epi32(_mm256_set1_epi32(static_cast<int>(compress_order[keep])), nibble_shifts), nibble);
    const auto count = static_cast<std::ptrdiff_t>(_mm_popcnt_u32(keep));
    _mm256_maskstore_epi32(reinterpret_cast<int*>(dest + kept), lanes_below(count),
                           _mm256_permutevar8x32_epi32(sorted, order));
    kept += static_cast<std::uint64_t>(count);
  }
  return kept;
}

#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif
}  // namespace

SortUniqueRow sort_unique_row_variant() {
#if defined(__x86_64__)
  if (vector_level() == VectorLevel::avx512) return sort_unique_row_avx512;
  if (vector_level() == VectorLevel::avx2) return sort_unique_row_avx2;
#endif
  return sort_unique_row_generic;
}

std::uint64_t sort_unique_row(NodeId* first, NodeId* last, NodeId* dest) {
  return sort_unique_row_variant()(first, last, dest);
}

void set_offsets(Graph& g, const std::vector<std::uint32_t>& counts) {
  const std::size_t nodes = counts.size();
  g.offsets.resize(nodes + 1);
  std::uint64_t total = 0;
  std::vector<std::uint64_t> block_total(static_cast<std::size_t>(omp_get_max_threads()) + 1, 0);
#pragma omp parallel
  {
    const auto threads = static_cast<std::size_t>(omp_get_num_threads());
    const auto t = static_cast<std::size_t>(omp_get_thread_num());
    const std::size_t a = row_split(nodes, t, threads), b = row_split(nodes, t + 1, threads);
    std::uint64_t sum = 0;
    for (std::size_t v = a; v < b; ++v) sum += counts[v];
    block_total[t + 1] = sum;
#pragma omp barrier
    std::uint64_t running = 0;
    for (std::size_t s = 0; s <= t; ++s) running += block_total[s];
    for (std::size_t v = a; v < b; ++v) {
      g.offsets[v] = static_cast<EdgeIndex>(running);
      running += counts[v];
    }
    if (t + 1 == threads) {
      g.offsets[nodes] = static_cast<EdgeIndex>(running);
      total = running;
    }
  }
  check_directed_ties(total, "build_csr");  // before any row is filled
}

// Three phases, each thread on its own contiguous block of rows: sort and
// dedupe rows, packing them to the block's start; save the tail of the block
// that the next block's packed rows will overwrite; move the packed block left
// by the duplicates of all earlier blocks. Rows only ever move left.
void finish_rows(Graph& g) {
  const std::size_t nodes = g.nodes();
  const auto max_threads = static_cast<std::size_t>(omp_get_max_threads());
  std::vector<std::uint64_t> start(max_threads + 1), packed(max_threads), shift(max_threads + 1);
  std::vector<std::vector<NodeId>> tail(max_threads);
  bool parallel_move = true;
  std::size_t used_threads = 1;
  NodeId* const targets = g.targets.data();
  const SortUniqueRow sort_row = sort_unique_row_variant();
  ParallelErrors errors;  // saving a tail allocates
#pragma omp parallel
  {
    const auto threads = static_cast<std::size_t>(omp_get_num_threads());
    const auto t = static_cast<std::size_t>(omp_get_thread_num());
    const std::size_t a = row_split(nodes, t, threads), b = row_split(nodes, t + 1, threads);
    start[t] = g.offsets[a];
    if (t + 1 == threads) start[threads] = g.offsets[nodes];
#pragma omp barrier
    std::uint64_t write = start[t];
    for (std::size_t v = a; v < b; ++v) {
      const std::uint64_t read = g.offsets[v], end = v + 1 < b ? g.offsets[v + 1] : start[t + 1];
      const std::uint64_t kept = sort_row(targets + read, targets + end, targets + write);
      g.offsets[v] = static_cast<EdgeIndex>(write - start[t]);  // relative to the block until the move
      write += kept;
    }
    packed[t] = write - start[t];
#pragma omp barrier
#pragma omp single
    {
      used_threads = threads;
      shift[0] = 0;
      for (std::size_t s = 0; s < threads; ++s) {
        shift[s + 1] = shift[s] + (start[s + 1] - start[s] - packed[s]);
        // Block s may only collide with its neighbours when it is at least as
        // long as its shift; otherwise move sequentially below.
        if (packed[s] < shift[s]) parallel_move = false;
      }
      g.offsets[nodes] = static_cast<EdgeIndex>(start[threads] - shift[threads]);
    }
    if (parallel_move) {
      // The next block's destination starts at start[t] + packed[t] - shift[t].
      const std::uint64_t keep = packed[t] - shift[t];
      if (t + 1 < threads)
        errors.run([&] { tail[t].assign(targets + start[t] + keep, targets + start[t] + packed[t]); });
#pragma omp barrier
      const std::uint64_t dest = start[t] - shift[t];
      if (shift[t] != 0 && !errors.failed()) {
        std::memmove(targets + dest, targets + start[t], keep * sizeof(NodeId));
        if (t + 1 < threads)
          std::copy(tail[t].begin(), tail[t].end(), targets + dest + keep);
        else
          std::memmove(targets + dest + keep, targets + start[t] + keep, (packed[t] - keep) * sizeof(NodeId));
      }
      for (std::size_t v = a; v < b; ++v) g.offsets[v] += static_cast<EdgeIndex>(dest);
    }
  }
  errors.rethrow();
  if (!parallel_move) {
    for (std::size_t t = 0; t < used_threads; ++t) {
      const std::uint64_t dest = start[t] - shift[t];
      std::memmove(targets + dest, targets + start[t], packed[t] * sizeof(NodeId));
      for (std::size_t v = row_split(nodes, t, used_threads); v < row_split(nodes, t + 1, used_threads); ++v)
        g.offsets[v] += static_cast<EdgeIndex>(dest);
    }
  }
  g.targets.resize(g.offsets[nodes]);
}

}  // namespace detail

void check_directed_ties(std::uint64_t entries, const char* builder) {
  if (entries > max_directed_ties)
    throw std::length_error(std::string(builder) + ": the graph would hold " + std::to_string(entries) +
                            " directed ties (each tie counts twice); at most " + std::to_string(max_directed_ties) +
                            " fit its 32-bit row offsets (the UK at population_scale 1 has about 956 million): "
                            "use a smaller population_scale or graph");
}

Population single_neighbourhood_population(std::size_t nodes, std::uint64_t seed) {
  Population p;
  p.neighbourhood.assign(nodes, 0);
  p.group.resize(nodes);
  // Node v's group from the first uniform of Stream(seed, 0, 0, v, 0xF00),
  // the streams of 256 nodes made at once (sim/graph/stream_words.hpp).
  constexpr std::size_t batch = 256;
  const auto batches = static_cast<std::int64_t>((nodes + batch - 1) / batch);
#pragma omp parallel for schedule(static)
  for (std::int64_t b = 0; b < batches; ++b) {
    const std::size_t first = static_cast<std::size_t>(b) * batch, n = std::min(batch, nodes - first);
    std::uint32_t words[4 * batch];
    stream_words(seed, static_cast<std::uint32_t>(first), 0xF00, n, 1, batch, words);
    for (std::size_t i = 0; i < n; ++i) p.group[first + i] = draw_group(uniform_from_words(words[i], words[batch + i]));
  }
  p.neighbourhood_start = {0, nodes};
  p.deprivation = {0.5f};
  p.region = {0};
  return p;
}

}  // namespace gs
