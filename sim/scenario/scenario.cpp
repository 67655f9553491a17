#include "sim/scenario/scenario.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sim/core/text_checks.hpp"

namespace gs {
namespace {

constexpr std::size_t max_scenario_bytes = 16u << 20;
constexpr int max_nesting = 64;
// Aliases (*name) let a few lines stand for billions of values; no scenario needs more than this.
constexpr std::size_t max_values = 100000;

std::string join(const std::vector<std::string>& words, const std::string& sep = ", ") {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) out += (i ? sep : "") + words[i];
  return out;
}

std::string join_path(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

// Whether decimal text (sign, digits, point, exponent, _ groups) stands for a
// whole number, judged on its digits: a double cannot tell
// 4503599627370496.5 from 4503599627370496, so `seed: 4503599627370496.5`
// would otherwise be rounded silently while `steps: 2.5` is refused.
bool decimal_is_whole(const std::string& text) {
  std::string mantissa;
  long point = -1, exponent = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      point = static_cast<long>(mantissa.size());
    } else if (c == 'e' || c == 'E') {
      exponent = std::clamp(std::strtol(text.c_str() + i + 1, nullptr, 10), -100000L, 100000L);
      break;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      mantissa += c;
    }
  }
  if (point < 0) point = static_cast<long>(mantissa.size());
  const long whole_digits = std::max(0L, point + exponent);  // digits before the decimal point
  for (std::size_t k = static_cast<std::size_t>(whole_digits); k < mantissa.size(); ++k)
    if (mantissa[k] != '0') return false;
  return true;
}

