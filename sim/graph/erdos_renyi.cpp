// Erdős–Rényi G(n, p) with p = mean_degree / (nodes - 1). Instead of n^2/2
// coin flips, each row u jumps straight to its next neighbour v > u by a
// geometric skip (Batagelj & Brandes 2005), so the cost is O(nodes + edges).
// Rows are grouped in blocks generated in parallel; every row has its own
// random stream, so the graph is the same for any thread count.
#include <cmath>

#include "sim/core/input_error.hpp"
#include "sim/core/parallel_errors.hpp"
#include "sim/core/random.hpp"
#include "sim/graph/generator.hpp"
#include "sim/graph/geometric_skips.hpp"
#include "sim/graph/stream_words.hpp"

namespace gs {
namespace {

constexpr Purpose er_skip = 0x2E1;
constexpr std::uint64_t rows_per_block = 1024;
// A Stream counts its Philox blocks in 16 bits; start a fresh segment well before.
constexpr std::uint32_t draws_per_segment = 30000;
// Philox blocks of each row's stream made in a batch (sim/graph/stream_words.hpp):
// two blocks are four uniforms, enough for most rows at small mean degrees.
constexpr unsigned batched_blocks = 2;
constexpr unsigned batched_draws = 2 * batched_blocks;  // a uniform is two words

std::vector<ParamSpec> erdos_renyi_params() {
  // Parameter declarations read as a table, one per entry.
  // clang-format off
  return {
      ParamSpec::integer("nodes", 10000).range(1, 4000000000).scales().units("nodes").describe("Number of nodes"),
      ParamSpec::real("mean_degree", 4.0).range(0, 1e9).units("ties per node")
          .describe("Expected degree z; each pair is linked with probability p = z / (nodes - 1)"),
  };
  // clang-format on
}

void check_erdos_renyi(const ParamValues& params) {
  const auto n = static_cast<std::uint64_t>(params.integer("nodes"));
  const double z = params.real("mean_degree");
  if (z > static_cast<double>(n - 1))
    throw InputError("graph.mean_degree: " + format_real(z) + " is more than nodes - 1 = " + std::to_string(n - 1) +
                     "; allowed: from 0 to nodes - 1");
}

World generate_erdos_renyi(const ParamValues& params, std::uint64_t seed) {
  check_erdos_renyi(params);
  const auto n = static_cast<std::uint64_t>(params.integer("nodes"));
  const double z = params.real("mean_degree");
  const double p = n > 1 ? z / static_cast<double>(n - 1) : 0.0;
  const double log_q = std::log1p(-p);  // -inf when p == 1: every skip is 0

  const std::uint64_t blocks = (n + rows_per_block - 1) / rows_per_block;
  std::vector<std::vector<std::pair<NodeId, NodeId>>> chunks(blocks);
  const auto block_count = static_cast<std::int64_t>(blocks);
  ParallelErrors errors;
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t b = 0; b < block_count; ++b) {
    auto& edges = chunks[static_cast<std::size_t>(b)];
    if (p <= 0.0) continue;
    errors.run([&] {
      const std::uint64_t first = static_cast<std::uint64_t>(b) * rows_per_block;
      const std::uint64_t last = std::min(n, first + rows_per_block);
      const std::uint64_t rows = last - first;
      // The first blocks of the rows' streams (segment 0), made at once (uninitialised: every word read is made).
      std::vector<std::uint32_t, UninitialisedAllocator<std::uint32_t>> words(4 * batched_blocks * rows_per_block);
      stream_words(seed, static_cast<std::uint32_t>(first), er_skip, rows, batched_blocks, rows_per_block,
                   words.data());
      // The skips of those draws, draw j of row r at skips[j * rows_per_block + r]: computed together, they
      // no longer wait for each other (sim/graph/geometric_skips.hpp).
      std::vector<double, UninitialisedAllocator<double>> skips(batched_draws * rows_per_block);
      for (unsigned j = 0; j < batched_draws; ++j)
        geometric_skips(words.data() + 2 * j * rows_per_block, words.data() + (2 * j + 1) * rows_per_block, rows, log_q,
                        skips.data() + j * rows_per_block);
      // Edges are written past the end in use (room for a row's batched draws), then trimmed.
      edges.resize(static_cast<std::size_t>(static_cast<double>(rows) * z * 0.5 * 1.1) + 2 * batched_draws);
      std::size_t size = 0;
      for (std::uint64_t u = first; u < last; ++u) {
        if (size + batched_draws > edges.size()) edges.resize(2 * edges.size());
        // The row's batched draws, without a branch: each is a tie while the
        // ones before it were (floor(skip) < n - v exactly when skip < n - v;
        // a skip past n, or NaN, is clamped to n first, so the conversion is defined).
        const std::uint64_t r = u - first;
        std::uint64_t v = u;  // the last tie's node, or u
        bool tie = true;
        for (unsigned j = 0; j < batched_draws; ++j) {
          const double raw = skips[j * rows_per_block + r];
          const double skip = raw < static_cast<double>(n) ? raw : static_cast<double>(n);
          v += 1 + static_cast<std::uint64_t>(skip);
          tie = tie && v < n;
          edges[size] = {static_cast<NodeId>(u), static_cast<NodeId>(v)};
          size += tie;
        }
        if (!tie) continue;
        // A row with more ties than the batch: on from the next draw, one at a time.
        std::uint32_t segment = 0, draws = batched_draws;
        BatchedStream batched(words.data() + r, rows_per_block, 4 * batched_blocks, seed, static_cast<std::uint32_t>(u),
                              er_skip);
        batched.advance(2 * batched_draws);
        Stream later(seed, 0, 1, static_cast<std::uint32_t>(u), er_skip);  // for rows past draws_per_segment
        // Candidates are v = u+1 .. n-1; the geometric skip counts failures before
        // the next success, so memorylessness lets each row start afresh.
        ++v;
        while (v < n) {
          if (++draws == draws_per_segment) {
            draws = 0;
            later = Stream(seed, 0, ++segment, static_cast<std::uint32_t>(u), er_skip);
          }
          const double uniform = segment == 0 ? batched.uniform() : later.uniform();
          // The skip is floor(gap) with gap >= 0, so: floor(gap) < n - v
          // exactly when gap < n - v, and floor is the conversion's truncation
          // (std::floor is a call, or a dozen instructions, without SSE4.1).
          const double gap = std::log(1.0 - uniform) / log_q;
          if (!(gap < static_cast<double>(n - v))) break;  // also catches NaN/inf
          v += static_cast<std::uint64_t>(gap);
          if (size == edges.size()) edges.resize(2 * edges.size());
          edges[size++] = {static_cast<NodeId>(u), static_cast<NodeId>(v)};
          ++v;
        }
      }
      edges.resize(size);
    });
  }
  errors.rethrow();
  World w;
  w.graph = build_csr(n, chunks);
  w.population = single_neighbourhood_population(n, seed);
  return w;
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_GRAPH(erdos_renyi, "erdos_renyi",
                           "Erdős–Rényi random graph G(n, p) with a given mean degree (skip sampling, O(n + edges))",
                           gs::erdos_renyi_params(), gs::generate_erdos_renyi, "nodes", false, gs::check_erdos_renyi)
