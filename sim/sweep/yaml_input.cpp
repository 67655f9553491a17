#include "sim/sweep/yaml_input.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "sim/core/input_error.hpp"

namespace gs::yaml_input {

std::string where(const std::string& file, const YAML::Node& node) {
  if (!node.IsDefined() || node.Mark().line < 0) return file;
  return file + ":" + std::to_string(node.Mark().line + 1) + ":" + std::to_string(node.Mark().column + 1);
}

void fail(const std::string& file, const YAML::Node& node, const std::string& key, const std::string& what) {
  throw InputError(where(file, node) + ": " + (key.empty() ? "" : key + ": ") + what);
}

std::string yaml_text(const YAML::Node& node) {
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

double number(const std::string& file, const YAML::Node& node, const std::string& key) {
  if (node.IsScalar()) {
    const std::string& t = node.Scalar();
    char* end = nullptr;
    errno = 0;
    const double x = std::strtod(t.c_str(), &end);
    if (!t.empty() && end == t.c_str() + t.size() && std::isfinite(x) && errno == 0 &&
        t.find_first_of("xXnNiI") == std::string::npos)
      return x;
  }
  fail(file, node, key, "expected a number, got '" + yaml_text(node) + "'");
}

}  // namespace gs::yaml_input
