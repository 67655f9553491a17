// The CSR builder must give the same graph as an independent set-of-pairs
// construction, for any thread count, with and without row ownership, even
// when one block of rows is full of duplicates (the sequential move path).
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

#include "sim/core/cpu_features.hpp"
#include "sim/core/random.hpp"
#include "sim/graph/csr_builder.hpp"
#include "sim/graph/graph.hpp"

using namespace gs;

namespace {
using Pairs = std::vector<std::pair<NodeId, NodeId>>;

Graph reference(std::size_t nodes, const std::vector<Pairs>& chunks) {
  std::vector<std::set<NodeId>> rows(nodes);
  for (const auto& chunk : chunks)
    for (auto [u, v] : chunk)
      if (u != v) rows[u].insert(v), rows[v].insert(u);
  Graph g;
  for (const auto& row : rows) {
    g.targets.insert(g.targets.end(), row.begin(), row.end());
    g.offsets.push_back(static_cast<EdgeIndex>(g.targets.size()));
  }
  return g;
}

// Chunk c owns rows [100c, 100c + 100); ties mostly inside, some anywhere,
// with duplicates and self loops; chunk 0 repeats each of its ties 50 times.
std::vector<Pairs> random_chunks(std::size_t nodes) {
  std::vector<Pairs> chunks(nodes / 100);
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    Stream rng(9, 0, 0, static_cast<std::uint32_t>(c), 1);
    for (int i = 0; i < 700; ++i) {
      const auto u = static_cast<NodeId>(100 * c + rng.below32(100));
      const auto v = rng.uniform() < 0.8 ? static_cast<NodeId>(100 * c + rng.below32(100))
                                         : static_cast<NodeId>(rng.below32(static_cast<std::uint32_t>(nodes)));
      for (int r = 0; r < (c == 0 ? 50 : 1); ++r) chunks[c].emplace_back(u, v);
    }
  }
  return chunks;
}

void expect_same(const Graph& a, const Graph& b) {
  ASSERT_EQ(a.offsets, b.offsets);
  ASSERT_EQ(a.targets, b.targets);
}
}  // namespace

TEST(CsrBuilder, MatchesAnIndependentConstructionForAnyThreadCount) {
  const std::size_t nodes = 20000;
  const auto chunks = random_chunks(nodes);
  const Graph expected = reference(nodes, chunks);
  std::vector<std::uint64_t> chunk_start;
  for (std::size_t c = 0; c <= chunks.size(); ++c) chunk_start.push_back(100 * c);
  const int saved = omp_get_max_threads();
  for (int threads : {1, 2, 3, 7}) {
    omp_set_num_threads(threads);
    expect_same(build_csr(nodes, chunks), expected);
    const auto source = [&](std::size_t c, auto&& emit) {
      for (auto [u, v] : chunks[c]) emit(u, v);
    };
    // leaving() may emit everything (the staying edges are ignored) ...
    const auto everything = [&](std::size_t c, auto&& emit) {
      source(c, emit);
      return std::uint64_t{chunks[c].size()};
    };
    expect_same(build_csr_owned(nodes, chunk_start, source, everything), expected);
    // ... or exactly the edges with an endpoint outside the chunk.
    const auto only_leaving = [&](std::size_t c, auto&& emit) {
      for (auto [u, v] : chunks[c])
        if (u / 100 != c || v / 100 != c) emit(u, v);
      return std::uint64_t{chunks[c].size()};
    };
    expect_same(build_csr_owned(nodes, chunk_start, source, only_leaving), expected);
  }
  omp_set_num_threads(saved);
}

TEST(CsrBuilder, DuplicatesInTheFirstBlockTakeTheSequentialPath) {
  // 3 nodes, every tie repeated: with 3 threads the later blocks are shorter
  // than the duplicates before them.
  const std::vector<Pairs> chunks = {Pairs(300, {0, 1}), Pairs(5, {1, 2}), Pairs(5, {2, 0})};
  const int saved = omp_get_max_threads();
  omp_set_num_threads(3);
  expect_same(build_csr(3, chunks), reference(3, chunks));
  omp_set_num_threads(saved);
}

TEST(Random, Below32StaysInRangeAndIsUniform) {
  // 60,000 draws in [0, 6): each count is Binomial(60000, 1/6), sd about 91.
  Stream rng(5, 0, 0, 0, 2);
  std::vector<int> count(6, 0);
  for (int i = 0; i < 60000; ++i) {
    const std::uint32_t x = rng.below32(6);
    ASSERT_LT(x, 6u);
    ++count[x];
  }
  for (int c : count) EXPECT_NEAR(c, 10000, 500);
}

