#include "sim/cli/explore/parameters_json.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>

namespace gs::explore {
namespace {

using nlohmann::json;

json scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;  // quoted: always text
  std::int64_t i = 0;
  if (YAML::convert<std::int64_t>::decode(node, i)) return i;
  double d = 0;
  if (YAML::convert<double>::decode(node, d) && std::isfinite(d)) return d;
  bool b = false;
  if (YAML::convert<bool>::decode(node, b)) return b;
  return text;
}

json node_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(node_to_json(item));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = node_to_json(kv.second);
      return out;
    }
    default: return nullptr;
  }
}

// The node at a dotted key inside a parsed resolved scenario, or an undefined node.
YAML::Node at_path(const YAML::Node& root, const std::string& key) {
  YAML::Node at = YAML::Clone(root);
  std::string rest = key;
  for (std::size_t dot; (dot = rest.find('.')) != std::string::npos; rest = rest.substr(dot + 1)) {
    if (!at.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    at.reset(at[rest.substr(0, dot)]);
  }
  if (!at.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  return at[rest];
}

std::string type_word(ParamType t) {
  switch (t) {
    case ParamType::integer: return "integer";
    case ParamType::real: return "real";
    case ParamType::boolean: return "boolean";
    case ParamType::text: return "text";
    case ParamType::choice: return "choice";
    case ParamType::real_list: return "real_list";
    case ParamType::records: return "records";
  }
  return "text";
}

json spec_json(const ParamSpec& spec, const std::string& section, const YAML::Node& resolved) {
  json p;
  p["key"] = section.empty() ? spec.name : section + "." + spec.name;
  p["name"] = spec.name;
  const auto dot = spec.name.rfind('.');
  p["group"] = dot == std::string::npos ? "" : spec.name.substr(0, dot);
  p["type"] = type_word(spec.type);
  p["default"] =
      spec.default_text.empty() && spec.type == ParamType::text ? json("") : yaml_text_to_json(spec.default_text);
  p["required"] = spec.required;
  if (spec.min > -1e299) p["min"] = spec.min;
  if (spec.max < 1e299) p["max"] = spec.max;
  if (!spec.choices.empty()) p["choices"] = spec.choices;
  p["unit"] = spec.unit;
  p["description"] = spec.description;
  p["scales_with_population"] = spec.scales_with_population;
  p["allowed"] = spec.allowed();
  p["editable"] = !spec.is_path;
  const YAML::Node value = at_path(resolved, p["key"].get<std::string>());
  p["value"] = value.IsDefined() ? node_to_json(value) : p["default"];
  if (spec.type == ParamType::text || spec.type == ParamType::choice)
    if (value.IsDefined() && value.IsScalar()) p["value"] = value.Scalar();
  if (!spec.fields.empty()) {
    json fields = json::array();
    for (const auto& f : spec.fields) fields.push_back(spec_json(f, "", YAML::Node()));
    p["fields"] = fields;
  }
  return p;
}

json section_json(const std::string& section, const std::string& type, const std::vector<ParamSpec>& specs,
                  const YAML::Node& resolved) {
  json out;
  out["section"] = section;
  out["type"] = type;
  json params = json::array();
  for (const auto& spec : specs) params.push_back(spec_json(spec, section, resolved));
  out["parameters"] = params;
  return out;
}

}  // namespace

json yaml_text_to_json(const std::string& yaml_text) {
  try {
    return node_to_json(YAML::Load(yaml_text));
  } catch (const YAML::Exception&) {
    return yaml_text;
  }
}

json parameters_json(const Scenario& base) {
  const YAML::Node resolved = YAML::Load(base.resolved_yaml);
  json out;
  out["scenario"] = {{"name", base.name}, {"description", base.description}};
  std::vector<ParamSpec> top;
  for (const auto& spec : top_level_params())
    if (spec.name != "name" && spec.name != "description") top.push_back(spec);
  out["sections"] = json::array({section_json("", "", top, resolved),
                                 section_json("graph", base.graph->name, base.graph->params, resolved),
                                 section_json("model", base.model->name, base.model->params, resolved)});
  json metrics = json::array();
  for (const auto& m : base.model->metrics)
    metrics.push_back({{"name", m.name}, {"description", m.description}, {"units", m.units}});
  out["metrics"] = metrics;
  return out;
}

bool is_locked_key(const Scenario& base, const std::string& key) {
  if (key == "graph" || key == "model" || key == "graph.type" || key == "model.type" || key == "output" ||
      key.rfind("output.", 0) == 0)
    return true;
  // The path itself, a key inside it, or a mapping that contains it.
  auto names_path = [&](const std::string& section, const std::vector<ParamSpec>& specs) {
    for (const auto& spec : specs) {
      const std::string path = section + "." + spec.name;
      if (spec.is_path && (key == path || key.rfind(path + ".", 0) == 0 || path.rfind(key + ".", 0) == 0)) return true;
    }
    return false;
  };
  return names_path("graph", base.graph->params) || names_path("model", base.model->params);
}

}  // namespace gs::explore
