#pragma once
// Reading the sweep layer's own input files (sweeps, sensitivity and
// calibration files): every error names file:line:col and the key.
#include <yaml-cpp/yaml.h>

#include <string>

namespace gs::yaml_input {

// "file:line:col" of a node, or the file alone when the node has no mark.
std::string where(const std::string& file, const YAML::Node& node);

// Throws InputError "file:line:col: key: what".
[[noreturn]] void fail(const std::string& file, const YAML::Node& node, const std::string& key,
                       const std::string& what);

// The node as flow YAML, quoted where a scalar would not read back as itself.
std::string yaml_text(const YAML::Node& node);

// A finite number written as a plain decimal (no hex, nan or inf), or fail().
double number(const std::string& file, const YAML::Node& node, const std::string& key);

}  // namespace gs::yaml_input