std::string node_text(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

// Knows where each node came from: a line of the file or a --set argument.
class Validator {
 public:
  Validator(std::string origin, std::map<std::string, std::string> overrides)
      : origin_(std::move(origin)), overrides_(std::move(overrides)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& what) const {
    std::ostringstream msg;
    // A key set (or created) by --set is reported against the --set argument,
    // and so is a key inside a value given by --set (model.organisers.cohorts[0].count
    // inside --set model.organisers.cohorts=[...]).
    auto it = overrides_.lower_bound(key);
    bool from_override =
        it != overrides_.end() && !key.empty() && (it->first == key || it->first.rfind(key + ".", 0) == 0);
    for (auto o = overrides_.begin(); !from_override && o != overrides_.end(); ++o)
      if (key.rfind(o->first, 0) == 0 && (key[o->first.size()] == '.' || key[o->first.size()] == '[')) {
        it = o;
        from_override = true;
      }
    if (from_override) {
      msg << it->second << ": ";
    } else {
      msg << origin_;
      if (node.IsDefined() && node.Mark().line >= 0)
        msg << ":" << node.Mark().line + 1 << ":" << node.Mark().column + 1;
      else if (!node.IsDefined())
        msg << ":1:1";  // a missing section or key: the top of the file, where it belongs
      msg << ": ";
    }
    if (!key.empty()) msg << key << ": ";
    msg << what;
    throw InputError(msg.str());
  }

  void check_duplicates(const YAML::Node& node, const std::string& path, int depth) const {
    if (depth > max_nesting) fail(node, path, "nested more than " + std::to_string(max_nesting) + " levels deep");
    if (++visited_ > max_values)
      fail(node, path,
           "the file expands to more than " + std::to_string(max_values) +
               " values (YAML aliases *name repeat whole blocks); write the values out");
    if (node.IsMap()) {
      std::set<std::string> seen;
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) fail(kv.first, path, "keys must be plain names");
        const std::string key = kv.first.Scalar();
        if (!seen.insert(key).second)
          fail(kv.first, join_path(path, key), "duplicate key (each key may appear once in a mapping)");
        check_duplicates(kv.second, join_path(path, key), depth + 1);
      }
    } else if (node.IsSequence()) {
      for (const auto& item : node) check_duplicates(item, path, depth + 1);
    }
  }

  ParamValue parse(const ParamSpec& spec, const YAML::Node& node, const std::string& key) const {
    const std::string expected = "expected " + spec.allowed();
    if (spec.type == ParamType::real_list) {
      if (!node.IsSequence()) fail(node, key, expected + ", got " + describe(node));
      std::vector<double> out;
      for (const auto& item : node) {
        double x = number(item, key, expected);
        check_range(spec, x, item, key);
        out.push_back(x);
      }
      if (out.empty()) fail(node, key, "the list is empty; " + expected);
      return out;
    }
    if (!node.IsScalar()) fail(node, key, expected + ", got " + describe(node));
    const std::string& text = node.Scalar();
    switch (spec.type) {
      case ParamType::integer: {
        double x = number(node, key, expected);
        if (x != std::floor(x) || std::fabs(x) > 9.0e15 || !decimal_is_whole(text))
          fail(node, key, "expected a whole number, got '" + text + "' (allowed: " + spec.allowed() + ")");
        check_range(spec, x, node, key);
        return static_cast<std::int64_t>(x);
      }
      case ParamType::real: {
        double x = number(node, key, expected);
        check_range(spec, x, node, key);
        return x;
      }
      case ParamType::boolean:
        if (text == "true" || text == "True" || text == "TRUE") return true;
        if (text == "false" || text == "False" || text == "FALSE") return false;
        fail(node, key, "expected true or false, got '" + text + "'");
      case ParamType::text: return text;
      case ParamType::choice: {
        if (std::find(spec.choices.begin(), spec.choices.end(), text) != spec.choices.end()) return text;
        std::string hint = did_you_mean(text, spec.choices);
        fail(node, key,
             "'" + text + "' is not allowed" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                 "; allowed: " + join(spec.choices));
      }
      case ParamType::real_list:
      case ParamType::records: break;
    }
    fail(node, key, "unsupported parameter type");
  }

  // A list of mappings: each item's keys are checked against spec.fields and
  // defaults filled in; messages name keys like model.organisers.cohorts[1].count
  // (items counted from 0). `resolved` receives the items as given, unscaled.
  std::vector<ParamValues> parse_records(const ParamSpec& spec, const YAML::Node& node, const std::string& key,
                                         double population_scale, YAML::Node& resolved) const {
    resolved = YAML::Node(YAML::NodeType::Sequence);
    if (node.IsNull()) return {};
    if (!node.IsSequence()) fail(node, key, "expected " + spec.allowed() + ", got " + describe(node));
    std::vector<std::string> names;
    for (const auto& f : spec.fields) names.push_back(f.name);
    std::vector<ParamValues> out;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const YAML::Node item = node[i];
      const std::string item_key = key + "[" + std::to_string(i) + "]";
      if (!item.IsMap())
        fail(item, item_key, "expected a mapping with keys " + join(names) + ", got " + describe(item));
      for (const auto& kv : item) {
        const std::string name = kv.first.Scalar();
        if (std::find(names.begin(), names.end(), name) != names.end()) continue;
        const std::string hint = did_you_mean(name, names);
        fail(
            kv.first, item_key + "." + name,
            "unknown key" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") + "; allowed here: " + join(names));
      }
      ParamValues values;
      YAML::Node given_map(YAML::NodeType::Map);
      for (const auto& f : spec.fields) {
        const std::string field_key = item_key + "." + f.name;
        const YAML::Node given = item[f.name];
        ParamValue value;
        if (given.IsDefined())
          value = parse(f, given, field_key);
        else if (f.required)
          fail(item, field_key, "missing required key (" + f.description + "; allowed: " + f.allowed() + ")");
        else if (f.type == ParamType::text)
          value = f.default_text;
        else
          value = parse(f, YAML::Load(f.default_text), field_key);
        given_map[f.name] = format_value(value);
        values.set(f.name, scale_count(f, value, given.IsDefined() ? given : item, field_key, population_scale));
      }
      resolved.push_back(given_map);
      out.push_back(std::move(values));
    }
    return out;
  }

  // Counts of people are multiplied by population_scale and rounded.
  ParamValue scale_count(const ParamSpec& spec, ParamValue value, const YAML::Node& node, const std::string& key,
                         double population_scale) const {
    if (!spec.scales_with_population || population_scale == 1.0) return value;
    const std::int64_t given = std::get<std::int64_t>(value);
    const std::int64_t scaled = scaled_count(given, population_scale);
    const std::string made = "population_scale " + node_text(population_scale) + " turns " + std::to_string(given) +
                             " into " + std::to_string(scaled);
    if (scaled < static_cast<std::int64_t>(spec.min))
      fail(node, key, made + ", below its minimum; allowed: " + spec.allowed());
    // A town at 0.01 would silently run with no organisers: refuse unless the count was 0 to begin with.
    if (given != 0 && scaled == 0)
      fail(node, key,
           made + " (rounded), so the run would have none; allowed: a population_scale of at least " +
               node_text(0.5 / static_cast<double>(given)) +
               " for this count, a larger count, or a count of 0 if none is meant");
    if (static_cast<double>(scaled) > spec.max)
      fail(node, key, made + ", above its maximum; allowed: " + spec.allowed() + " after scaling");
    return scaled;
  }

 private:
  static std::string describe(const YAML::Node& node) {
    if (node.IsMap()) return "a mapping";
    if (node.IsSequence()) return "a list";
    if (node.IsNull()) return "nothing (empty value)";
    return "'" + node.Scalar() + "'";
  }

  double number(const YAML::Node& node, const std::string& key, const std::string& expected) const {
    if (!node.IsScalar()) fail(node, key, expected + ", got " + describe(node));
    std::string text = node.Scalar();
    std::string digits;
    for (size_t i = 0; i < text.size(); ++i) {
      // Underscores group digits for readability: 68_265_209.
      if (text[i] == '_' && i > 0 && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i - 1])) &&
          std::isdigit(static_cast<unsigned char>(text[i + 1])))
        continue;
      digits += text[i];
    }
    std::string lower;
    for (char c : digits) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* word : {".nan", "nan", ".inf", "+.inf", "-.inf", "inf", "+inf", "-inf", "infinity", "-infinity"})
      if (lower == word) fail(node, key, "'" + text + "' is not a finite number; " + expected);
    const char* begin = digits.c_str();
    char* end = nullptr;
    errno = 0;
    double x = std::strtod(begin, &end);
    const bool hex_or_word = digits.find_first_of("xXnNiI") != std::string::npos;
    if (digits.empty() || end != begin + digits.size() || hex_or_word)
      fail(node, key, expected + ", got '" + text + "'");
    if (errno == ERANGE && std::fabs(x) < 1.0)
      fail(node, key,
           "'" + text + "' is too close to zero to be represented (the smallest is about 2.2e-308); " + expected +
               ", or 0");
    if (!std::isfinite(x) || errno == ERANGE)
      fail(node, key, "'" + text + "' is too large to be represented (the largest is about 1.8e308); " + expected);
    return x;
  }

  void check_range(const ParamSpec& spec, double x, const YAML::Node& node, const std::string& key) const {
    if (x < spec.min || x > spec.max)
      fail(node, key, "value " + node.Scalar() + " is out of range; allowed: " + spec.allowed());
  }

  std::string origin_;
  std::map<std::string, std::string> overrides_;
  mutable std::size_t visited_ = 0;

 public:
  // A relative file path in the scenario names a file beside the scenario; one
  // given with --set is relative to the working directory, like any argument.
  std::string resolve_path(const std::string& key, const std::string& path) const {
    namespace fs = std::filesystem;
    if (path.empty() || fs::path(path).is_absolute() || overrides_.count(key)) return path;
    return (fs::path(origin_).parent_path() / path).lexically_normal().string();
  }
};

