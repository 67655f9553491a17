#include "sim/sweep/sensitivity_file.hpp"

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

constexpr std::size_t max_file_bytes = 16u << 20;
constexpr std::size_t max_runs = 1000000;
// The embedded Sobol' direction numbers cover 64 dimensions: A and B take k each.
constexpr std::size_t max_sobol_parameters = 32;

const std::vector<std::string> file_keys = {"name",   "description", "base",      "set",
                                            "method", "parameters",  "outputs",   "samples",
                                            "levels", "replicates",  "bootstrap", "common_random_numbers",
                                            "seed"};

std::string read_text(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read " + what + ": " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  if (s.str().size() > max_file_bytes) throw InputError(path + ": " + what + " is larger than 16 MiB");
  return s.str();
}

using yaml_input::fail;
using yaml_input::number;
using yaml_input::where;
using yaml_input::yaml_text;

std::uint64_t whole(const std::string& file, const YAML::Node& node, const std::string& key, double lo, double hi) {
  const double x = number(file, node, key);
  if (x < lo || x > hi || x != std::floor(x))
    fail(file, node, key, "expected a whole number from " + format_real(lo) + " to " + format_real(hi));
  return static_cast<std::uint64_t>(x);
}

void check_keys(const std::string& file, const YAML::Node& map, const std::string& section,
                const std::vector<std::string>& allowed) {
  std::set<std::string> seen;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) fail(file, kv.first, section, "keys must be plain names");
    const std::string key = kv.first.Scalar();
    const std::string full = section.empty() ? key : section + "." + key;
    if (!seen.insert(key).second) fail(file, kv.first, full, "duplicate key");
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      const std::string hint = did_you_mean(key, allowed);
      fail(file, kv.first, full,
           "unknown key" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") + "; allowed here: " + list);
    }
  }
}

ScenarioText scenario_file(const std::string& file, const YAML::Node& node, const std::string& key) {
  if (!node.IsScalar() || node.Scalar().empty())
    fail(file, node, key, "expected a scenario file name, relative to this file");
  ScenarioText s;
  s.path = (fs::path(file).parent_path() / node.Scalar()).lexically_normal().string();
  try {
    s.text = read_text(s.path, "scenario file");
  } catch (const InputError& e) {
    fail(file, node, key, e.what());
  }
  return s;
}

Scenario load(const ScenarioText& s, const std::vector<std::string>& overrides) {
  return load_scenario_text(s.text, s.path, overrides);
}

SensitivityParameter read_parameter(const std::string& file, const YAML::Node& key, const YAML::Node& range,
                                    const Scenario& base) {
  SensitivityParameter p;
  p.path = key.Scalar();
  const std::string name = "parameters." + p.path;
  if (p.path.empty() || p.path.front() == '.' || p.path.back() == '.' ||
      p.path.find_first_of(" :=") != std::string::npos)
    fail(file, key, name, "expected a dotted parameter path such as model.social_influence");
  if (p.path == "seed" || p.path == "replicates" || p.path == "steps")
    fail(file, key, name,
         "'" + p.path + "' cannot be varied in a sensitivity analysis; set it with set: or the file's own key");
  if (!range.IsSequence() || range.size() != 2) fail(file, range, name, "expected [low, high]");
  p.low = number(file, range[0], name);
  p.high = number(file, range[1], name);
  if (!(p.low < p.high)) fail(file, range, name, "low must be below high");
  p.origin = where(file, range);
  const ParamSpec* spec = find_param_spec(base, p.path);
  if (spec && spec->type != ParamType::integer && spec->type != ParamType::real)
    fail(file, key, name, "only numeric parameters can be varied; this one is " + spec->type_name());
  p.integer = spec && spec->type == ParamType::integer;
  if (p.integer && std::llround(p.low) == std::llround(p.high))
    fail(file, range, name, "an integer parameter needs a range covering at least two whole numbers");
  return p;
}

// Every parameter at its low and its high value, on every scenario the design
// runs, with the errors the scenario's validator gives pointing at this file.
void check_parameters(const SensitivityFile& sa) {
  std::vector<const ScenarioText*> scenarios = {&sa.base};
  for (const auto& m : sa.minus_scenarios) scenarios.push_back(&m);
  for (const auto& p : sa.parameters)
    for (double v : {p.low, p.high})
      for (const ScenarioText* s : scenarios) {
        std::vector<std::string> overrides = sa.common;
        overrides.push_back(sensitivity_override(p, v));
        try {
          (void)load(*s, overrides);
        } catch (const InputError& e) {
          const std::string what = e.what();
          // The validator names our origin when the value was wrong; otherwise add where it came from.
          if (what.rfind(p.origin, 0) == 0 || s == &sa.base) throw;
          throw InputError(p.origin + ": parameters." + p.path + ": on the minus: scenario " + s->path + ": " + what);
        }
      }
}

