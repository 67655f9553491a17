#pragma once
// A calibration file: a base scenario, the uncertain parameters with their
// priors, the observed targets and the settings of the ABC-SMC method.
// Format and method: docs/calibration.md.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario/scenario.hpp"

namespace gs {

enum class Prior { uniform, log_uniform };

struct CalibrationParameter {
  std::string path;  // as for --set: model.one_to_one.recruit_chance
  Prior prior = Prior::uniform;
  double low = 0;
  double high = 1;
  bool integer = false;  // an integer parameter: values are rounded
  std::string origin;  // "calib.yaml:7:3", for errors from the scenario validator
};

// An observed outcome: a value with its standard deviation, or a bound (or
// two) outside which a simulation is penalised by (distance / sd)^2.
struct CalibrationTarget {
  std::string metric;
  std::uint32_t step = 0;
  bool has_value = false;
  double value = 0;
  double sd = 1;
  bool has_lower = false;
  double lower = 0;
  bool has_upper = false;
  double upper = 0;
  bool counts_people = false;  // a count at full scale: simulated values are divided by population_scale
  std::string origin;
};

struct Calibration {
  std::string path;
  std::string text;  // the file as read (stored in posterior.h5)
  std::string name;
  std::string base_text;
  std::string base_origin;
  std::vector<std::string> common_overrides;  // set: and replicates, as "origin: path=value"
  std::vector<CalibrationParameter> parameters;
  std::vector<CalibrationTarget> targets;
  double population_scale = 1;
  std::uint32_t replicates = 1;
  std::uint32_t particles = 100;
  std::uint64_t seed = 1;
  double keep_fraction = 0.5;  // particles kept each generation (alpha)
  double min_acceptance = 0.05;  // stop when fewer new particles than this beat the tolerance
  std::uint32_t max_generations = 10;
  std::string seed_origin;
};

// Throws InputError naming file:line:col and the key: an unknown parameter
// path, an empty or inverted range, an unknown prior, a target metric the
// model does not record, a target step past the scenario's steps.
Calibration load_calibration(const std::string& path);

// The model's value of parameter p for a point u in [0, 1] of its prior
// (uniform on the range, or on the log of the range), rounded for integers.
double parameter_value(const CalibrationParameter& p, double u);
std::string parameter_text(const CalibrationParameter& p, double value);
std::string prior_name(Prior prior);

}  // namespace gs
