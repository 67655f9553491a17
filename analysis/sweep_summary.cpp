#include "analysis/sweep_summary.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "analysis/compare.hpp"
#include "analysis/statistics.hpp"
#include "sim/io/read.hpp"
#include "sim/scenario/scenario.hpp"

namespace gs {
namespace {

namespace fs = std::filesystem;

using Member = SweepOutput;
using Members = SweepOutputs;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Members from_index(const fs::path& dir, const fs::path& index) {
  std::ifstream in(index);
  std::stringstream text;
  text << in.rdbuf();
  const auto rows = parse_csv(text.str());
  if (rows.empty()) throw InputError(index.string() + ": empty sweep index");
  const auto& header = rows.front();
  int file_col = -1, status_col = -1, name_col = -1, index_col = -1, wall_col = -1, seed_col = -1, message_col = -1;
  std::vector<int> param_cols;
  Members m;
  m.indexed = true;
  for (int j = 0; j < static_cast<int>(header.size()); ++j) {
    const std::string h = lower(header[static_cast<std::size_t>(j)]);
    if (h == "file" || h == "path" || h == "output")
      file_col = j;
    else if (h == "status")
      status_col = j;
    else if (h == "name")
      name_col = j;
    else if (h == "index" || h == "member")
      index_col = j;
    else if (h == "seed")
      seed_col = j;
    else if (h == "message")
      message_col = j;
    else if (h.find("wall") != std::string::npos || h == "seconds" || h == "time_s")
      wall_col = j;
    else {
      param_cols.push_back(j);
      m.param_names.push_back(header[static_cast<std::size_t>(j)]);
    }
  }
  if (file_col < 0)
    throw InputError(index.string() + ":1: sweep index has no 'file' column; columns: " + [&] {
      std::string s;
      for (const auto& h : header) s += (s.empty() ? "" : ", ") + h;
      return s;
    }());
  auto field = [](const std::vector<std::string>& row, int col) {
    return col >= 0 && static_cast<std::size_t>(col) < row.size() ? row[static_cast<std::size_t>(col)] : std::string();
  };
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    if (row.size() == 1 && row[0].empty()) continue;
    Member mem{field(row, index_col), field(row, name_col), field(row, file_col),    field(row, status_col),
               field(row, wall_col),  field(row, seed_col), field(row, message_col), {}};
    for (int c : param_cols) mem.params.push_back(field(row, c));
    if (!mem.file.empty() && fs::path(mem.file).is_relative() && fs::exists(dir / mem.file))
      mem.file = (dir / mem.file).string();
    m.members.push_back(std::move(mem));
  }
  return m;
}

// A stored scenario is small; aliases (*name) could make one expand to
// billions of values (an alias bomb ran out of memory after 85 s).
constexpr std::size_t max_stored_values = 100000;

void flatten(const YAML::Node& node, const std::string& prefix, std::map<std::string, std::string>& out,
             std::size_t& budget) {
  if (budget == 0) throw InputError("its scenario_yaml expands to more than 100000 values (YAML aliases)");
  --budget;
  if (node.IsMap()) {
    for (const auto& kv : node)
      flatten(kv.second, prefix.empty() ? kv.first.as<std::string>() : prefix + "." + kv.first.as<std::string>(), out,
              budget);
  } else {
    YAML::Emitter e;
    e << YAML::Flow << node;
    out[prefix] = e.c_str();
  }
}

Members from_files(const fs::path& dir) {
  Members m;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".h5" && name != "index.h5" && name.front() != '.') files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) throw InputError(dir.string() + ": no sweep index (index.csv) and no .h5 files");
  std::vector<std::map<std::string, std::string>> values;
  std::set<std::string> keys;
  for (const auto& f : files) {
    std::map<std::string, std::string> flat;
    try {
      std::size_t budget = max_stored_values;
      flatten(YAML::Load(read_output_info(f.string()).scenario_yaml), "", flat, budget);
    } catch (const InputError&) {
      flat.clear();  // unreadable member (an alias bomb stops part way): its row says why (below)
    } catch (const YAML::Exception&) {
      flat.clear();
    }
    for (const auto& [k, v] : flat) keys.insert(k);
    values.push_back(std::move(flat));
  }
  for (const auto& k : keys) {
    if (k == "name" || k == "description") continue;
    std::set<std::string> distinct;
    for (const auto& v : values) distinct.insert(v.count(k) ? v.at(k) : "");
    if (distinct.size() > 1) m.param_names.push_back(k);
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    Member mem{std::to_string(i), files[i].stem().string(), files[i].string(), "", "", "", "", {}};
    for (const auto& k : m.param_names) mem.params.push_back(values[i].count(k) ? values[i].at(k) : "");
    m.members.push_back(std::move(mem));
  }
  return m;
}

