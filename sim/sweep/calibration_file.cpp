#include "sim/sweep/calibration_file.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/sweep/sweep.hpp"
#include "sim/sweep/yaml_input.hpp"

namespace gs {
namespace {
namespace fs = std::filesystem;

constexpr std::size_t max_file_bytes = 1u << 20;

const std::vector<std::string> top_keys = {
    "name",      "description", "base", "set",           "parameters",     "targets",        "method",
    "particles", "replicates",  "seed", "keep_fraction", "min_acceptance", "max_generations"};
const std::vector<std::string> target_keys = {"metric", "step", "value", "sd", "lower_bound", "upper_bound", "source"};
// Parameters that shape the calibration itself rather than the model.
const std::vector<std::string> fixed_paths = {"seed", "steps", "replicates", "population_scale"};
// Units of metrics that count people or things: at population_scale p a run
// counts p times as many as the full population would.
const std::vector<std::string> count_units = {"people", "organisers", "meetings", "campaigns", "GBP"};

std::string read_text(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read " + what + ": " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  if (s.str().size() > max_file_bytes) throw InputError(path + ": " + what + " is larger than 1 MiB");
  return s.str();
}

using yaml_input::fail;
using yaml_input::number;
using yaml_input::where;
using yaml_input::yaml_text;

double whole(const std::string& file, const YAML::Node& node, const std::string& key, double lo, double hi) {
  const double x = number(file, node, key);
  if (x < lo || x > hi || x != std::floor(x))
    fail(file, node, key,
         "expected a whole number from " + format_value(static_cast<std::int64_t>(lo)) + " to " +
             format_value(static_cast<std::int64_t>(hi)));
  return x;
}

void check_keys(const std::string& file, const YAML::Node& map, const std::string& section,
                const std::vector<std::string>& allowed) {
  std::set<std::string> seen;
  std::string list;
  for (const auto& k : allowed) list += (list.empty() ? "" : ", ") + k;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) fail(file, kv.first, section, "keys must be plain names");
    const std::string key = kv.first.Scalar();
    const std::string name = section.empty() ? key : section + "." + key;
    if (!seen.insert(key).second) fail(file, kv.first, name, "duplicate key");
    if (allowed.empty()) continue;
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      const std::string hint = did_you_mean(key, allowed);
      fail(file, kv.first, name,
           "unknown key" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") + "; allowed here: " + list);
    }
  }
}

CalibrationParameter parse_parameter(const std::string& file, const YAML::Node& key, const YAML::Node& spec) {
  CalibrationParameter p;
  p.path = key.Scalar();
  p.origin = where(file, key);
  const std::string name = "parameters." + p.path;
  if (std::find(fixed_paths.begin(), fixed_paths.end(), p.path) != fixed_paths.end())
    fail(file, key, name, "cannot be calibrated; set it with set: or the calibration's own keys");
  if (!spec.IsMap()) fail(file, spec, name, "expected {prior: uniform, range: [low, high]}");
  check_keys(file, spec, name, {"prior", "range"});
  const YAML::Node prior = spec["prior"];
  if (!prior.IsDefined()) fail(file, spec, name + ".prior", "missing; allowed: uniform, log_uniform");
  if (!prior.IsScalar() || (prior.Scalar() != "uniform" && prior.Scalar() != "log_uniform"))
    fail(file, prior, name + ".prior", "unknown prior '" + yaml_text(prior) + "'; allowed: uniform, log_uniform");
  p.prior = prior.Scalar() == "uniform" ? Prior::uniform : Prior::log_uniform;
  const YAML::Node range = spec["range"];
  if (!range.IsSequence() || range.size() != 2)
    fail(file, range.IsDefined() ? range : spec, name + ".range", "expected [low, high]");
  p.low = number(file, range[0], name + ".range");
  p.high = number(file, range[1], name + ".range");
  if (!(p.low < p.high))
    fail(file, range, name + ".range",
         "the range [" + format_real(p.low) + ", " + format_real(p.high) + "] is empty; low must be below high");
  if (p.prior == Prior::log_uniform && p.low <= 0)
    fail(file, range, name + ".range", "a log_uniform prior needs a range above 0");
  return p;
}