// A file parameter (an edge list) must name a readable file at validate, not only at run.
void check_readable_file(const Validator& v, const YAML::Node& node, const std::string& key, const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (std::filesystem::is_regular_file(status) && std::ifstream(path).good()) return;
  namespace fs = std::filesystem;
  const std::string why = !fs::exists(status)             ? "does not exist"
                          : fs::is_directory(status)      ? "is a directory"
                          : fs::is_character_file(status) ? "is a character device, not a regular file"
                          : fs::is_block_file(status)     ? "is a block device, not a regular file"
                          : fs::is_fifo(status)           ? "is a FIFO or pipe, not a regular file"
                          : fs::is_socket(status)         ? "is a socket, not a regular file"
                                                          : "cannot be read";
  v.fail(node, key,
         "'" + path + "' " + why + " (a relative path in a scenario is relative to the scenario file's directory); " +
             "allowed: a readable file");
}

// The mapping that holds dotted name a.b.c in the resolved YAML (created as
// needed); `leaf` receives the last part, c.
YAML::Node resolved_parent(const YAML::Node& resolved, const std::string& name, std::string& leaf) {
  YAML::Node at = resolved;
  leaf = name;
  for (size_t dot; (dot = leaf.find('.')) != std::string::npos; leaf = leaf.substr(dot + 1)) {
    const std::string part = leaf.substr(0, dot);
    if (!at[part].IsMap()) at[part] = YAML::Node(YAML::NodeType::Map);
    at.reset(at[part]);
  }
  return at;
}