// A parameter value as a number when it is one, so CSV/JSON readers get numbers.
Cell value_cell(const std::string& v) {
  if (v.empty()) return std::monostate{};
  try {
    std::size_t used = 0;
    const double d = std::stod(v, &used);
    // Beyond 2^53 a double would change the value (large seeds): keep the text.
    if (used == v.size() && std::fabs(d) < 9007199254740992.0) return d;
  } catch (const std::exception&) {
  }
  return v;
}

bool same_value(const std::string& a, const std::string& b) {
  if (a == b) return true;
  const Cell x = value_cell(a), y = value_cell(b);
  return std::holds_alternative<double>(x) && std::holds_alternative<double>(y) &&
         std::get<double>(x) == std::get<double>(y);
}

// index.csv is a convenience; the member file's own scenario says what was
// run. A file swapped for another's must not show the index's values: each
// varied value is checked against the file, and the file's is shown.
void check_against_file(const Members& m, const Member& mem, const OutputInfo& info, std::vector<Cell>& row,
                        std::size_t first_param, std::vector<std::string>& warnings) {
  std::map<std::string, std::string> own;
  try {
    std::size_t budget = max_stored_values;
    flatten(YAML::Load(info.scenario_yaml), "", own, budget);
  } catch (const YAML::Exception&) {
    return;  // not ours to judge: the metric read says whether the file is usable
  }
  for (std::size_t p = 0; p < m.param_names.size() && p < mem.params.size(); ++p) {
    const auto it = own.find(m.param_names[p]);
    if (it == own.end() || same_value(it->second, mem.params[p])) continue;
    warnings.push_back((mem.name.empty() ? mem.file : mem.name) + ": index.csv says " + m.param_names[p] + " = " +
                       mem.params[p] + ", but " + mem.file + " was run with " + it->second +
                       " (was the file replaced?); showing the file's value");
    row[first_param + p] = value_cell(it->second);
  }
}

}  // namespace

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, any = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        field += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
    any = true;
  }
  if (!field.empty() || !rows.back().empty()) rows.back().push_back(std::move(field));
  if (rows.back().empty()) rows.pop_back();
  if (!any) rows.clear();
  return rows;
}

SweepOutputs sweep_outputs(const std::string& dir_name) {
  const fs::path dir(dir_name);
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError(dir_name + ": not a directory (expected a sweep's output directory)");
  return fs::exists(dir / "index.csv") ? from_index(dir, dir / "index.csv") : from_files(dir);
}