bool has_metric(const Scenario& s, const std::string& metric) {
  return std::any_of(s.model->metrics.begin(), s.model->metrics.end(),
                     [&](const MetricSpec& m) { return m.name == metric; });
}

std::string metric_list(const Scenario& s) {
  std::string out;
  for (const auto& m : s.model->metrics) out += (out.empty() ? "" : ", ") + m.name;
  return out;
}

void read_output(SensitivityFile& sa, const YAML::Node& node, const Scenario& base, std::set<std::string>& names) {
  const std::string& file = sa.path;
  const std::string key = "outputs[" + std::to_string(sa.outputs.size()) + "]";
  if (!node.IsMap()) fail(file, node, key, "expected a mapping such as {metric: participation, step: 104}");
  check_keys(file, node, key, {"metric", "step", "minus"});
  SensitivityOutput out;
  const YAML::Node metric = node["metric"];
  if (!metric.IsDefined() || !metric.IsScalar())
    fail(file, metric.IsDefined() ? metric : node, key + ".metric", "missing the metric's name");
  out.metric = metric.Scalar();
  if (!has_metric(base, out.metric))
    fail(file, metric, key + ".metric",
         "model '" + base.model->name + "' has no metric '" + out.metric + "'; it has: " + metric_list(base));
  out.step = base.steps;
  if (const YAML::Node step = node["step"]; step.IsDefined()) {
    out.step = static_cast<std::uint32_t>(whole(file, step, key + ".step", 0, 100000));
    if (out.step > base.steps)
      fail(file, step, key + ".step",
           "step " + std::to_string(out.step) +
               " is past the scenario's last step (steps: " + std::to_string(base.steps) + ")");
  }
  out.name = out.metric + "@" + std::to_string(out.step);
  if (const YAML::Node minus = node["minus"]; minus.IsDefined()) {
    ScenarioText other = scenario_file(file, minus, key + ".minus");
    const auto known = std::find_if(sa.minus_scenarios.begin(), sa.minus_scenarios.end(),
                                    [&](const ScenarioText& s) { return s.path == other.path; });
    out.minus = static_cast<int>(known - sa.minus_scenarios.begin());
    if (known == sa.minus_scenarios.end()) sa.minus_scenarios.push_back(other);
    const Scenario second = load(other, sa.common);
    if (!has_metric(second, out.metric))
      fail(file, minus, key + ".minus",
           other.path + ": model '" + second.model->name + "' has no metric '" + out.metric + "'");
    if (out.step > second.steps)
      fail(file, minus, key + ".minus", other.path + " stops at step " + std::to_string(second.steps));
    out.name += "-minus-" + fs::path(other.path).stem().string();
  }
  if (!names.insert(out.name).second) fail(file, node, key, "this output is listed twice");
  sa.outputs.push_back(out);
}

void read_design(SensitivityFile& sa, const YAML::Node& root) {
  const std::string& file = sa.path;
  if (const YAML::Node m = root["method"]; m.IsDefined()) {
    if (m.IsScalar() && m.Scalar() == "sobol")
      sa.method = SensitivityMethod::sobol;
    else if (m.IsScalar() && m.Scalar() == "morris")
      sa.method = SensitivityMethod::morris;
    else
      fail(file, m, "method", "'" + yaml_text(m) + "' is not allowed; allowed: sobol, morris");
  }
  const bool sobol = sa.method == SensitivityMethod::sobol;
  sa.samples = sobol ? 256 : 10;
  if (const YAML::Node n = root["samples"]; n.IsDefined())
    sa.samples = static_cast<std::uint32_t>(whole(file, n, "samples", 2, 100000));
  if (const YAML::Node l = root["levels"]; l.IsDefined()) {
    if (sobol) fail(file, l, "levels", "only Morris designs have levels (method: morris)");
    sa.levels = static_cast<std::uint32_t>(whole(file, l, "levels", 2, 1000));
    if (sa.levels % 2 != 0) fail(file, l, "levels", "expected an even number of levels (Morris 1991), such as 4");
  }
  if (const YAML::Node b = root["bootstrap"]; b.IsDefined()) {
    if (!sobol) fail(file, b, "bootstrap", "bootstrap intervals are computed for Sobol indices only");
    sa.bootstrap = static_cast<std::uint32_t>(whole(file, b, "bootstrap", 100, 100000));
  }
  if (const YAML::Node c = root["common_random_numbers"]; c.IsDefined()) {
    if (!c.IsScalar() || (c.Scalar() != "true" && c.Scalar() != "false"))
      fail(file, c, "common_random_numbers", "expected true or false");
    sa.common_random_numbers = c.Scalar() == "true";
  }
  const std::size_t k = sa.parameters.size();
  if (sobol && k > max_sobol_parameters)
    fail(file, root["parameters"], "parameters",
         std::to_string(k) + " parameters; Sobol designs here take at most " + std::to_string(max_sobol_parameters) +
             " (screen them with method: morris first)");
  const std::size_t points = sobol ? std::size_t{sa.samples} * (k + 2) : std::size_t{sa.samples} * (k + 1);
  if (points * (1 + sa.minus_scenarios.size()) > max_runs)
    fail(file, root["samples"], "samples", "the design needs more than " + std::to_string(max_runs) + " runs");
}

}  // namespace

