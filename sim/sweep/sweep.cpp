#include "sim/sweep/sweep.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sim/core/random.hpp"
#include "sim/core/text_checks.hpp"
#include "sim/sweep/calibration_output.hpp"
#include "sim/sweep/yaml_input.hpp"

namespace gs {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t max_members = 1000000;
constexpr std::size_t max_sweep_bytes = 16u << 20;
constexpr Purpose purpose_lhs_order = 1;
constexpr Purpose purpose_lhs_offset = 2;

const std::vector<std::string> sweep_keys = {"name", "description", "base",       "set", "sweep",
                                             "zip",  "samples",     "replicates", "seed"};

std::string read_file(const std::string& path, const std::string& what) {
  require_regular_file(path, "a " + what);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read " + what + ": " + std::strerror(errno));
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) > max_sweep_bytes && !ec)
    throw InputError(path + ": " + what + " is larger than 16 MiB");
  std::ostringstream s;
  s << in.rdbuf();
  if (s.str().size() > max_sweep_bytes) throw InputError(path + ": " + what + " is larger than 16 MiB");
  return s.str();
}

using yaml_input::fail;
using yaml_input::number;
using yaml_input::where;
using yaml_input::yaml_text;

void check_unique_keys(const std::string& file, const YAML::Node& map, const std::string& section) {
  std::set<std::string> seen;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) fail(file, kv.first, section, "keys must be plain names");
    const std::string key = kv.first.Scalar();
    if (!seen.insert(key).second) fail(file, kv.first, (section.empty() ? "" : section + ".") + key, "duplicate key");
  }
}

// An inline base keeps its lines and columns: everything outside the base
// mapping is blanked, so the scenario validator's marks point into the sweep file.
std::string inline_base_text(const std::string& text, const YAML::Node& root, const YAML::Node& base) {
  const int first = base.Mark().line, column = base.Mark().column;
  int end = INT_MAX;
  for (const auto& kv : root)
    if (kv.first.Mark().line > first) end = std::min(end, kv.first.Mark().line);
  std::istringstream in(text);
  std::string out, line;
  for (int i = 0; std::getline(in, line); ++i) {
    if (i == first)
      out += std::string(static_cast<std::size_t>(column), ' ') + line.substr(static_cast<std::size_t>(column));
    else if (i > first && i < end)
      out += line;
    out += "\n";
  }
  return out;
}

// One axis of the product: each choice sets one or more parameters.
using Axis = std::vector<std::vector<SweepValue>>;

std::string checked_path(const std::string& file, const YAML::Node& key, std::set<std::string>& used) {
  std::string path = key.Scalar();
  if (path.empty() || path.front() == '.' || path.back() == '.' || path.find("..") != std::string::npos ||
      path.find_first_of(" :=") != std::string::npos)
    fail(file, key, path, "expected a dotted parameter path such as model.organisers.count");
  if (path == "seed") fail(file, key, path, "members get their own seeds; set the sweep's 'seed:' instead");
  if (!used.insert(path).second)
    fail(file, key, path, "this parameter is given twice (in replicates, set, sweep, zip or samples)");
  return path;
}

// A varied parameter becomes an index column named by its path; `name` would
// collide with the index's own column (the member's name), after every member ran.
std::string varied_path(const std::string& file, const YAML::Node& key, std::set<std::string>& used) {
  std::string path = checked_path(file, key, used);
  if (path == "name")
    fail(file, key, path,
         "members get their own names (index column 'name'); vary parameters instead, or set one name with "
         "'set: {name: ...}'");
  return path;
}

std::vector<YAML::Node> value_list(const std::string& file, const YAML::Node& key, const YAML::Node& list,
                                   const std::string& section) {
  const std::string name = section + "." + key.Scalar();
  if (!list.IsSequence() || list.size() == 0)
    fail(file, list.IsDefined() ? list : key, name, "expected a non-empty list of values, for example [0, 250, 500]");
  return {list.begin(), list.end()};
}

std::uint32_t sample_count(const std::string& file, const YAML::Node& samples) {
  const YAML::Node n_node = samples["n"];
  if (!n_node.IsDefined()) fail(file, samples, "samples.n", "missing required key (number of samples)");
  const double n_real = number(file, n_node, "samples.n");
  if (n_real < 1 || n_real > 100000 || n_real != std::floor(n_real))
    fail(file, n_node, "samples.n", "expected a whole number from 1 to 100000");
  return static_cast<std::uint32_t>(n_real);
}