// Flatten a section's nested mappings into dotted keys, checking every key
// against the declared names; fills defaults and reports unknown keys.
ParamValues read_section(const Validator& v, const YAML::Node& section, const std::string& section_name,
                         const std::vector<ParamSpec>& specs, const std::set<std::string>& reserved,
                         double population_scale, YAML::Node& resolved) {
  std::map<std::string, const ParamSpec*> by_name;
  std::set<std::string> prefixes;
  for (const auto& s : specs) {
    by_name[s.name] = &s;
    for (size_t dot = s.name.find('.'); dot != std::string::npos; dot = s.name.find('.', dot + 1))
      prefixes.insert(s.name.substr(0, dot));
  }
  std::map<std::string, YAML::Node> given, given_key;
  std::vector<std::pair<std::string, YAML::Node>> stack{{"", section}};
  while (!stack.empty()) {
    auto [prefix, node] = stack.back();
    stack.pop_back();
    if (!node.IsMap()) {
      const std::string key = join_path(section_name, prefix);
      v.fail(node, key, "expected a mapping of parameters");
    }
    for (const auto& kv : node) {
      const std::string name = join_path(prefix, kv.first.Scalar());
      if (prefix.empty() && reserved.count(name)) continue;
      if (by_name.count(name)) {
        given[name] = kv.second;
        given_key[name] = kv.first;
      } else if (prefixes.count(name)) {
        if (!kv.second.IsMap())
          v.fail(kv.second, join_path(section_name, name), "expected a mapping (it groups parameters " + name + ".*)");
        stack.emplace_back(name, kv.second);
      } else {
        std::vector<std::string> candidates;
        for (const auto& s : specs) candidates.push_back(s.name);
        for (const auto& p : prefixes) candidates.push_back(p);
        for (const auto& r : reserved) candidates.push_back(r);
        std::string hint = did_you_mean(name, candidates);
        std::vector<std::string> here;  // names valid at this level
        for (const auto& c : candidates) {
          if (prefix.empty() ? c.find('.') == std::string::npos
                             : (c.rfind(prefix + ".", 0) == 0 && c.find('.', prefix.size() + 1) == std::string::npos))
            here.push_back(prefix.empty() ? c : c.substr(prefix.size() + 1));
        }
        std::sort(here.begin(), here.end());
        v.fail(
            kv.first, join_path(section_name, name),
            "unknown key" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") + "; allowed here: " + join(here));
      }
    }
  }
  ParamValues values;
  for (const auto& s : specs) {
    const std::string key = join_path(section_name, s.name);
    ParamValue value;
    auto it = given.find(s.name);
    if (s.type == ParamType::records) {
      YAML::Node items;
      values.set(s.name, v.parse_records(s, it != given.end() ? it->second : YAML::Node(YAML::NodeType::Null), key,
                                         population_scale, items));
      std::string rest;
      resolved_parent(resolved, s.name, rest)[rest] = items;
      continue;
    }
    if (it != given.end()) {
      // An empty value's position is the next line; point at its key instead.
      if (it->second.IsNull()) v.fail(given_key[s.name], key, "no value given; expected " + s.allowed());
      value = v.parse(s, it->second, key);
      if (s.is_path) {
        value = v.resolve_path(key, std::get<std::string>(value));
        check_readable_file(v, it->second, key, std::get<std::string>(value));
      }
    } else if (s.required) {
      v.fail(section, key, "missing required key (" + s.description + "; allowed: " + s.allowed() + ")");
    } else if (s.type == ParamType::text) {
      value = s.default_text;
    } else {
      value = v.parse(s, YAML::Load(s.default_text), key);
    }
    // Resolved YAML keeps the values as given, nested as in the file.
    std::string rest;
    YAML::Node at = resolved_parent(resolved, s.name, rest);
    if (auto* list = std::get_if<std::vector<double>>(&value)) {
      YAML::Node seq(YAML::NodeType::Sequence);
      seq.SetStyle(YAML::EmitterStyle::Flow);
      for (double x : *list) seq.push_back(format_real(x));
      at[rest] = seq;
    } else {
      at[rest] = format_value(value);
    }
    values.set(s.name, v.scale_count(s, value, it != given.end() ? it->second : section, key, population_scale));
  }
  return values;
}

template <class Info>
const Info* find_type(const Validator& v, const YAML::Node& section, const std::string& section_name,
                      const Registry<Info>& registry, const std::string& what) {
  if (!section.IsDefined() || section.IsNull())
    v.fail(section, section_name, "missing required section (a mapping with 'type' and its parameters)");
  if (!section.IsMap()) v.fail(section, section_name, "expected a mapping with 'type' and its parameters");
  const YAML::Node type = section["type"];
  const std::string key = section_name + ".type";
  if (!type.IsDefined())
    v.fail(section, key, "missing required key; allowed " + what + " types: " + join(registry.names()));
  if (!type.IsScalar()) v.fail(type, key, "expected a name; allowed: " + join(registry.names()));
  const Info* info = registry.find(type.Scalar());
  if (!info) {
    std::string hint = did_you_mean(type.Scalar(), registry.names());
    v.fail(type, key,
           "unknown " + what + " type '" + type.Scalar() + "'" +
               (hint.empty() ? "" : " (did you mean '" + hint + "'?)") + "; known: " + join(registry.names()));
  }
  return info;
}

// A section naming a registered type and that type's parameters (graph,
// model): the type, with `values` and resolved[name] filled in.
template <class Info>
const Info* read_typed_section(const Validator& v, const YAML::Node& root, const std::string& name,
                               const Registry<Info>& registry, double population_scale, ParamValues& values,
                               YAML::Node& resolved) {
  const Info* info = find_type(v, root[name], name, registry, name);
  YAML::Node out(YAML::NodeType::Map);
  out["type"] = info->name;
  values = read_section(v, root[name], name, info->params, {"type"}, population_scale, out);
  resolved[name] = out;
  return info;
}

// Counts of people in the model (parameters that scale with the population)
// cannot exceed the people in the graph, when the graph's size is a parameter.
void check_people_counts(const Validator& v, const YAML::Node& root, const Scenario& s) {
  if (s.graph->size_param.empty() || !s.graph_params.has(s.graph->size_param)) return;
  const std::int64_t people = s.graph_params.integer(s.graph->size_param);
  for (const auto& spec : s.model->params) {
    if (!spec.scales_with_population || spec.type != ParamType::integer) continue;
    const std::int64_t count = s.model_params.integer(spec.name);
    if (count <= people) continue;
    YAML::Node at = root["model"];
    for (std::size_t start = 0, dot = 0; dot != std::string::npos; start = dot + 1) {
      dot = spec.name.find('.', start);
      at.reset(at[spec.name.substr(start, dot - start)]);
    }
    v.fail(at, "model." + spec.name,
           std::to_string(count) + " is more than the " + std::to_string(people) + " people in the graph (graph." +
               s.graph->size_param + "); allowed: at most graph." + s.graph->size_param);
  }
}

// A generator's checks between its parameters (mean_degree below nodes),
// reported like any other value: at the key's line, or its --set argument.
void check_between_graph_params(const Validator& v, const YAML::Node& graph, const Scenario& s) {
  if (!s.graph->check) return;
  try {
    s.graph->check(s.graph_params);
  } catch (const InputError& e) {
    const std::string message = e.what();
    const auto colon = message.find(": ");
    const std::string key = colon == std::string::npos ? "graph" : message.substr(0, colon);
    const std::string what = colon == std::string::npos ? message : message.substr(colon + 2);
    const YAML::Node at = key.rfind("graph.", 0) == 0 ? graph[key.substr(6)] : YAML::Node();
    v.fail(at.IsDefined() ? at : graph, key, what);
  }
}

// output.neighbourhoods needs a model that reports per neighbourhood, a graph
// with real neighbourhoods, and one graph for all replicates (the table of
// neighbourhoods is written once).
void check_neighbourhood_output(const Validator& v, const YAML::Node& output, const Scenario& s) {
  if (!s.output.boolean("neighbourhoods")) return;
  const YAML::Node at = output["neighbourhoods"];
  const std::string key = "output.neighbourhoods";
  if (s.model->neighbourhood_metrics.empty()) {
    std::string models;
    for (const auto& [name, info] : ModelRegistry::instance().entries())
      if (!info.neighbourhood_metrics.empty()) models += (models.empty() ? "" : ", ") + name;
    v.fail(at, key,
           "model '" + s.model->name + "' reports nothing per neighbourhood; allowed: false, or true with model " +
               (models.empty() ? "(none registered)" : models));
  }
  if (!s.graph->neighbourhoods)
    v.fail(at, key,
           "graph '" + s.graph->name + "' has no neighbourhoods; allowed: false, or true with graph type community");
  if (s.new_graph_every != 0 && s.new_graph_every < s.replicates)
    v.fail(at, key,
           "needs one graph for all replicates (the neighbourhood table is written once), but new_graph_every is " +
               std::to_string(s.new_graph_every) + " with " + std::to_string(s.replicates) +
               " replicates; allowed: false, or true with new_graph_every: 0");
}

// Only whether the parser finds a second document matters here.
class IgnoreEvents : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// YAML::Load reads the first document and drops the rest: `"7" 9` gives 7.
// A --set value is held to the file's rules: one document, nothing after it
// (only two documents are ever asked for: LoadAll can loop forever).
void check_single_document(const std::string& value, const std::string& where) {
  std::istringstream in(value);
  YAML::Parser parser(in);
  IgnoreEvents ignore;
  parser.HandleNextDocument(ignore);
  if (parser.HandleNextDocument(ignore))
    throw InputError(where + ": the value has content after its end ('" + value +
                     "' is more than one YAML value); quote it, or give one value");
}

// --set organisers.count=5 means model.organisers.count: when an override's
// first part is not a top-level key but the rest names a parameter of the
// scenario's model, graph or output, say which section it belongs to.
void check_override_section(const YAML::Node& root, const std::string& path, const std::string& where) {
  const std::string first = path.substr(0, path.find_first_of(".["));
  if (first == "graph" || first == "model" || first == "output") return;
  for (const auto& spec : top_level_params())
    if (spec.name == first) return;
  auto names = [&path](const std::vector<ParamSpec>& specs) {
    for (const auto& spec : specs)
      if (path == spec.name || path.rfind(spec.name + ".", 0) == 0 || path.rfind(spec.name + "[", 0) == 0) return true;
    return false;
  };
  auto declared = [&](const char* section, const auto& registry) -> const std::vector<ParamSpec>* {
    const YAML::Node node = root[section];
    if (!node.IsMap() || !node["type"].IsScalar()) return nullptr;
    const auto* info = registry.find(node["type"].Scalar());
    return info ? &info->params : nullptr;
  };
  std::string section;
  if (const auto* p = declared("model", ModelRegistry::instance()); p && names(*p))
    section = "model";
  else if (const auto* g = declared("graph", GraphRegistry::instance()); g && names(*g))
    section = "graph";
  else if (names(output_params()))
    section = "output";
  if (section.empty()) return;  // reported as an unknown key, with the keys allowed
  throw InputError(where + ": '" + first + "' is not a top-level key; did you mean --set " + section + "." + path +
                   "=...? (" + path + " is a parameter of the " + section + " section)");
}

// Where "ORIGIN: key.path=value" splits, or npos for a plain --set argument.
// The origin is a file, maybe with :LINE:COL, and may itself hold '=' or ': '
// (a sweep in dir=eq/): the split is the first ': ' followed by a key path
// and '=' whose prefix ends in :LINE:COL or names an existing file.
std::size_t origin_end(const std::string& given) {
  for (auto colon = given.find(": "); colon != std::string::npos; colon = given.find(": ", colon + 1)) {
    const std::string rest = given.substr(colon + 2);
    const auto eq = rest.find('=');
    if (eq == std::string::npos || eq == 0 ||
        rest.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") < eq)
      continue;
    const std::string origin = given.substr(0, colon);
    const auto last = origin.rfind(':');
    const auto before = last == std::string::npos ? std::string::npos : origin.rfind(':', last - 1);
    const bool line_col = before != std::string::npos && last > before + 1 && last + 1 < origin.size() &&
                          origin.find_first_not_of("0123456789", before + 1) == last &&
                          origin.find_first_not_of("0123456789", last + 1) == std::string::npos;
    std::error_code ec;
    if (line_col || std::filesystem::is_regular_file(origin, ec)) return colon;
  }
  return std::string::npos;
}

std::map<std::string, std::string> apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides) {
  std::map<std::string, std::string> origins;
  for (const auto& given : overrides) {
    // "file:line:col: key.path=value" carries its own origin (a sweep file's
    // line); plain "key.path=value" came from --set.
    std::string text = given, where;
    if (const auto colon = origin_end(given); colon != std::string::npos) {
      text = given.substr(colon + 2);
      where = given.substr(0, colon);
    } else {
      where = "--set " + given;
    }
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError(where + ": expected key.path=value, for example --set model.organisers.count=5000");
    const std::string path = text.substr(0, eq);
    check_override_section(root, path, where);
    YAML::Node value;
    try {
      value = YAML::Load(text.substr(eq + 1));
      check_single_document(text.substr(eq + 1), where);
    } catch (const YAML::Exception& e) {
      throw InputError(where + ": the value is not valid YAML: " + e.msg);
    }
    // Duplicate keys inside a flow mapping, nesting and aliases: as in files.
    Validator(where, {{path, where}}).check_duplicates(value, path, 0);
    YAML::Node at = root;
    std::string rest = path;
    for (size_t dot; (dot = rest.find('.')) != std::string::npos; rest = rest.substr(dot + 1)) {
      const std::string part = rest.substr(0, dot);
      if (part.empty()) throw InputError(where + ": empty name in key path '" + path + "'");
      if (at[part].IsDefined() && !at[part].IsNull() && !at[part].IsMap())
        throw InputError(where + ": '" + part + "' holds a value, not a mapping of parameters");
      if (!at[part].IsMap()) at[part] = YAML::Node(YAML::NodeType::Map);
      at.reset(at[part]);
    }
    if (rest.empty()) throw InputError(where + ": empty name in key path '" + path + "'");
    at[rest] = value;
    origins[path] = where;
  }
  return origins;
}

}  // namespace

