#pragma once
// What differs between the scenarios of output files being compared: the
// parameters whose resolved values differ (side by side), labels for the rows
// that say what differs, and the refusal to compare runs that are not alike
// (different steps, models or metrics) unless the caller allows it.
#include <string>
#include <utility>
#include <vector>

#include "sim/io/read.hpp"

namespace gs {

// Every leaf of a resolved scenario as (dotted key path, value text), in file
// order; list items are numbered: model.organisers.cohorts[0].count.
std::vector<std::pair<std::string, std::string>> flatten_scenario(const std::string& yaml_text,
                                                                  const std::string& origin);

struct ParameterDifference {
  std::string key;
  std::vector<std::string> values;  // one per file; "" when a file lacks the key
};

// Parameters whose values are not the same in every file, in the first file's
// order (then keys only later files have). name, description and seed are left
// out: rows are named anyway, and seeds differ by design.
std::vector<ParameterDifference> differing_parameters(const std::vector<OutputInfo>& infos);

// One label per file: the scenario name when the names are distinct, else the
// name followed by what differs ("town (model.organisers.count=20)").
std::vector<std::string> row_labels(const std::vector<OutputInfo>& infos,
                                    const std::vector<ParameterDifference>& diffs);

// Files that differ in steps, model or metrics give an InputError saying what
// differs, or, with allow_mismatch, a warning each in `warnings`.
void check_comparable(const std::vector<OutputInfo>& infos, bool allow_mismatch, std::vector<std::string>& warnings);

}  // namespace gs
