#pragma once
// GET /api/parameters: the parameter declarations of the base scenario's
// top level, graph generator and model rule (the ones that validate every
// scenario), each with its range, default, unit, description and the base
// scenario's value, grouped by section as the YAML is.
#include <nlohmann/json.hpp>
#include <string>

#include "sim/scenario/scenario.hpp"

namespace gs::explore {

// A YAML value as JSON: mappings, sequences, and scalars as integers, reals,
// booleans or text (whichever the YAML plain scalar reads as).
nlohmann::json yaml_text_to_json(const std::string& yaml_text);

nlohmann::json parameters_json(const Scenario& base);

// True when a request may not override `key` ("model.x.y"): paths of files,
// the output section (the server decides where and what it writes), and the
// section types (the panel is built for the base scenario's graph and model).
bool is_locked_key(const Scenario& base, const std::string& key);

}  // namespace gs::explore
