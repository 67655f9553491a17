// Barabási–Albert preferential attachment (Barabási & Albert 1999): start from
// a complete graph on m+1 nodes, then each new node ties to m distinct
// existing nodes chosen with probability proportional to their degree. Drawing
// a uniform entry of the list of all tie ends so far is exactly that choice
// (Batagelj & Brandes 2005). Sequential by nature; node v's choices use its own
// stream, so the graph depends only on (nodes, m, seed). Degrees follow
// P(k) = 2m(m+1) / (k(k+1)(k+2)) for k >= m; mean degree is about 2m.
#include <algorithm>

#include "sim/core/input_error.hpp"
#include "sim/core/random.hpp"
#include "sim/graph/generator.hpp"

namespace gs {
namespace {

constexpr Purpose attach = 0x4B1;

std::vector<ParamSpec> barabasi_albert_params() {
  // Parameter declarations read as a table, one per entry.
  // clang-format off
  return {
      ParamSpec::integer("nodes", 10000).range(2, 4000000000).scales().units("nodes").describe("Number of nodes"),
      ParamSpec::integer("m", 2).range(1, 10000).units("ties per new node")
          .describe("Ties each new node makes to existing nodes (mean degree about 2m; below nodes)"),
  };
  // clang-format on
}

void check_barabasi_albert(const ParamValues& params) {
  const auto n = static_cast<std::uint64_t>(params.integer("nodes"));
  const auto m = static_cast<std::uint64_t>(params.integer("m"));
  if (m >= n)
    throw InputError("graph.m: " + std::to_string(m) + " is not below nodes = " + std::to_string(n) +
                     "; allowed: from 1 to nodes - 1");
}

World generate_barabasi_albert(const ParamValues& params, std::uint64_t seed) {
  check_barabasi_albert(params);
  const auto n = static_cast<std::uint64_t>(params.integer("nodes"));
  const auto m = static_cast<std::uint64_t>(params.integer("m"));
  std::vector<std::pair<NodeId, NodeId>> edges;
  edges.reserve(m * (m + 1) / 2 + (n - m - 1) * m);
  std::vector<NodeId> ends;  // every tie end so far: node v appears degree(v) times
  ends.reserve(2 * edges.capacity());
  for (NodeId a = 0; a <= m; ++a)
    for (NodeId b = a + 1; b <= m; ++b) {
      edges.emplace_back(a, b);
      ends.push_back(a);
      ends.push_back(b);
    }
  std::vector<NodeId> chosen;
  for (std::uint64_t v = m + 1; v < n; ++v) {
    Stream rng(seed, 0, 0, static_cast<std::uint32_t>(v), attach);
    chosen.clear();
    const std::uint64_t existing_ends = ends.size();  // the new node's own ties are not candidates
    while (chosen.size() < m) {
      const NodeId t = ends[rng.below(existing_ends)];
      if (std::find(chosen.begin(), chosen.end(), t) == chosen.end()) chosen.push_back(t);
    }
    for (NodeId t : chosen) {
      edges.emplace_back(static_cast<NodeId>(v), t);
      ends.push_back(static_cast<NodeId>(v));
      ends.push_back(t);
    }
  }
  ends = {};
  std::vector<std::vector<std::pair<NodeId, NodeId>>> chunks(1);
  chunks[0] = std::move(edges);
  World w;
  w.graph = build_csr(n, chunks);
  w.population = single_neighbourhood_population(n, seed);
  return w;
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_GRAPH(barabasi_albert, "barabasi_albert",
                           "Barabási-Albert preferential attachment: scale-free degrees, mean degree about 2m",
                           gs::barabasi_albert_params(), gs::generate_barabasi_albert, "nodes", false,
                           gs::check_barabasi_albert)
