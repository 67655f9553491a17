// Ring lattice: nodes on a circle, each tied to its k/2 nearest neighbours on
// either side (the p = 0 graph of Watts & Strogatz 1998). Every node has
// degree exactly k and clustering 3(k-2) / (4(k-1)).
#include "sim/graph/generator.hpp"
#include "sim/graph/ring.hpp"

namespace gs {
namespace {

std::vector<ParamSpec> ring_lattice_params() {
  // Parameter declarations read as a table, one per entry.
  // clang-format off
  return {
      ParamSpec::integer("nodes", 10000).range(3, 4000000000).scales().units("nodes").describe("Number of nodes"),
      ParamSpec::integer("k", 4).range(2, 10000).units("ties per node")
          .describe("Degree of every node: k/2 neighbours on each side (even, below nodes)"),
  };
  // clang-format on
}

World generate_ring_lattice(const ParamValues& params, std::uint64_t seed) {
  const RingShape ring = ring_shape(params);
  World w;
  w.graph = build_csr(ring.nodes, ring_lattice_edges(ring));
  w.population = single_neighbourhood_population(ring.nodes, seed);
  return w;
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_GRAPH(ring_lattice, "ring_lattice",
                           "Ring lattice: each node tied to its k/2 nearest neighbours on each side",
                           gs::ring_lattice_params(), gs::generate_ring_lattice, "nodes", false,
                           [](const gs::ParamValues& p) { (void)gs::ring_shape(p); })
