#include "sim/core/params.hpp"

#include <charconv>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace gs {

ParamSpec ParamSpec::integer(std::string name, std::int64_t def) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::integer;
  s.default_text = std::to_string(def);
  return s;
}
ParamSpec ParamSpec::real(std::string name, double def) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::real;
  s.default_text = format_real(def);
  return s;
}
ParamSpec ParamSpec::boolean(std::string name, bool def) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::boolean;
  s.default_text = def ? "true" : "false";
  return s;
}
ParamSpec ParamSpec::text(std::string name, std::string def) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::text;
  s.default_text = std::move(def);
  return s;
}
ParamSpec ParamSpec::choice(std::string name, std::string def, std::vector<std::string> choices) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::choice;
  s.default_text = std::move(def);
  s.choices = std::move(choices);
  return s;
}
ParamSpec ParamSpec::real_list(std::string name, std::vector<double> def) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::real_list;
  s.default_text = format_value(ParamValue(std::move(def)));
  return s;
}
ParamSpec ParamSpec::records(std::string name, std::vector<ParamSpec> fields) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::records;
  s.default_text = "[]";
  s.fields = std::move(fields);
  return s;
}
ParamSpec&& ParamSpec::range(double lo, double hi) && {
  min = lo;
  max = hi;
  return std::move(*this);
}
ParamSpec&& ParamSpec::units(std::string u) && {
  unit = std::move(u);
  return std::move(*this);
}
ParamSpec&& ParamSpec::describe(std::string d) && {
  description = std::move(d);
  return std::move(*this);
}
ParamSpec&& ParamSpec::scales() && {
  scales_with_population = true;
  return std::move(*this);
}
ParamSpec&& ParamSpec::file_path() && {
  is_path = true;
  return std::move(*this);
}
ParamSpec&& ParamSpec::require() && {
  required = true;
  default_text.clear();
  return std::move(*this);
}

std::string ParamSpec::type_name() const {
  switch (type) {
    case ParamType::integer: return "integer";
    case ParamType::real: return "number";
    case ParamType::boolean: return "boolean";
    case ParamType::text: return is_path ? "path" : "string";
    case ParamType::choice: return "choice";
    case ParamType::real_list: return "list of numbers";
    case ParamType::records: return "list of mappings";
  }
  return "?";
}

namespace {
// Bounds read best as plain numbers: 100000000 rather than 1e+08 or 1.0e8.
std::string format_bound(double x) {
  if (x == static_cast<double>(static_cast<long long>(x)) && x > -1e15 && x < 1e15)
    return std::to_string(static_cast<long long>(x));
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, end);
}
}  // namespace

std::string ParamSpec::allowed() const {
  std::ostringstream out;
  switch (type) {
    case ParamType::integer:
    case ParamType::real:
    case ParamType::real_list: {
      out << (type == ParamType::integer ? "an integer" : type == ParamType::real ? "a number" : "a list of numbers");
      if (min > -1e299 && max < 1e299) {
        out << (type == ParamType::real_list ? ", each" : "") << " from " << format_bound(min) << " to "
            << format_bound(max);
      } else if (min > -1e299) {
        out << " >= " << format_bound(min);
      } else if (max < 1e299) {
        out << " <= " << format_bound(max);
      }
      break;
    }
    case ParamType::records: {
      out << "a list of mappings with keys ";
      for (size_t i = 0; i < fields.size(); ++i) out << (i ? ", " : "") << fields[i].name;
      break;
    }
    case ParamType::boolean: out << "true or false"; break;
    case ParamType::text:
      out << (is_path ? "a file path (a relative path is relative to the scenario file's directory)" : "a string");
      break;
    case ParamType::choice:
      out << "one of ";
      for (size_t i = 0; i < choices.size(); ++i) out << (i ? ", " : "") << choices[i];
      break;
  }
  return out.str();
}

std::string format_real(double x) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  std::string s(buf, end);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // keep it a real in YAML
  return s;
}

std::string format_value(const ParamValue& v) {
  struct Visitor {
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return format_real(d); }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::vector<double>& list) const {
      std::string s = "[";
      for (size_t i = 0; i < list.size(); ++i) s += (i ? ", " : "") + format_real(list[i]);
      return s + "]";
    }
    std::string operator()(const std::vector<ParamValues>& records) const {
      std::string s = "[";
      for (size_t i = 0; i < records.size(); ++i) {
        s += i ? ", {" : "{";
        bool first = true;
        for (const auto& [key, value] : records[i].all()) {
          s += (first ? "" : ", ") + key + ": " + std::visit(*this, value);
          first = false;
        }
        s += "}";
      }
      return s + "]";
    }
  };
  return std::visit(Visitor{}, v);
}

const ParamValue& ParamValues::at(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("parameter '" + name + "' was not declared");
  return it->second;
}
std::int64_t ParamValues::integer(const std::string& name) const { return std::get<std::int64_t>(at(name)); }
double ParamValues::real(const std::string& name) const {
  const ParamValue& v = at(name);
  if (auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  return std::get<double>(v);
}
bool ParamValues::boolean(const std::string& name) const { return std::get<bool>(at(name)); }
const std::string& ParamValues::text(const std::string& name) const { return std::get<std::string>(at(name)); }
const std::vector<double>& ParamValues::real_list(const std::string& name) const {
  return std::get<std::vector<double>>(at(name));
}
const std::vector<ParamValues>& ParamValues::records(const std::string& name) const {
  return std::get<std::vector<ParamValues>>(at(name));
}

namespace {
// A list of mappings shows as its own row followed by one row per key,
// named like organisers.cohorts[].count.
std::vector<ParamSpec> with_fields(const std::vector<ParamSpec>& specs) {
  std::vector<ParamSpec> rows;
  for (const auto& s : specs) {
    rows.push_back(s);
    for (ParamSpec f : s.fields) {
      f.name = s.name + "[]." + f.name;
      rows.push_back(std::move(f));
    }
  }
  return rows;
}
}  // namespace

std::string parameter_table(const std::vector<ParamSpec>& specs, bool markdown) {
  std::ostringstream out;
  if (markdown) {
    out << "| parameter | type | default | allowed | unit | description |\n";
    out << "|---|---|---|---|---|---|\n";
    for (const auto& s : with_fields(specs)) {
      out << "| `" << s.name << "` | " << s.type_name() << " | "
          << (s.required ? "required" : "`" + s.default_text + "`") << " | " << s.allowed() << " | " << s.unit << " | "
          << s.description << (s.scales_with_population ? " (scaled by `population_scale`)" : "") << " |\n";
    }
    return out.str();
  }
  for (const auto& s : with_fields(specs)) {
    out << "  " << s.name << " (" << s.type_name() << ", "
        << (s.required ? std::string("required") : "default " + s.default_text) << (s.unit.empty() ? "" : ", " + s.unit)
        << ")\n";
    out << "      " << s.description << "\n";
    out << "      allowed: " << s.allowed() << (s.scales_with_population ? "; scaled by population_scale" : "") << "\n";
  }
  return out.str();
}

}  // namespace gs
