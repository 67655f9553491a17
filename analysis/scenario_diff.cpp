#include "analysis/scenario_diff.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "sim/scenario/scenario.hpp"

namespace gs {
namespace {

void flatten(const YAML::Node& node, const std::string& key, std::vector<std::pair<std::string, std::string>>& out) {
  if (node.IsMap()) {
    for (const auto& kv : node)
      flatten(kv.second, key.empty() ? kv.first.Scalar() : key + "." + kv.first.Scalar(), out);
  } else if (node.IsSequence()) {
    bool scalars = true;
    for (const auto& item : node) scalars = scalars && item.IsScalar();
    if (scalars) {  // a list of numbers reads best as one value: [0.3, 0.35, ...]
      std::string text = "[";
      for (std::size_t i = 0; i < node.size(); ++i) text += (i ? ", " : "") + node[i].Scalar();
      out.emplace_back(key, text + "]");
      return;
    }
    for (std::size_t i = 0; i < node.size(); ++i) flatten(node[i], key + "[" + std::to_string(i) + "]", out);
  } else {
    out.emplace_back(key, node.IsNull() ? std::string() : node.Scalar());
  }
}

std::string file_name(const OutputInfo& info) { return std::filesystem::path(info.path).filename().string(); }

}  // namespace

std::vector<std::pair<std::string, std::string>> flatten_scenario(const std::string& yaml_text,
                                                                  const std::string& origin) {
  std::vector<std::pair<std::string, std::string>> out;
  try {
    flatten(YAML::Load(yaml_text), "", out);
  } catch (const YAML::Exception& e) {
    throw InputError(origin + ": the scenario_yaml attribute cannot be read as YAML: " + e.what());
  }
  return out;
}

std::vector<ParameterDifference> differing_parameters(const std::vector<OutputInfo>& infos) {
  static const std::set<std::string> named_anyway = {"name", "description", "seed"};
  std::vector<std::string> order;
  std::vector<std::map<std::string, std::string>> values;
  for (const auto& info : infos) {
    values.emplace_back();
    for (auto& [key, value] : flatten_scenario(info.scenario_yaml, info.path)) {
      if (named_anyway.count(key)) continue;
      if (std::find(order.begin(), order.end(), key) == order.end()) order.push_back(key);
      values.back()[key] = value;
    }
  }
  std::vector<ParameterDifference> out;
  for (const auto& key : order) {
    ParameterDifference d{key, {}};
    for (const auto& v : values) {
      const auto it = v.find(key);
      d.values.push_back(it == v.end() ? std::string() : it->second);
    }
    if (std::adjacent_find(d.values.begin(), d.values.end(), std::not_equal_to<>()) != d.values.end())
      out.push_back(std::move(d));
  }
  return out;
}

std::vector<std::string> row_labels(const std::vector<OutputInfo>& infos,
                                    const std::vector<ParameterDifference>& diffs) {
  std::vector<std::string> names;
  for (const auto& info : infos)
    names.push_back(info.scenario_name.empty() ? std::filesystem::path(info.path).stem().string() : info.scenario_name);
  const std::set<std::string> distinct(names.begin(), names.end());
  if (distinct.size() == names.size()) return names;
  constexpr std::size_t shown = 3;  // a label stays readable in a table
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string what;
    for (std::size_t k = 0; k < diffs.size() && k < shown; ++k)
      what += (k ? ", " : "") + diffs[k].key + "=" + diffs[k].values[i];
    if (diffs.size() > shown) what += ", ...";
    names[i] += " (" + (what.empty() ? file_name(infos[i]) : what) + ")";
  }
  return names;
}

void check_comparable(const std::vector<OutputInfo>& infos, bool allow_mismatch, std::vector<std::string>& warnings) {
  const OutputInfo& first = infos.front();
  for (std::size_t i = 1; i < infos.size(); ++i) {
    const OutputInfo& f = infos[i];
    std::vector<std::string> what;
    if (f.steps != first.steps)
      what.push_back("steps (" + std::to_string(first.steps) + " vs " + std::to_string(f.steps) + ")");
    if (f.model != first.model) what.push_back("model (" + first.model + " vs " + f.model + ")");
    if (f.metrics != first.metrics) {
      std::vector<std::string> only;
      std::set_symmetric_difference(first.metrics.begin(), first.metrics.end(), f.metrics.begin(), f.metrics.end(),
                                    std::back_inserter(only));
      std::string list;
      for (const auto& m : only) list += (list.empty() ? "" : ", ") + m;
      what.push_back("metrics (only in one of them: " + list + ")");
    }
    if (what.empty()) continue;
    std::string text;
    for (const auto& w : what) text += (text.empty() ? "" : "; ") + w;
    const std::string message = first.path + " and " + f.path + " are not like runs: they differ in " + text;
    if (!allow_mismatch)
      throw InputError(message + "; compare runs of the same model over the same steps, or pass --allow-mismatch");
    warnings.push_back(message + " (compared anyway: --allow-mismatch)");
  }
}

}  // namespace gs
