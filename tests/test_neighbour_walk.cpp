// for_each_neighbour_of must visit exactly what a loop over each listed
// node's row visits, in the same order: short rows copied in fixed-size
// pieces, long rows, empty rows, the row at the very end of the targets
// (where a fixed-size copy would read past them), repeats, and lists long
// enough to fill its buffer many times.
#include <gtest/gtest.h>

#include <vector>

#include "graph_testing.hpp"
#include "sim/core/random.hpp"
#include "sim/graph/neighbour_walk.hpp"

using namespace gs;

namespace {

std::vector<NodeId> walked(const Graph& g, const std::vector<NodeId>& nodes) {
  std::vector<NodeId> seen;
  for_each_neighbour_of(g, nodes, [&](NodeId u) { seen.push_back(u); });
  return seen;
}

std::vector<NodeId> row_by_row(const Graph& g, const std::vector<NodeId>& nodes) {
  std::vector<NodeId> seen;
  for (NodeId v : nodes)
    for (NodeId u : g.neighbours(v)) seen.push_back(u);
  return seen;
}

// A hub tied to `spokes` nodes, and nodes whose degrees straddle the copy
// size (15, 16, 17), then isolated nodes, then one tie between the last two
// nodes, so the last row sits at the very end of the targets.
Graph mixed_degrees(NodeId spokes) {
  std::vector<std::pair<NodeId, NodeId>> edges;
  const NodeId hub = 0, first_leaf = 1;
  for (NodeId k = 0; k < spokes; ++k) edges.emplace_back(hub, first_leaf + k);
  NodeId next = first_leaf + spokes;
  for (NodeId degree : {15u, 16u, 17u}) {
    const NodeId centre = next++;
    for (NodeId k = 0; k < degree; ++k) edges.emplace_back(centre, next++);
  }
  next += 5;  // isolated nodes
  edges.emplace_back(next, next + 1);
  return build_csr(next + 2, {edges});
}

}  // namespace

TEST(NeighbourWalk, VisitsEveryRowInListOrderAtSmallDegrees) {
  const World w = gs::testing::make_graph("erdos_renyi", {{"nodes", std::int64_t{3000}}, {"mean_degree", 3.0}}, 4);
  Stream rng(9, 0, 0, 0, 1);
  std::vector<NodeId> nodes;
  for (int i = 0; i < 6000; ++i) nodes.push_back(static_cast<NodeId>(rng.below(w.graph.nodes())));  // repeats too
  const std::vector<NodeId> expected = row_by_row(w.graph, nodes);
  ASSERT_GT(expected.size(), 10000u) << "the list should fill the walk's buffer several times";
  EXPECT_EQ(walked(w.graph, nodes), expected);
  EXPECT_TRUE(walked(w.graph, {}).empty());
}

TEST(NeighbourWalk, LongEmptyAndLastRowsKeepTheirOrder) {
  const Graph g = mixed_degrees(1000);
  std::vector<NodeId> every(g.nodes());
  for (NodeId v = 0; v < g.nodes(); ++v) every[v] = v;
  std::vector<NodeId> backwards(every.rbegin(), every.rend());
  const NodeId last = static_cast<NodeId>(g.nodes() - 1);
  ASSERT_EQ(g.degree(last), 1u);
  ASSERT_EQ(g.offsets[last + 1], g.targets.size());
  for (const auto& nodes : {every, backwards, std::vector<NodeId>{last}, std::vector<NodeId>{last, 0, last, last - 1}})
    EXPECT_EQ(walked(g, nodes), row_by_row(g, nodes));
}