std::uint64_t sample_seed(const std::string& file, const YAML::Node& samples, std::uint64_t sweep_seed) {
  const YAML::Node s = samples["seed"];
  if (!s.IsDefined()) return sweep_seed;
  const double x = number(file, s, "samples.seed");
  if (x < 0 || x > 9.0e15 || x != std::floor(x))
    fail(file, s, "samples.seed", "expected a whole number from 0 to 9e15");
  return static_cast<std::uint64_t>(x);
}

// samples: {from: DIR/posterior.h5, n: 200}: members drawn from a
// calibration's posterior by weight, each with all its parameters.
Axis posterior_axis(const std::string& file, const YAML::Node& samples, const Scenario& base, std::uint64_t sweep_seed,
                    std::set<std::string>& used, std::vector<std::string>& paths) {
  for (const auto& kv : samples) {
    const std::string k = kv.first.Scalar();
    if (k != "n" && k != "from" && k != "seed")
      fail(file, kv.first, "samples." + k, "unknown key with from:; allowed here: from, n, seed");
  }
  const YAML::Node from = samples["from"];
  if (!from.IsScalar()) fail(file, from, "samples.from", "expected the path of a posterior.h5, relative to this file");
  const std::string path = (fs::path(file).parent_path() / from.Scalar()).lexically_normal().string();
  PosteriorSample posterior;
  try {
    posterior = read_posterior(path);
  } catch (const InputError& e) {
    fail(file, from, "samples.from", e.what());
  }
  const std::uint32_t n = sample_count(file, samples);
  const std::vector<std::size_t> drawn = resample_posterior(posterior, n, sample_seed(file, samples, sweep_seed));
  Axis axis(n);
  for (std::size_t k = 0; k < posterior.parameters.size(); ++k) {
    const std::string& p = posterior.parameters[k];
    if (!used.insert(p).second)
      fail(file, from, "samples.from",
           "the posterior sets " + p + ", which is also given in replicates, set, sweep or zip");
    const ParamSpec* spec = find_param_spec(base, p);
    const bool whole = spec && spec->type == ParamType::integer;
    for (std::uint32_t i = 0; i < n; ++i) {
      const double x = posterior.values[k][drawn[i]];
      axis[i].push_back(SweepValue{p, whole ? std::to_string(std::llround(x)) : format_real(x), where(file, from)});
    }
    paths.push_back(p);
  }
  return axis;
}

Axis samples_axis(const std::string& file, const YAML::Node& samples, const Scenario& base, std::uint64_t sweep_seed,
                  std::set<std::string>& used, std::vector<std::string>& paths) {
  if (!samples.IsMap()) fail(file, samples, "samples", "expected a mapping {n, method, ranges, seed} or {from, n}");
  check_unique_keys(file, samples, "samples");
  if (samples["from"].IsDefined()) return posterior_axis(file, samples, base, sweep_seed, used, paths);
  for (const auto& kv : samples) {
    const std::string k = kv.first.Scalar();
    if (k != "n" && k != "method" && k != "ranges" && k != "seed")
      fail(file, kv.first, "samples." + k, "unknown key; allowed here: from, method, n, ranges, seed");
  }
  const std::uint32_t n = sample_count(file, samples);
  if (const YAML::Node m = samples["method"]; m.IsDefined() && (!m.IsScalar() || m.Scalar() != "latin_hypercube"))
    fail(file, m, "samples.method", "'" + yaml_text(m) + "' is not allowed; allowed: latin_hypercube");
  const std::uint64_t seed = sample_seed(file, samples, sweep_seed);
  const YAML::Node ranges = samples["ranges"];
  if (!ranges.IsMap() || ranges.size() == 0)
    fail(file, ranges.IsDefined() ? ranges : samples, "samples.ranges",
         "expected a mapping of parameter paths to [low, high], for example model.organisers.count: [0, 5000]");
  check_unique_keys(file, ranges, "samples.ranges");

  Axis axis(n);
  std::uint32_t dim = 0;
  for (const auto& kv : ranges) {
    const std::string path = checked_path(file, kv.first, used);
    const std::string key = "samples.ranges." + path;
    const YAML::Node& r = kv.second;
    if (!r.IsSequence() || r.size() != 2) fail(file, r, key, "expected [low, high]");
    const double lo = number(file, r[0], key), hi = number(file, r[1], key);
    if (!(lo <= hi)) fail(file, r, key, "low must not exceed high");
    const ParamSpec* spec = find_param_spec(base, path);
    if (spec && spec->type != ParamType::integer && spec->type != ParamType::real)
      fail(file, kv.first, key, "only numeric parameters can be sampled; this one is " + spec->type_name());
    const bool whole = spec && spec->type == ParamType::integer;
    // Latin hypercube: one point in each of n equal strata per dimension,
    // strata shuffled independently per dimension (Fisher-Yates).
    std::vector<std::uint32_t> order(n);
    for (std::uint32_t i = 0; i < n; ++i) order[i] = i;
    Stream shuffle(seed, 0, 0, dim, purpose_lhs_order);
    for (std::uint32_t i = n; i > 1; --i) std::swap(order[i - 1], order[shuffle.below(i)]);
    Stream offset(seed, 0, 0, dim, purpose_lhs_offset);
    for (std::uint32_t i = 0; i < n; ++i) {
      const double x = lo + (order[i] + offset.uniform()) / n * (hi - lo);
      const std::string text = whole ? std::to_string(std::llround(x)) : format_real(x);
      axis[i].push_back(SweepValue{path, text, where(file, r)});
    }
    paths.push_back(path);
    ++dim;
  }
  return axis;
}