std::string sensitivity_override(const SensitivityParameter& p, double value) {
  const std::string text = p.integer ? std::to_string(std::llround(value)) : format_real(value);
  return p.origin + ": " + p.path + "=" + text;
}

double parameter_value(const SensitivityParameter& p, double unit) {
  const double x = p.low + unit * (p.high - p.low);
  return p.integer ? static_cast<double>(std::llround(x)) : x;
}

SensitivityFile load_sensitivity_file(const std::string& path) {
  SensitivityFile sa;
  sa.path = path;
  sa.text = read_text(path, "sensitivity file");
  const std::string& file = path;
  YAML::Node root;
  try {
    root = YAML::Load(sa.text);
  } catch (const YAML::ParserException& e) {
    throw InputError(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                     ": malformed YAML: " + e.msg);
  }
  if (!root.IsMap()) throw InputError(file + ": expected a mapping with base:, parameters: and outputs:");
  check_keys(file, root, "", file_keys);
  const YAML::Node base = root["base"];
  if (!base.IsDefined()) fail(file, root, "base", "missing required key (a scenario file relative to this file)");
  sa.base = scenario_file(file, base, "base");

  if (const YAML::Node r = root["replicates"]; r.IsDefined()) {
    sa.replicates = static_cast<std::uint32_t>(whole(file, r, "replicates", 1, 100000));
    sa.common.push_back(where(file, r) + ": replicates=" + r.Scalar());
  }
  if (const YAML::Node set = root["set"]; set.IsDefined()) {
    if (!set.IsMap()) fail(file, set, "set", "expected a mapping of parameter paths to values, applied to every run");
    check_keys(file, set, "set", {});
    for (const auto& kv : set) {
      const std::string p = kv.first.Scalar();
      if (p == "seed" || p == "replicates")
        fail(file, kv.first, "set." + p, "set the sensitivity file's own '" + p + ":' instead");
      sa.common.push_back(where(file, kv.second) + ": " + p + "=" + yaml_text(kv.second));
    }
  }
  const Scenario base_scenario = load(sa.base, sa.common);
  sa.seed = base_scenario.seed;
  sa.seed_origin = file;
  if (const YAML::Node s = root["seed"]; s.IsDefined()) {
    sa.seed = whole(file, s, "seed", 0, 9.0e15);
    sa.seed_origin = where(file, s);
  }

  const YAML::Node params = root["parameters"];
  if (!params.IsMap() || params.size() == 0)
    fail(file, params.IsDefined() ? params : root, "parameters",
         "expected a mapping of parameter paths to [low, high], for example model.social_influence: [0.002, 0.01]");
  check_keys(file, params, "parameters", {});
  for (const auto& kv : params) {
    sa.parameters.push_back(read_parameter(file, kv.first, kv.second, base_scenario));
    for (const auto& c : sa.common)
      if (c.find(": " + kv.first.Scalar() + "=") != std::string::npos)
        fail(file, kv.first, "parameters." + kv.first.Scalar(), "is also fixed by set: (" + c + "); give it once");
  }

  const YAML::Node outputs = root["outputs"];
  if (!outputs.IsSequence() || outputs.size() == 0)
    fail(file, outputs.IsDefined() ? outputs : root, "outputs",
         "expected a list of outputs, for example [{metric: participation, step: 104}]");
  std::set<std::string> names;
  for (const auto& o : outputs) read_output(sa, o, base_scenario, names);

  read_design(sa, root);
  check_parameters(sa);
  return sa;
}

}  // namespace gs
