#pragma once
// One declaration per parameter. Model rules and graph generators list their
// parameters once; validation, defaults, --set overrides, population scaling,
// the resolved scenario and `groundswell models` help all come from the list.
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace gs {

enum class ParamType { integer, real, boolean, text, choice, real_list, records };

class ParamValues;

struct ParamSpec {
  std::string name;  // dotted path inside its section, e.g. "organisers.count"
  ParamType type = ParamType::real;
  std::string default_text;  // YAML text of the default; empty when required
  bool required = false;
  double min = -1e300;
  double max = 1e300;
  std::vector<std::string> choices;
  std::string unit;
  std::string description;
  bool scales_with_population = false;
  bool is_path = false;  // text naming a file; relative to the scenario file's directory
  std::vector<ParamSpec> fields;  // records: the keys of each list item

  // Fluent helpers so declarations read as one line each.
  static ParamSpec integer(std::string name, std::int64_t def);
  static ParamSpec real(std::string name, double def);
  static ParamSpec boolean(std::string name, bool def);
  static ParamSpec text(std::string name, std::string def);
  static ParamSpec choice(std::string name, std::string def, std::vector<std::string> choices);
  static ParamSpec real_list(std::string name, std::vector<double> def);
  // A list of mappings, each validated against `fields` (default: empty list);
  // for example organisers.cohorts: [{count: 500, kind: paid}, ...].
  static ParamSpec records(std::string name, std::vector<ParamSpec> fields);
  ParamSpec&& range(double lo, double hi) &&;
  ParamSpec&& units(std::string u) &&;
  ParamSpec&& describe(std::string d) &&;
  ParamSpec&& scales() &&;  // multiplied by population_scale (counts of people)
  ParamSpec&& require() &&;
  ParamSpec&& file_path() &&;  // a text parameter holding a file path

  std::string type_name() const;
  std::string allowed() const;  // human-readable "allowed values" text
};

using ParamValue = std::variant<std::int64_t, double, bool, std::string, std::vector<double>, std::vector<ParamValues>>;

std::string format_real(double x);  // shortest text that round-trips
std::string format_value(const ParamValue& v);

// Validated values of one section, keyed by dotted name, with any population
// scaling already applied.
class ParamValues {
 public:
  void set(const std::string& name, ParamValue v) { values_[name] = std::move(v); }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  std::int64_t integer(const std::string& name) const;
  double real(const std::string& name) const;  // accepts integers too
  bool boolean(const std::string& name) const;
  const std::string& text(const std::string& name) const;  // text and choice
  const std::vector<double>& real_list(const std::string& name) const;
  const std::vector<ParamValues>& records(const std::string& name) const;
  const std::map<std::string, ParamValue>& all() const { return values_; }
  bool operator==(const ParamValues& other) const { return values_ == other.values_; }

 private:
  const ParamValue& at(const std::string& name) const;
  std::map<std::string, ParamValue> values_;
};

// A table of parameters in Markdown (for docs) or plain text (for the CLI).
std::string parameter_table(const std::vector<ParamSpec>& specs, bool markdown);

}  // namespace gs