TEST(CsrBuilder, OwnedBuilderRefusesASourceThatEmitsMoreThanLeavingCounted) {
  const std::vector<std::uint64_t> chunk_start = {0, 5, 10};
  const auto source = [](std::size_t c, auto&& emit) {
    for (NodeId i = 0; i < 4; ++i) emit(NodeId(5 * c + i), NodeId(5 * c + i + 1));
  };
  const auto undercount = [](std::size_t, auto&&) { return std::uint64_t{3}; };
  EXPECT_THROW(build_csr_owned(10, chunk_start, source, undercount), std::logic_error);
  const std::vector<std::uint64_t> not_covering = {0, 5};
  EXPECT_THROW(build_csr_owned(10, not_covering, source, undercount), std::invalid_argument);
}

// Offsets are 32-bit: both builders refuse a graph with more directed ties
// than they hold, before allocating its rows, and accept one that just fits.
TEST(CsrBuilder, OffsetsHoldUpToTheLastDirectedTieAndNoMore) {
  Graph fits;
  detail::set_offsets(fits, {0xFFFFFFFEu, 1u, 0u});
  EXPECT_EQ(fits.offsets.size(), 4u);
  EXPECT_EQ(fits.offsets[1], 0xFFFFFFFEu);
  EXPECT_EQ(fits.offsets[3], max_directed_ties);
  Graph too_many;
  EXPECT_THROW(detail::set_offsets(too_many, {0xFFFFFFFFu, 1u}), std::length_error);

  const std::vector<std::uint64_t> chunk_start = {0, 5, 10};
  const auto source = [](std::size_t, auto&&) {};
  // Each chunk alone fits (2 * 0x7FFFFFFF entries); together they do not.
  const auto leaving = [](std::size_t, auto&&) { return std::uint64_t{0x7FFFFFFF}; };
  try {
    build_csr_owned(10, chunk_start, source, leaving);
    ADD_FAILURE() << "no exception";
  } catch (const std::length_error& e) {
    EXPECT_NE(std::string(e.what()).find("8589934588 directed ties"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("population_scale"), std::string::npos) << e.what();
  }
}

TEST(CsrBuilder, OwnedBuilderHandlesEmptyChunksAndChunksWithoutEdges) {
  // Chunk 0 emits nothing, chunk 1 owns no rows, chunk 2 ties its rows to chunk 0's.
  const std::vector<Pairs> chunks = {{}, {}, {{5, 0}, {6, 1}, {7, 7}}};
  const std::vector<std::uint64_t> chunk_start = {0, 5, 5, 10};
  const auto source = [&](std::size_t c, auto&& emit) {
    for (auto [u, v] : chunks[c]) emit(u, v);
  };
  const auto leaving = [&](std::size_t c, auto&& emit) {
    source(c, emit);
    return std::uint64_t{chunks[c].size()};
  };
  const int saved = omp_get_max_threads();
  for (int threads : {1, 2, 4}) {
    omp_set_num_threads(threads);
    expect_same(build_csr_owned(10, chunk_start, source, leaving), reference(10, chunks));
  }
  omp_set_num_threads(saved);
}

TEST(CsrBuilder, LayeredBuilderGivesEveryEntryItsLayerWhereverChunksEnd) {
  // Chunks of 1 to 9 rows (some empty of edges), so that their entries start
  // and end anywhere in a layer byte; a layer from the tie's two ends alone
  // (either way round), carried through the sort with the ids.
  const std::size_t nodes = 3000;
  std::vector<std::uint64_t> chunk_start = {0};
  Stream sizes(4, 0, 0, 0, 3);
  while (chunk_start.back() < nodes)
    chunk_start.push_back(std::min<std::uint64_t>(nodes, chunk_start.back() + 1 + sizes.below32(9)));
  std::vector<Pairs> chunks(chunk_start.size() - 1);
  for (std::size_t c = 0; c < chunks.size(); ++c) {
    Stream rng(9, 0, 0, static_cast<std::uint32_t>(c), 1);
    const auto lo = static_cast<std::uint32_t>(chunk_start[c]);
    const auto span = static_cast<std::uint32_t>(chunk_start[c + 1] - lo);
    const std::uint32_t ties = c % 5 == 0 ? 0 : rng.below32(12);
    for (std::uint32_t i = 0; i < ties; ++i) {
      const auto u = static_cast<NodeId>(lo + rng.below32(span));
      const auto v = rng.uniform() < 0.7 ? static_cast<NodeId>(lo + rng.below32(span))
                                         : static_cast<NodeId>(rng.below32(static_cast<std::uint32_t>(nodes)));
      chunks[c].emplace_back(u, v);
    }
  }
  const Graph expected = reference(nodes, chunks);
  const auto layer = [](NodeId row, NodeId target) { return ((row ^ target) * 7u + (row + target) / 3u) % 4u; };
  const auto source = [&](std::size_t c, auto&& emit) {
    for (auto [u, v] : chunks[c]) emit(u, v, layer(u, v));
  };
  const auto leaving = [&](std::size_t c, auto&& emit) {
    for (auto [u, v] : chunks[c]) emit(u, v, layer(u, v));
    return std::uint64_t{chunks[c].size()};
  };
  const int saved = omp_get_max_threads();
  for (int threads : {1, 2, 3, 7}) {
    omp_set_num_threads(threads);
    const Graph g = build_csr_owned_layered(nodes, chunk_start, source, leaving);
    expect_same(g, expected);
    ASSERT_EQ(g.layers.byte_count(), (g.targets.size() + 3) / 4);
    for (NodeId v = 0; v < nodes; ++v)
      for (std::uint64_t e = g.offsets[v]; e < g.offsets[v + 1]; ++e)
        ASSERT_EQ(static_cast<unsigned>(g.layers.at(e)), layer(v, g.targets[e])) << "row " << v << " entry " << e;
    if (g.targets.size() % 4 != 0) {  // the last byte's unused bits stay zero
      EXPECT_EQ(g.layers.bytes()[g.layers.byte_count() - 1] >> (2 * (g.targets.size() % 4)), 0);
    }
  }
  omp_set_num_threads(saved);
}

// Rows in order (the fast path), with a repeat, or shuffled, at every length
// a row register holds and past it, on each vector path the CPU runs.
TEST(CsrBuilder, SortUniqueRowSortsAndDropsRepeats) {
  for (VectorLevel level : {VectorLevel::baseline, VectorLevel::avx2, VectorLevel::avx512}) {
    if (!host_supports(level)) continue;
    force_vector_level(level);
    for (std::size_t n = 0; n <= 72; ++n)
      for (int kind = 0; kind < 3; ++kind) {
        std::vector<NodeId> row(n);
        for (std::size_t i = 0; i < n; ++i) row[i] = static_cast<NodeId>(3 * i + 1);
        if (kind == 1 && n >= 3) row[n / 2] = row[n / 2 - 1];  // a repeat, still in order
        if (kind == 2) std::reverse(row.begin(), row.end());
        std::vector<NodeId> expected = row;
        std::sort(expected.begin(), expected.end());
        expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
        std::vector<NodeId> out(n + 1, 7);
        const std::uint64_t kept = detail::sort_unique_row(row.data(), row.data() + n, out.data());
        ASSERT_EQ(kept, expected.size()) << vector_level_name(level) << " n " << n << " kind " << kind;
        out.resize(kept);
        ASSERT_EQ(out, expected) << vector_level_name(level) << " n " << n << " kind " << kind;
      }
  }
  force_vector_level(std::nullopt);
}

TEST(CsrBuilder, LayerBitsRoundTripThroughIdsAndKeepTheirOrder) {
  // with_layer and split_layers at the ends of the id range, for lengths
  // around whole words of layers.
  const NodeId top = static_cast<NodeId>(detail::max_layered_nodes - 1);
  for (std::uint64_t n : {0, 1, 15, 16, 17, 31, 32, 33, 64, 95, 200}) {
    std::vector<NodeId> ids(n), entries(n);
    std::vector<unsigned> layers(n);
    for (std::uint64_t k = 0; k < n; ++k) {
      ids[k] = k % 3 == 0 ? static_cast<NodeId>(top - k) : static_cast<NodeId>(k * 7919);
      layers[k] = static_cast<unsigned>((k * 5 + n) % 4);
      entries[k] = detail::with_layer(ids[k], layers[k]);
      ASSERT_NE(entries[k], 0xFFFFFFFFu);  // never the sorts' free-slot marker
    }
    // Every variant this CPU runs.
    for (VectorLevel level : {VectorLevel::baseline, VectorLevel::avx2, VectorLevel::avx512}) {
      if (!host_supports(level)) continue;
      force_vector_level(level);
      std::vector<NodeId> split = entries;
      std::vector<std::uint64_t> words(n / 32 + 2, ~std::uint64_t{0});
      detail::split_layers(split.data(), n, words.data());
      force_vector_level(std::nullopt);
      EXPECT_EQ(split, ids) << vector_level_name(level);
      for (std::uint64_t k = 0; k < n; ++k)
        ASSERT_EQ((words[k / 32] >> (2 * (k % 32))) & 3u, layers[k]) << k << " " << vector_level_name(level);
      if (n % 32 != 0) {
        EXPECT_EQ(words[n / 32] >> (2 * (n % 32)), 0u) << vector_level_name(level);  // unused bits zero
      }
      EXPECT_EQ(words[n / 32 + 1], 0u) << vector_level_name(level);  // and a zero word after the last
    }
  }
  // Ids keep their order whatever the layers; a tie's repeats stay equal.
  EXPECT_LT(detail::with_layer(5, 3), detail::with_layer(6, 0));
  EXPECT_EQ(detail::with_layer(top, 3), detail::with_layer(top, 3));
  EXPECT_LT(detail::with_layer(top, 3), 0xFFFFFFFFu);
}

TEST(CsrBuilder, LayeredBuilderRefusesIdsTooLargeForTheLayerBits) {
  const std::uint64_t nodes = detail::max_layered_nodes + 1;
  const std::vector<std::uint64_t> chunk_start = {0, nodes};
  const auto source = [](std::size_t, auto&&) {};
  const auto leaving = [](std::size_t, auto&&) { return std::uint64_t{0}; };
  EXPECT_THROW(build_csr_owned_layered(nodes, chunk_start, source, leaving), std::length_error);
}

TEST(CsrBuilder, RowSortMatchesSortAndUniqueForEveryLengthAndVariant) {
  // Lengths across the one-register, several-register and std::sort paths,
  // ids with repeats (a narrow range) or not, packed to the row's start or
  // further left.
  Stream rng(11, 0, 0, 0, 4);
  for (VectorLevel level : {VectorLevel::baseline, VectorLevel::avx2, VectorLevel::avx512}) {
    if (!host_supports(level)) continue;
    force_vector_level(level);
    for (std::uint32_t n = 0; n <= 100; ++n)
      for (std::uint32_t range : {8u, 1000u, 0xFFFFFFFEu}) {
        std::vector<NodeId> row(n);
        for (NodeId& x : row) x = rng.below32(range);
        std::vector<NodeId> expected = row;
        std::sort(expected.begin(), expected.end());
        expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
        for (std::uint32_t gap : {0u, 3u}) {
          // The next row follows: it must be left as it is.
          const std::vector<NodeId> next_row(9, 5);
          std::vector<NodeId> buffer(gap, 7);
          buffer.insert(buffer.end(), row.begin(), row.end());
          buffer.insert(buffer.end(), next_row.begin(), next_row.end());
          const std::uint64_t kept =
              detail::sort_unique_row(buffer.data() + gap, buffer.data() + gap + n, buffer.data());
          ASSERT_EQ(std::vector<NodeId>(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(kept)), expected)
              << "n " << n << " range " << range << " gap " << gap << " " << vector_level_name(level);
          ASSERT_EQ(std::vector<NodeId>(buffer.end() - 9, buffer.end()), next_row)
              << "n " << n << " range " << range << " gap " << gap << " " << vector_level_name(level);
        }
      }
    force_vector_level(std::nullopt);
  }
}

// Edges in (u, v) order with u < v (as erdos_renyi emits them) skip the row
// sort on one thread; one edge out of order, a repeat or a self loop anywhere
// must bring the sort back. Each case against the independent construction.
TEST(CsrBuilder, EdgesInOrderGiveTheSameGraphWithOrWithoutTheSort) {
  const std::size_t nodes = 3000;
  std::vector<Pairs> ordered(30);
  for (NodeId u = 0; u < nodes; ++u) {
    Stream rng(4, 0, 0, u, 1);
    for (NodeId v = u + 1 + rng.below32(40); v < nodes; v += 1 + rng.below32(400)) ordered[u / 100].emplace_back(u, v);
  }
  std::vector<std::vector<Pairs>> cases = {ordered, ordered, ordered, ordered};
  std::swap(cases[1][3][5], cases[1][3][6]);  // two edges out of order
  cases[2][7].insert(cases[2][7].begin() + 9, cases[2][7][9]);  // a repeat
  cases[3][12].insert(cases[3][12].begin() + 4, {1250, 1250});  // a self loop
  const int saved = omp_get_max_threads();
  for (std::size_t k = 0; k < cases.size(); ++k)
    for (int threads : {1, 2}) {
      SCOPED_TRACE("case " + std::to_string(k) + ", " + std::to_string(threads) + " threads");
      omp_set_num_threads(threads);
      expect_same(build_csr(nodes, cases[k]), reference(nodes, cases[k]));
    }
  omp_set_num_threads(saved);
}
