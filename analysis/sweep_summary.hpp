#pragma once
// The table behind `groundswell summarize DIR`: one row per sweep member with
// the varied parameters as columns and a metric at the end with its 95% CI.
// Members come from DIR/index.csv (written by sweeps: index, name, one column
// per varied parameter, file, status, wall time); without an index, from every
// *.h5 in DIR, the varied parameters then being the scenario values that
// differ between the files.
#include <optional>
#include <string>
#include <vector>

#include "analysis/table.hpp"

namespace gs {

struct SummarizeOptions {
  std::string metric = "participation";
  std::optional<std::uint32_t> at;  // nullopt: each member's final step
};

struct SummarizeResult {
  Table table;
  std::vector<std::vector<std::string>> text_groups;  // column blocks that fit 120 columns
  std::string title;
  std::vector<std::string> warnings;
  std::string meta_json;
};

// A sweep directory's members: from DIR/index.csv (varied parameters as its
// columns), else every *.h5 (varied parameters: the scenario values that differ).
struct SweepOutput {
  std::string index, name, file, status, wall, seed, message;
  std::vector<std::string> params;  // values of the varied parameters, in column order
};
struct SweepOutputs {
  std::vector<std::string> param_names;
  std::vector<SweepOutput> members;
  bool indexed = false;
};
SweepOutputs sweep_outputs(const std::string& dir);  // InputError when DIR is not a directory

SummarizeResult summarize_directory(const std::string& dir, const SummarizeOptions& options);

// Splits CSV text into rows of fields (RFC 4180 quoting).
std::vector<std::vector<std::string>> parse_csv(const std::string& text);

}  // namespace gs