SummarizeResult summarize_directory(const std::string& dir_name, const SummarizeOptions& o) {
  const Members m = sweep_outputs(dir_name);

  SummarizeResult res;
  Table& t = res.table;
  if (m.indexed) t.columns.push_back(numeric_column("index", "#"));
  t.columns.push_back(numeric_column("name", "member"));
  // Text headings: the last part of the dotted name (one_to_ones_per_step); CSV/JSON keep the full path.
  for (const auto& p : m.param_names) t.columns.push_back(numeric_column(p, p.substr(p.rfind('.') + 1), 6));
  Column ci = numeric_column("ci", "95% CI");
  ci.in_data = false;
  Column lo = numeric_column("ci_low", "ci_low"), hi = numeric_column("ci_high", "ci_high");
  lo.in_text = hi.in_text = false;
  t.columns.insert(t.columns.end(),
                   {numeric_column("organisers", "organisers", 8), numeric_column("replicates", "n"),
                    numeric_column("step", "step"), numeric_column("mean", "mean"), numeric_column("sd", "sd", 2), ci,
                    lo, hi, numeric_column("status", "status"), numeric_column("file", "file")});
  if (m.indexed) t.columns.push_back(numeric_column("wall_seconds", "wall s", 3));
  if (m.indexed) t.columns.push_back(numeric_column("seed", "seed", 20));
  // Text in two blocks that fit 120 columns: the results, then where each member's numbers come from.
  const std::string label = m.indexed ? "index" : "name";
  std::vector<std::string> results = {label};
  results.insert(results.end(), m.param_names.begin(), m.param_names.end());
  results.insert(results.end(), {"organisers", "replicates", "mean", "ci", "status"});
  res.text_groups = {results, {label, "name", "step", "sd"}};
  if (m.indexed) res.text_groups.back().insert(res.text_groups.back().end(), {"wall_seconds", "seed"});

  std::size_t fewest = SIZE_MAX;
  for (const auto& mem : m.members) {
    std::vector<Cell> row;
    if (m.indexed) row.push_back(value_cell(mem.index));
    row.push_back(mem.name);
    for (const auto& v : mem.params) row.push_back(value_cell(v));
    Cell organisers, n, step, mean, sd, lo_c, hi_c;
    std::string ci_text = "-", status = mem.status.empty() ? "ok" : mem.status;
    try {
      if (mem.file.empty()) throw InputError("no file recorded");
      const OutputInfo info = read_output_info(mem.file);
      if (m.indexed) check_against_file(m, mem, info, row, 2, res.warnings);
      const MetricData data = read_metric(mem.file, o.metric);
      if (o.at && *o.at > info.steps)
        throw InputError("has steps 0.." + std::to_string(info.steps) + ", not " + std::to_string(*o.at));
      const std::size_t s = o.at ? *o.at : info.steps;
      std::vector<double> values;
      for (std::size_t r = 0; r < data.replicates; ++r) values.push_back(data.at(r, s));
      const stats::Summary sum = stats::summarize(values);
      if (const auto facts = organiser_facts(info)) organisers = static_cast<double>(facts->count);
      n = static_cast<double>(sum.n);
      step = static_cast<double>(s);
      mean = sum.mean;
      sd = sum.sd;
      lo_c = sum.ci_low;
      hi_c = sum.ci_high;
      char buf[96];
      std::snprintf(buf, sizeof buf, "[%.4g, %.4g]", sum.ci_low, sum.ci_high);
      if (sum.n >= 2) ci_text = buf;
      fewest = std::min(fewest, sum.n);
    } catch (const InputError& e) {
      if (status == "ok") status = "unreadable";
      res.warnings.push_back((mem.name.empty() ? mem.file : mem.name) + ": " + e.what());
    }
    row.insert(row.end(), {organisers, n, step, mean, sd, ci_text, lo_c, hi_c, status, mem.file});
    if (m.indexed) row.push_back(value_cell(mem.wall));
    if (m.indexed) row.push_back(value_cell(mem.seed));
    if (!mem.message.empty()) res.warnings.push_back((mem.name.empty() ? mem.file : mem.name) + ": " + mem.message);
    t.rows.push_back(std::move(row));
  }
  if (fewest < few_replicates && fewest != SIZE_MAX)
    res.warnings.push_back("some members rest on " + std::to_string(fewest) + " replicate(s); with fewer than " +
                           std::to_string(few_replicates) + " the confidence intervals are rough");
  res.title =
      o.metric + " at " + (o.at ? "step " + std::to_string(*o.at) : std::string("the final step")) +
      " for each member of " + dir_name + "\n(mean over replicates, 95% CI by Student t)" +
      (m.indexed ? "" : "\nno index.csv: members are the .h5 files; columns are the scenario values that differ");
  std::ostringstream meta;
  meta << "{\"directory\": " << json_string(dir_name) << ", \"metric\": " << json_string(o.metric)
       << ", \"at\": " << (o.at ? std::to_string(*o.at) : std::string("\"final\""))
       << ", \"confidence\": 0.95, \"varied\": [";
  for (std::size_t i = 0; i < m.param_names.size(); ++i) meta << (i ? ", " : "") << json_string(m.param_names[i]);
  meta << "], \"warnings\": [";
  for (std::size_t i = 0; i < res.warnings.size(); ++i) meta << (i ? ", " : "") << json_string(res.warnings[i]);
  meta << "]}";
  res.meta_json = meta.str();
  return res;
}

}  // namespace gs
