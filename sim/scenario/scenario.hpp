#pragma once
// A scenario file, validated against the declared parameters of its graph
// generator and model rule, with defaults filled in, --set overrides applied
// and population_scale applied to every parameter that counts people.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/engine/model.hpp"
#include "sim/engine/params.hpp"
#include "sim/graph/generator.hpp"

namespace gs {

// Bad input: the message names file:line:column, the key, what was wrong and
// what is allowed. The CLI turns it into exit code 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

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

// Parameters of the scenario's top level and its output section.
const std::vector<ParamSpec>& top_level_params();
const std::vector<ParamSpec>& output_params();

// Closest candidate within a small edit distance, or "" when none is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace gs