CalibrationTarget parse_target(const std::string& file, const YAML::Node& t, std::size_t i, const Scenario& s) {
  const std::string name = "targets[" + std::to_string(i) + "]";
  if (!t.IsMap()) fail(file, t, name, "expected {metric, step, value, sd} or {metric, step, lower_bound, sd}");
  check_keys(file, t, name, target_keys);
  CalibrationTarget out;
  out.origin = where(file, t);
  const YAML::Node metric = t["metric"];
  if (!metric.IsScalar()) fail(file, metric.IsDefined() ? metric : t, name + ".metric", "missing metric name");
  out.metric = metric.Scalar();
  std::vector<std::string> names;
  const MetricSpec* spec = nullptr;
  for (const auto& m : s.model->metrics) {
    names.push_back(m.name);
    if (m.name == out.metric) spec = &m;
  }
  if (!spec) {
    const std::string hint = did_you_mean(out.metric, names);
    fail(file, metric, name + ".metric",
         "model '" + s.model->name + "' records no metric '" + out.metric + "'" +
             (hint.empty() ? "" : " (did you mean '" + hint + "'?)") + "; see groundswell models " + s.model->name);
  }
  out.counts_people = std::find(count_units.begin(), count_units.end(), spec->units) != count_units.end();
  const YAML::Node step = t["step"];
  if (!step.IsDefined()) fail(file, t, name + ".step", "missing (the week the outcome was observed)");
  out.step = static_cast<std::uint32_t>(whole(file, step, name + ".step", 0, 1e9));
  if (out.step > s.steps)
    fail(file, step, name + ".step",
         "step " + std::to_string(out.step) + " is past the scenario's last step " + std::to_string(s.steps));
  if (const YAML::Node v = t["value"]; v.IsDefined())
    out.value = number(file, v, name + ".value"), out.has_value = true;
  if (const YAML::Node v = t["lower_bound"]; v.IsDefined())
    out.lower = number(file, v, name + ".lower_bound"), out.has_lower = true;
  if (const YAML::Node v = t["upper_bound"]; v.IsDefined())
    out.upper = number(file, v, name + ".upper_bound"), out.has_upper = true;
  if (out.has_value == (out.has_lower || out.has_upper))
    fail(file, t, name, "give either value (with sd) or lower_bound and/or upper_bound");
  if (out.has_lower && out.has_upper && !(out.lower < out.upper))
    fail(file, t, name, "lower_bound must be below upper_bound");
  const YAML::Node sd = t["sd"];
  if (out.has_value && !sd.IsDefined()) fail(file, t, name + ".sd", "missing: a value needs its standard deviation");
  if (sd.IsDefined()) {
    out.sd = number(file, sd, name + ".sd");
    if (!(out.sd > 0)) fail(file, sd, name + ".sd", "must be above 0");
  } else {
    // A bound without sd: a miss of 10% of the bound counts as one standard deviation.
    const double size = std::max(out.has_lower ? std::abs(out.lower) : 0.0, out.has_upper ? std::abs(out.upper) : 0.0);
    out.sd = size > 0 ? 0.1 * size : 1.0;
  }
  return out;
}

void read_settings(const std::string& file, const YAML::Node& root, Calibration& c) {
  if (const YAML::Node m = root["method"]; m.IsDefined() && (!m.IsScalar() || m.Scalar() != "abc_smc"))
    fail(file, m, "method", "'" + yaml_text(m) + "' is not available; allowed: abc_smc");
  if (const YAML::Node n = root["particles"]; n.IsDefined())
    c.particles = static_cast<std::uint32_t>(whole(file, n, "particles", 4, 100000));
  if (const YAML::Node n = root["replicates"]; n.IsDefined()) {
    c.replicates = static_cast<std::uint32_t>(whole(file, n, "replicates", 1, 10000));
    c.common_overrides.push_back(where(file, n) + ": replicates=" + std::to_string(c.replicates));
  }
  if (const YAML::Node n = root["seed"]; n.IsDefined())
    c.seed = static_cast<std::uint64_t>(whole(file, n, "seed", 0, 9e15));
  c.seed_origin = where(file, root["seed"]);
  if (const YAML::Node n = root["keep_fraction"]; n.IsDefined()) {
    c.keep_fraction = number(file, n, "keep_fraction");
    if (!(c.keep_fraction > 0 && c.keep_fraction < 1)) fail(file, n, "keep_fraction", "expected a number in (0, 1)");
  }
  if (const YAML::Node n = root["min_acceptance"]; n.IsDefined()) {
    c.min_acceptance = number(file, n, "min_acceptance");
    if (!(c.min_acceptance >= 0 && c.min_acceptance < 1))
      fail(file, n, "min_acceptance", "expected a number from 0 to below 1");
  }
  if (const YAML::Node n = root["max_generations"]; n.IsDefined())
    c.max_generations = static_cast<std::uint32_t>(whole(file, n, "max_generations", 1, 1000));
}

