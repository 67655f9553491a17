#include "sim/cli/explore/network_view.hpp"

#include <algorithm>
#include <cstring>

#include "sim/run/execute.hpp"

namespace gs::explore {
namespace {

using nlohmann::json;

// The model's per-agent state bytes, or nullptr when it has none of one byte per agent.
const StateArray* find_state(const std::vector<StateArray>& arrays, std::size_t nodes) {
  for (const char* name : {"state", "active"})
    for (const auto& a : arrays)
      if (a.name == name && a.bytes == nodes) return &a;
  return nullptr;
}

// Index of each person's household within the neighbourhood (all 0 when the graph has no households).
std::vector<std::uint32_t> households(const Population& p, std::uint64_t first, std::uint64_t end) {
  std::vector<std::uint32_t> out(end - first, 0);
  if (p.household_start.size() < 2) return out;
  const auto& starts = p.household_start;
  const auto base = static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), first) - starts.begin());
  for (std::uint64_t v = first; v < end; ++v) {
    const auto at = static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), v) - starts.begin());
    out[v - first] = static_cast<std::uint32_t>(at - base);
  }
  return out;
}

}  // namespace

json network_view(const Scenario& s, std::uint32_t neighbourhood) {
  ScenarioWorlds worlds(s);
  const World& world = worlds.for_replicate(0);
  const Population& pop = world.population;
  if (neighbourhood >= pop.neighbourhoods())
    throw InputError("neighbourhood " + std::to_string(neighbourhood) + " does not exist; this graph has " +
                     std::to_string(pop.neighbourhoods()) + " (0 to " + std::to_string(pop.neighbourhoods() - 1) + ")");
  const std::uint64_t first = pop.neighbourhood_start[neighbourhood];
  const std::uint64_t end = pop.neighbourhood_start[neighbourhood + 1];
  if (end - first > max_network_people)
    throw InputError("neighbourhood " + std::to_string(neighbourhood) + " has " + std::to_string(end - first) +
                     " people; the network view draws at most " + std::to_string(max_network_people));
  const std::vector<std::uint32_t> household = households(pop, first, end);
  // A graph with tie layers (the clustered fabric) gives each tie its own;
  // otherwise a tie is a household tie or another tie within the neighbourhood.
  const Graph& graph = world.graph;
  const bool layered = !graph.layers.empty();
  json layers = json::array();
  if (layered)
    for (const char* name : tie_layer_names) layers.push_back(name);
  else
    layers = {"household", "neighbourhood"};
  json edges = json::array(), outside = json::array();
  for (std::uint64_t v = first; v < end; ++v) {
    std::uint32_t away = 0;
    for (std::uint64_t e = graph.offsets[v]; e < graph.offsets[v + 1]; ++e) {
      const NodeId u = graph.targets[e];
      if (u < first || u >= end) {
        ++away;
      } else if (u > v) {
        const int layer =
            layered ? static_cast<int>(graph.layers.at(e)) : (household[v - first] == household[u - first] ? 0 : 1);
        edges.push_back({v - first, u - first, layer});
      }
    }
    outside.push_back(away);
  }

  auto model = s.model->create(s.model_params, world);
  json states = json::array();
  auto record = [&] {
    const std::vector<StateArray> arrays = model->state_arrays();  // find_state points into it
    const StateArray* a = find_state(arrays, world.graph.nodes());
    if (!a)
      throw InputError("model '" + s.model->name +
                       "' keeps no per-person state array ('state' or 'active') for the network view to show");
    const auto* bytes = static_cast<const std::uint8_t*>(a->data);
    states.push_back(std::vector<std::uint8_t>(bytes + first, bytes + end));
  };
  model->initialise(StepContext{s.seed, 0, 0});
  record();
  for (std::uint32_t t = 1; t <= s.steps; ++t) {
    model->step(StepContext{s.seed, 0, t});
    record();
  }
  return {{"neighbourhood", neighbourhood}, {"first_node", first}, {"people", end - first},
          {"household", household},         {"edges", edges},      {"layers", layers},
          {"outside_ties", outside},        {"states", states}};
}

}  // namespace gs::explore
