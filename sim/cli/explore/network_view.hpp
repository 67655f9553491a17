#pragma once
// The people of one neighbourhood and the ties among them, with each
// person's state at every step of replicate 0, for the explorer's network
// view. The model is stepped exactly as run() steps replicate 0, so the
// states are those of the run with the same scenario. The state shown is the
// model's one-byte-per-agent array named "state" (organising: 0 inactive,
// 1 participant, 2 leader) or "active" (threshold rules: 0 or 1). Each tie
// carries its layer, an index into "layers": the graph's tie layers
// (household, close, friends, acquaintance) where it has them, else
// household or neighbourhood.
#include <cstdint>
#include <nlohmann/json.hpp>

#include "sim/scenario/scenario.hpp"

namespace gs::explore {

// Neighbourhoods larger than this are refused: the page draws every person.
inline constexpr std::uint64_t max_network_people = 5000;

// Throws InputError for a neighbourhood that does not exist or is too large,
// or a model with no state array to show.
nlohmann::json network_view(const Scenario& s, std::uint32_t neighbourhood);

}  // namespace gs::explore