std::string safe_name_part(const std::string& text) {
  std::string out;
  for (char c : text) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') ? c : '_';
  return out;
}

}  // namespace

const ParamSpec* find_param_spec(const Scenario& s, const std::string& path) {
  auto in = [](const std::vector<ParamSpec>& specs, const std::string& name) -> const ParamSpec* {
    for (const auto& spec : specs)
      if (spec.name == name) return &spec;
    return nullptr;
  };
  if (path.rfind("model.", 0) == 0) return in(s.model->params, path.substr(6));
  if (path.rfind("graph.", 0) == 0) return in(s.graph->params, path.substr(6));
  if (path.rfind("output.", 0) == 0) return in(output_params(), path.substr(7));
  return in(top_level_params(), path);
}

std::uint64_t member_seed(std::uint64_t sweep_seed, std::uint32_t index) {
  std::uint64_t z = sweep_seed + 0x9E3779B97F4A7C15ull * (std::uint64_t{index} + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (z ^ (z >> 31)) >> 12;
}

Sweep load_sweep(const std::string& path) {
  Sweep sw;
  sw.path = path;
  sw.text = read_file(path, "sweep file");
  const std::string& file = path;
  YAML::Node root;
  try {
    root = YAML::Load(sw.text);
  } catch (const YAML::ParserException& e) {
    throw InputError(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                     ": malformed YAML: " + e.msg);
  }
  if (!root.IsMap()) throw InputError(file + ": expected a mapping with base: and sweep:, zip: or samples:");
  check_unique_keys(file, root, "");
  for (const auto& kv : root) {
    const std::string k = kv.first.Scalar();
    if (std::find(sweep_keys.begin(), sweep_keys.end(), k) == sweep_keys.end()) {
      const std::string hint = did_you_mean(k, sweep_keys);
      fail(file, kv.first, k,
           "unknown key" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
               "; allowed here: base, description, name, replicates, samples, seed, set, sweep, zip");
    }
  }

  // The base: a scenario file relative to the sweep file, or inline.
  const YAML::Node base = root["base"];
  if (!base.IsDefined() || base.IsNull())
    fail(file, root, "base", "missing required key (a scenario file relative to this file, or an inline scenario)");
  if (base.IsScalar()) {
    sw.base_origin = (fs::path(path).parent_path() / base.Scalar()).lexically_normal().string();
    try {
      sw.base_text = read_file(sw.base_origin, "scenario file");
    } catch (const InputError& e) {
      fail(file, base, "base", e.what());
    }
  } else if (base.IsMap()) {
    sw.base_origin = file;
    sw.base_text = inline_base_text(sw.text, root, base);
  } else {
    fail(file, base, "base", "expected a scenario file name or an inline scenario mapping");
  }
  const Scenario base_scenario = load_scenario_text(sw.base_text, sw.base_origin);

  std::uint64_t sweep_seed = base_scenario.seed;
  if (const YAML::Node s = root["seed"]; s.IsDefined()) {
    const double x = number(file, s, "seed");
    if (x < 0 || x > 9.0e15 || x != std::floor(x)) fail(file, s, "seed", "expected a whole number from 0 to 9e15");
    sweep_seed = static_cast<std::uint64_t>(x);
  }
  std::vector<std::string> common;  // overrides shared by every member
  std::set<std::string> used;  // each path may be set or varied once
  if (const YAML::Node r = root["replicates"]; r.IsDefined()) {
    if (!r.IsScalar()) fail(file, r, "replicates", "expected a whole number");
    common.push_back(where(file, r) + ": replicates=" + r.Scalar());
    used.insert("replicates");
  }

  if (const YAML::Node set = root["set"]; set.IsDefined()) {
    if (!set.IsMap())
      fail(file, set, "set", "expected a mapping of parameter paths to values, applied to every member");
    check_unique_keys(file, set, "set");
    for (const auto& kv : set) {
      const std::string p = checked_path(file, kv.first, used);
      common.push_back(where(file, kv.second) + ": " + p + "=" + yaml_text(kv.second));
    }
  }

  std::vector<Axis> axes;
  if (const YAML::Node grid = root["sweep"]; grid.IsDefined()) {
    if (!grid.IsMap()) fail(file, grid, "sweep", "expected a mapping of parameter paths to lists of values");
    check_unique_keys(file, grid, "sweep");
    for (const auto& kv : grid) {
      const std::string p = varied_path(file, kv.first, used);
      Axis axis;
      for (const auto& v : value_list(file, kv.first, kv.second, "sweep"))
        axis.push_back({SweepValue{p, yaml_text(v), where(file, v)}});
      axes.push_back(std::move(axis));
      sw.varied_paths.push_back(p);
    }
  }
  if (const YAML::Node zip = root["zip"]; zip.IsDefined()) {
    if (!zip.IsMap() || zip.size() == 0)
      fail(file, zip, "zip", "expected a mapping of parameter paths to lists of equal length");
    check_unique_keys(file, zip, "zip");
    Axis axis;
    std::size_t length = 0;
    for (const auto& kv : zip) {
      const std::string p = varied_path(file, kv.first, used);
      const auto values = value_list(file, kv.first, kv.second, "zip");
      if (axis.empty()) {
        length = values.size();
        axis.resize(length);
      } else if (values.size() != length) {
        fail(file, kv.second, "zip." + p,
             "has " + std::to_string(values.size()) + " values but the first list has " + std::to_string(length) +
                 "; zipped lists vary together and need equal lengths");
      }
      for (std::size_t i = 0; i < length; ++i)
        axis[i].push_back(SweepValue{p, yaml_text(values[i]), where(file, values[i])});
      sw.varied_paths.push_back(p);
    }
    axes.push_back(std::move(axis));
  }
  if (const YAML::Node samples = root["samples"]; samples.IsDefined())
    axes.push_back(samples_axis(file, samples, base_scenario, sweep_seed, used, sw.varied_paths));

  std::size_t count = 1;
  for (const auto& a : axes) {
    count *= a.size();
    if (count > max_members)
      throw InputError(file + ": the sweep has more than " + std::to_string(max_members) +
                       " members; split it into several sweep files");
  }
  const std::size_t width = std::max<std::size_t>(4, std::to_string(count - 1).size());
  // Row-major product: the first axis varies slowest, the last fastest.
  for (std::size_t index = 0; index < count; ++index) {
    SweepMember m;
    m.index = static_cast<std::uint32_t>(index);
    m.seed = member_seed(sweep_seed, m.index);
    std::size_t rest = index, stride = count;
    for (const auto& a : axes) {
      stride /= a.size();
      for (const auto& v : a[rest / stride]) m.values.push_back(v);
      rest %= stride;
    }
    // Values appear in the order of varied_paths (axes were appended in that order).
    std::string digits = std::to_string(index);
    m.name = "m" + std::string(width - digits.size(), '0') + digits;
    std::string suffix;
    if (!root["samples"].IsDefined())
      for (const auto& v : m.values) {
        const std::string last = v.path.substr(v.path.rfind('.') + 1);
        suffix += "_" + safe_name_part(last) + "-" + safe_name_part(v.yaml);
      }
    if (suffix.size() <= 100) m.name += suffix;
    m.overrides = common;
    for (const auto& v : m.values) m.overrides.push_back(v.origin + ": " + v.path + "=" + v.yaml);
    m.overrides.push_back(where(file, root["seed"]) + ": seed=" + std::to_string(m.seed));
    sw.members.push_back(std::move(m));
  }
  return sw;
}

Scenario load_member(const Sweep& sweep, const SweepMember& member) {
  return load_scenario_text(sweep.base_text, sweep.base_origin, member.overrides);
}

}  // namespace gs