// Every parameter must be one the scenario knows, and both ends of its range
// allowed values: the base with each end applied, as `run --set` would.
void check_parameters_apply(const Calibration& c) {
  for (const bool high : {false, true}) {
    std::vector<std::string> overrides = c.common_overrides;
    for (const auto& p : c.parameters)
      overrides.push_back(p.origin + ": " + p.path + "=" + parameter_text(p, high ? p.high : p.low));
    (void)load_scenario_text(c.base_text, c.base_origin, overrides);
  }
}

}  // namespace

std::string prior_name(Prior prior) { return prior == Prior::uniform ? "uniform" : "log_uniform"; }

double parameter_value(const CalibrationParameter& p, double u) {
  double x = p.prior == Prior::uniform ? p.low + u * (p.high - p.low)
                                       : std::exp(std::log(p.low) + u * (std::log(p.high) - std::log(p.low)));
  x = std::clamp(x, p.low, p.high);
  return p.integer ? std::round(x) : x;
}

std::string parameter_text(const CalibrationParameter& p, double value) {
  return p.integer ? std::to_string(std::llround(value)) : format_real(value);
}

Calibration load_calibration(const std::string& path) {
  Calibration c;
  c.path = path;
  c.text = read_text(path, "calibration file");
  const std::string& file = path;
  YAML::Node root;
  try {
    root = YAML::Load(c.text);
  } catch (const YAML::ParserException& e) {
    throw InputError(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                     ": malformed YAML: " + e.msg);
  }
  if (!root.IsMap()) throw InputError(file + ": expected a mapping with base:, parameters: and targets:");
  check_keys(file, root, "", top_keys);
  c.name = root["name"].IsScalar() ? root["name"].Scalar() : fs::path(path).stem().string();

  const YAML::Node base = root["base"];
  if (!base.IsScalar())
    fail(file, base.IsDefined() ? base : root, "base", "expected a scenario file relative to this file");
  c.base_origin = (fs::path(path).parent_path() / base.Scalar()).lexically_normal().string();
  try {
    c.base_text = read_text(c.base_origin, "scenario file");
  } catch (const InputError& e) {
    fail(file, base, "base", e.what());
  }
  read_settings(file, root, c);
  if (const YAML::Node set = root["set"]; set.IsDefined()) {
    if (!set.IsMap()) fail(file, set, "set", "expected a mapping of parameter paths to values");
    check_keys(file, set, "set", {});
    for (const auto& kv : set) {
      if (kv.first.Scalar() == "replicates" || kv.first.Scalar() == "seed")
        fail(file, kv.first, "set." + kv.first.Scalar(), "use the calibration's own replicates: and seed: keys");
      c.common_overrides.push_back(where(file, kv.second) + ": " + kv.first.Scalar() + "=" + yaml_text(kv.second));
    }
  }
  const Scenario fixed = load_scenario_text(c.base_text, c.base_origin, c.common_overrides);
  c.population_scale = fixed.population_scale;

  const YAML::Node params = root["parameters"];
  if (!params.IsMap() || params.size() == 0)
    fail(file, params.IsDefined() ? params : root, "parameters",
         "expected a mapping of parameter paths to priors, for example "
         "model.one_to_one.recruit_chance: {prior: uniform, range: [0.02, 0.3]}");
  check_keys(file, params, "parameters", {});
  const YAML::Node set = root["set"];
  for (const auto& kv : params) {
    if (set.IsMap() && set[kv.first.Scalar()].IsDefined())
      fail(file, kv.first, "parameters." + kv.first.Scalar(),
           "is also fixed in set:; calibrate it or set it, not both");
    CalibrationParameter p = parse_parameter(file, kv.first, kv.second);
    const ParamSpec* spec = find_param_spec(fixed, p.path);
    if (spec && spec->type != ParamType::integer && spec->type != ParamType::real)
      fail(file, kv.first, "parameters." + p.path,
           "only numeric parameters can be calibrated; this one is " + spec->type_name());
    p.integer = spec && spec->type == ParamType::integer;
    c.parameters.push_back(p);
  }
  check_parameters_apply(c);

  const YAML::Node targets = root["targets"];
  if (!targets.IsSequence() || targets.size() == 0)
    fail(file, targets.IsDefined() ? targets : root, "targets",
         "expected a list of observed outcomes, for example - {metric: people_mobilised, step: 208, value: 20000, "
         "sd: 4000}");
  for (std::size_t i = 0; i < targets.size(); ++i) c.targets.push_back(parse_target(file, targets[i], i, fixed));
  return c;
}

}  // namespace gs