const std::vector<ParamSpec>& top_level_params() {
  // Parameter declarations read as a table, one per entry.
  // clang-format off
  static const std::vector<ParamSpec> specs = {
      ParamSpec::text("name", "").require().describe("Short name of the scenario"),
      ParamSpec::text("description", "").describe("What the scenario represents"),
      ParamSpec::integer("seed", 1).range(0, 9.0e15).describe("Root of every random number in the run"),
      ParamSpec::integer("steps", 104).range(1, 100000).units("weeks").describe("Steps to simulate after step 0"),
      ParamSpec::integer("replicates", 1).range(1, 100000).describe("Independent runs on the same graph"),
      ParamSpec::real("population_scale", 1.0).range(1e-6, 1000)
          .describe("Multiplies every count of people (population, organisers), keeping densities"),
      ParamSpec::integer("represents_population", 0).range(0, 1.0e10).units("people")
          .describe("Population the scenario stands for, for national equivalents in compare and report "
                    "(0: itself, or its population before population_scale)"),
      ParamSpec::integer("new_graph_every", 0).range(0, 100000)
          .describe("Build a new graph every N replicates (0: one graph shared by all replicates)"),
  };
  // clang-format on
  return specs;
}

const std::vector<ParamSpec>& output_params() {
  // Parameter declarations read as a table, one per entry.
  // clang-format off
  static const std::vector<ParamSpec> specs = {
      ParamSpec::integer("compression", 4).range(0, 9).describe("Deflate level for time series (0 = none)"),
      ParamSpec::integer("checkpoint_every", 0).range(0, 100000).units("steps")
          .describe("Save the full model state every N steps beside the output, for `run --resume` (0 = never)"),
      ParamSpec::boolean("neighbourhoods", false)
          .describe("Also write per-neighbourhood series [replicate, step, neighbourhood] and a neighbourhood table"),
  };
  // clang-format on
  return specs;
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& overrides) {
  require_regular_file(path, "a scenario file (YAML)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read scenario file: " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::size_t>(in.tellg());
  if (size > max_scenario_bytes)
    throw InputError(path + ": file is " + std::to_string(size) + " bytes; a scenario may be at most " +
                     std::to_string(max_scenario_bytes) + " bytes");
  in.seekg(0);
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  return load_scenario_text(text, path, overrides);
}

namespace {

// The scenario's text as a YAML mapping, or an InputError naming the origin.
YAML::Node parse_scenario_text(const std::string& text, const std::string& origin) {
  if (text.find('\0') != std::string::npos)
    throw InputError(origin + ": not a text file (contains NUL bytes); a scenario is a YAML file");
  // yaml-cpp recurses per nesting level: refuse absurd depth (and tabs,
  // bad UTF-8, unclosed quotes) before parsing, naming line and key.
  check_scenario_text(text, origin, max_nesting);
  YAML::Node root;
  try {
    // Not YAML::LoadAll: it loops forever on some input (fuzz regression
    // tests/data/fuzz/loadall_hang.yaml); a second document is found by
    // check_scenario_text.
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    int line = e.mark.line, column = e.mark.column;
    if (e.msg.find("flow") != std::string::npos) locate_unclosed_flow(text, line, column);
    const std::string key = key_path_at(text, line);
    throw InputError(origin + ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " +
                     (key.empty() ? "" : key + ": ") + "malformed YAML: " + e.msg);
  }
  if (root.IsNull() || !root.IsDefined())
    throw InputError(origin + ": the file is empty; a scenario needs at least name, graph and model");
  if (!root.IsMap())
    throw InputError(origin + ":" + std::to_string(root.Mark().line + 1) +
                     ": expected a mapping of scenario keys (name, seed, steps, graph, model, ...)");
  return root;
}

}  // namespace

Scenario load_scenario_text(const std::string& text, const std::string& origin,
                            const std::vector<std::string>& overrides) {
  YAML::Node root = parse_scenario_text(text, origin);
  Validator v(origin, {});
  v.check_duplicates(root, "", 0);
  Validator checked(origin, apply_overrides(root, overrides));

  Scenario s;
  s.path = origin;
  YAML::Node resolved(YAML::NodeType::Map);
  const std::set<std::string> sections = {"graph", "model", "output"};
  ParamValues top = read_section(checked, root, "", top_level_params(), sections, 1.0, resolved);
  s.name = top.text("name");
  s.description = top.text("description");
  s.seed = static_cast<std::uint64_t>(top.integer("seed"));
  s.steps = static_cast<std::uint32_t>(top.integer("steps"));
  s.replicates = static_cast<std::uint32_t>(top.integer("replicates"));
  s.population_scale = top.real("population_scale");
  s.new_graph_every = static_cast<std::uint32_t>(top.integer("new_graph_every"));

  s.graph = read_typed_section(checked, root, "graph", GraphRegistry::instance(), s.population_scale, s.graph_params,
                               resolved);
  check_between_graph_params(checked, root["graph"], s);
  s.model = read_typed_section(checked, root, "model", ModelRegistry::instance(), s.population_scale, s.model_params,
                               resolved);
  check_people_counts(checked, root, s);

  YAML::Node output_in = root["output"];
  if (!output_in.IsDefined() || output_in.IsNull()) output_in = YAML::Node(YAML::NodeType::Map);
  YAML::Node output_out(YAML::NodeType::Map);
  s.output = read_section(checked, output_in, "output", output_params(), {}, 1.0, output_out);
  check_neighbourhood_output(checked, output_in, s);
  resolved["output"] = output_out;

  YAML::Emitter emitter;
  emitter << resolved;
  s.resolved_yaml =
      std::string("# Resolved by groundswell " GROUNDSWELL_VERSION " from ") + origin + "\n" + emitter.c_str() + "\n";
  return s;
}

ModelSection load_model_section(const std::string& text, const std::string& origin) {
  const YAML::Node root = parse_scenario_text(text, origin);
  const Validator checked(origin, {});
  YAML::Node resolved(YAML::NodeType::Map);
  const ParamValues top =
      read_section(checked, root, "", top_level_params(), {"graph", "model", "output"}, 1.0, resolved);
  ModelSection section;
  section.model = read_typed_section(checked, root, "model", ModelRegistry::instance(), top.real("population_scale"),
                                     section.params, resolved);
  return section;
}

std::int64_t scaled_count(std::int64_t count, double population_scale) {
  return static_cast<std::int64_t>(std::llround(static_cast<double>(count) * population_scale));
}

}  // namespace gs
