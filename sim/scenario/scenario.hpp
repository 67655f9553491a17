#pragma once
// A scenario file, validated against the declared parameters of its graph
// generator and model rule, with defaults filled in, --set overrides applied
// and population_scale applied to every parameter that counts people.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/input_error.hpp"  // InputError, did_you_mean: scenario errors are input errors
#include "sim/core/params.hpp"
#include "sim/engine/model.hpp"
#include "sim/graph/generator.hpp"

namespace gs {

struct Scenario {
  std::string path;
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  std::uint32_t steps = 1;
  std::uint32_t replicates = 1;
  double population_scale = 1.0;
  std::uint32_t new_graph_every = 0;  // 0: one graph for all replicates
  const GraphGeneratorInfo* graph = nullptr;
  ParamValues graph_params;  // scaled
  const ModelInfo* model = nullptr;
  ParamValues model_params;  // scaled
  ParamValues output;
  // The whole scenario with every default filled in (values as the user gave
  // them, before population scaling), enough to rerun it.
  std::string resolved_yaml;
};

// overrides: "key.path=value" strings from --set, applied before validation;
// "file:line:col: key.path=value" names its own origin for error messages.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides = {});
Scenario load_scenario_text(const std::string& text, const std::string& origin,
                            const std::vector<std::string>& overrides = {});

// Only the model section of a scenario's text (the one an output file stores,
// say): its model and its parameters, validated and scaled by the
// scenario's population_scale as a run would; the graph is not checked.
struct ModelSection {
  const ModelInfo* model = nullptr;
  ParamValues params;  // scaled
};
ModelSection load_model_section(const std::string& text, const std::string& origin);

// A count of people as a run uses it: the count as written times
// population_scale, rounded to the nearest integer.
std::int64_t scaled_count(std::int64_t count, double population_scale);

// Parameters of the scenario's top level and its output section.
const std::vector<ParamSpec>& top_level_params();
const std::vector<ParamSpec>& output_params();

}  // namespace gs
