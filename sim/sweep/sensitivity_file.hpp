#pragma once
// A sensitivity-analysis file (`groundswell sensitivity SA.yaml`): a base
// scenario, the parameters to vary with their ranges, the outputs to explain
// and the design (Sobol or Morris). Format: docs/sensitivity.md.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario/scenario.hpp"

namespace gs {

enum class SensitivityMethod { sobol, morris };

struct SensitivityParameter {
  std::string path;  // as `run --set` takes it: model.social_influence
  double low = 0, high = 0;
  bool integer = false;  // values are rounded to whole numbers
  std::string origin;  // "SA.yaml:7:3", for errors about this parameter's values
};

// A scenario file read once: its text and where it came from.
struct ScenarioText {
  std::string path;
  std::string text;
};

struct SensitivityOutput {
  std::string metric;
  std::uint32_t step = 0;
  int minus = -1;  // index into SensitivityFile::minus_scenarios, or -1
  std::string name;  // "participation@104", "participation@260-town_1000"
};

struct SensitivityFile {
  std::string path;
  std::string text;  // the file as read (stored in sensitivity.h5)
  ScenarioText base;
  std::vector<ScenarioText> minus_scenarios;  // distinct `minus:` scenarios, in order of first use
  std::vector<std::string> common;  // overrides for every run: set:, replicates ("origin: path=value")
  SensitivityMethod method = SensitivityMethod::sobol;
  std::vector<SensitivityParameter> parameters;
  std::vector<SensitivityOutput> outputs;
  std::uint32_t samples = 0;  // Sobol: base sample N; Morris: trajectories r
  std::uint32_t levels = 4;  // Morris grid levels
  std::uint32_t replicates = 1;
  std::uint32_t bootstrap = 1000;  // Sobol resamples for the intervals
  bool common_random_numbers = true;
  std::uint64_t seed = 1;
  std::string seed_origin;  // where seed: was written, or the file
};

// Reads and checks the whole file: every parameter path at its low and high
// value applied to the base (and each `minus:` scenario) as `run --set`
// would, every output's metric and step. Throws InputError naming
// file:line:column and the key.
SensitivityFile load_sensitivity_file(const std::string& path);

// "origin: path=value" for load_scenario_text.
std::string sensitivity_override(const SensitivityParameter& p, double value);

// A parameter's value as written into the scenario: rounded for integers.
double parameter_value(const SensitivityParameter& p, double unit);

}  // namespace gs
