#pragma once
// Graph generators register themselves by name, like model rules:
//   GROUNDSWELL_REGISTER_GRAPH(community, "summary", specs(), generate);
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/core/params.hpp"
#include "sim/core/registry.hpp"
#include "sim/graph/graph.hpp"

namespace gs {

struct GraphGeneratorInfo {
  std::string name;
  std::string summary;
  std::vector<ParamSpec> params;
  // Must be deterministic in (params, seed) for any thread count.
  std::function<World(const ParamValues&, std::uint64_t seed)> generate;
  // Name of the parameter giving the node count (for population_scale and size checks).
  std::string size_param;
  // The population has real neighbourhoods (with deprivation and regions), so
  // per-neighbourhood output (output.neighbourhoods) means something.
  bool neighbourhoods = false;
  // Checks between parameters (m below nodes), run when the scenario is
  // loaded so that `validate` catches them with file:line; throws
  // InputError("graph.KEY: what was wrong; allowed: ...").
  std::function<void(const ParamValues&)> check = nullptr;
};

using GraphRegistry = Registry<GraphGeneratorInfo>;

}  // namespace gs

#define GROUNDSWELL_REGISTER_GRAPH(ident, ...)                                                                      \
  namespace {                                                                                                       \
  const bool registered_graph_##ident = ::gs::GraphRegistry::instance().add(::gs::GraphGeneratorInfo{__VA_ARGS__}); \
  }
