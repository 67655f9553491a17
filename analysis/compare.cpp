#include "analysis/compare.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <sstream>

#include "analysis/scenario_diff.hpp"
#include "sim/scenario/scenario.hpp"

namespace gs {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

struct FileData {
  OutputInfo info;
  MetricData data;
  std::size_t step = 0;
  std::vector<double> values;  // one per replicate, at `step`
  stats::Summary summary;
  std::vector<std::optional<std::size_t>> reach_steps;  // per replicate
  std::optional<OrganiserFacts> organisers;  // models with organisers only
  double national = 1;  // people represented per simulated person
  // With --quintiles: per replicate at `step`, participation_q1 .. q5 then participation_gap.
  std::vector<std::vector<double>> quintiles;
};

const std::vector<std::string> quintile_metrics = {"participation_q1", "participation_q2", "participation_q3",
                                                   "participation_q4", "participation_q5", "participation_gap"};
const std::vector<std::string> quintile_keys = {"q1", "q2", "q3", "q4", "q5", "gap"};
const std::vector<std::string> quintile_names = {"Q1 (most deprived)",  "Q2",         "Q3", "Q4",
                                                 "Q5 (least deprived)", "gap Q5 - Q1"};
constexpr double points = 100;  // a share of 0.0114 is 1.14 percentage points

std::string interval(double lo, double hi, int digits, bool sign = false) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return "-";
  auto f = [&](double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, sign ? "%+.*g" : "%.*g", digits, v);
    return std::string(buf);
  };
  std::string out = "[";
  out += f(lo);
  out += ", ";
  out += f(hi);
  out += "]";
  return out;
}

Column data_only(const std::string& key) {
  Column c = numeric_column(key, key);
  c.in_text = false;
  return c;
}
Column text_only(std::string key, std::string heading) {
  Column c = numeric_column(std::move(key), std::move(heading));
  c.in_data = false;
  return c;
}

FileData load(const std::string& path, const CompareOptions& o) {
  FileData f;
  f.info = read_output_info(path);
  f.data = read_metric(path, o.metric);
  // Statistics of NaN or inf fail deep inside (t_cdf's degrees of freedom) without naming the file.
  for (std::size_t i = 0; i < f.data.values.size(); ++i)
    if (!std::isfinite(f.data.values[i]))
      throw InputError(path + ": /timeseries/" + o.metric + " holds a value that is not a finite number (replicate " +
                       std::to_string(i / f.data.points) + ", step " + std::to_string(i % f.data.points) +
                       "); the file is damaged or was not written by groundswell");
  if (o.at && *o.at > f.info.steps)
    throw InputError("--at " + std::to_string(*o.at) + ": " + path + " has steps 0.." + std::to_string(f.info.steps) +
                     "; allowed: final or a step in that range");
  f.step = o.at ? *o.at : f.info.steps;
  for (std::size_t r = 0; r < f.data.replicates; ++r) f.values.push_back(f.data.at(r, f.step));
  f.summary = stats::summarize(f.values);
  if (o.reach) {
    for (std::size_t r = 0; r < f.data.replicates; ++r) {
      std::vector<double> series(f.data.values.begin() + static_cast<std::ptrdiff_t>(r * f.data.points),
                                 f.data.values.begin() + static_cast<std::ptrdiff_t>((r + 1) * f.data.points));
      f.reach_steps.push_back(stats::first_reaching(series, *o.reach));
    }
  }
  f.organisers = organiser_facts(f.info);
  f.national = national_factor(f.info);
  if (o.quintiles) {
    for (const auto& m : quintile_metrics) {
      if (std::find(f.info.metrics.begin(), f.info.metrics.end(), m) == f.info.metrics.end())
        throw InputError(path +
                         ": --quintiles needs the metrics participation_q1 .. q5 and participation_gap "
                         "(organising model); this file has none of " +
                         m);
      const MetricData q = read_metric(path, m);
      std::vector<double> v;
      for (std::size_t r = 0; r < q.replicates; ++r) v.push_back(q.at(r, f.step));
      f.quintiles.push_back(std::move(v));
    }
  }
  return f;
}

using Cells = std::map<std::string, Cell>;

Column signed_column(std::string key, std::string heading, int digits = 4) {
  Column c = numeric_column(std::move(key), std::move(heading), digits);
  c.signed_number = true;
  return c;
}

// A value with its 95% CI: the value column, the CI as text, and its ends as data.
void add_estimate(Table& t, Column value, const std::string& ci_text, const std::string& heading,
                  const std::string& low, const std::string& high) {
  t.columns.insert(t.columns.end(), {std::move(value), text_only(ci_text, heading), data_only(low), data_only(high)});
}
void put_estimate(Cells& c, const std::string& key, double value, const std::string& ci_text, const std::string& low,
                  const std::string& high, double lo, double hi, bool sign, int digits = 4) {
  c[key] = value;
  c[ci_text] = interval(lo, hi, digits, sign);
  c[low] = lo;
  c[high] = hi;
}

stats::Difference no_difference() {
  stats::Difference d;
  d.estimate = d.df = d.ci_low = d.ci_high = d.relative = nan;
  return d;
}

// Participation per deprivation quintile and the gap, in percent, with the
// difference from the first file in points; people gained in Q1 (a fifth of
// the population represented).
void quintile_columns(CompareResult& res) {
  for (std::size_t k = 0; k < quintile_keys.size(); ++k) {
    const std::string& q = quintile_keys[k];
    add_estimate(res.table, numeric_column(q + "_percent", quintile_names[k] + " %"), q + "_ci", "95% CI",
                 q + "_percent_ci_low", q + "_percent_ci_high");
    add_estimate(res.table, signed_column(q + "_difference_points", "diff (points)"), q + "_difference_ci",
                 "95% CI (Welch)", q + "_difference_points_ci_low", q + "_difference_points_ci_high");
    res.text_groups.push_back({"label", q + "_percent", q + "_ci", q + "_difference_points", q + "_difference_ci"});
  }
  add_estimate(res.table, signed_column("q1_additional_people", "extra participants in Q1 (represented)", 6),
               "q1_additional_ci", "95% CI", "q1_additional_people_ci_low", "q1_additional_people_ci_high");
  res.text_groups.push_back({"label", "q1_additional_people", "q1_additional_ci"});
}

void quintile_cells(Cells& c, const FileData& f, const FileData& first, bool is_first) {
  for (std::size_t k = 0; k < quintile_keys.size(); ++k) {
    const std::string& q = quintile_keys[k];
    const stats::Summary s = stats::summarize(f.quintiles[k]);
    put_estimate(c, q + "_percent", s.mean * points, q + "_ci", q + "_percent_ci_low", q + "_percent_ci_high",
                 s.ci_low * points, s.ci_high * points, false);
    const stats::Difference d =
        is_first ? no_difference() : stats::welch_difference(first.quintiles[k], f.quintiles[k]);
    put_estimate(c, q + "_difference_points", d.estimate * points, q + "_difference_ci",
                 q + "_difference_points_ci_low", q + "_difference_points_ci_high", d.ci_low * points,
                 d.ci_high * points, true);
    if (k == 0) {
      const double fifth = static_cast<double>(f.info.graph_nodes) * f.national / 5;
      put_estimate(c, "q1_additional_people", d.estimate * fifth, "q1_additional_ci", "q1_additional_people_ci_low",
                   "q1_additional_people_ci_high", d.ci_low * fifth, d.ci_high * fifth, true, 6);
    }
  }
}

// Extra participants (in the run and in the population represented), per extra organiser, cost.
void organiser_cells(Cells& c, const FileData& f, const FileData& first, const stats::Difference& d, bool compared,
                     bool any_cost) {
  const double n = static_cast<double>(f.info.graph_nodes);
  const double n0 = static_cast<double>(first.info.graph_nodes);
  const double org = static_cast<double>(f.organisers->count);
  const double d_org = org - static_cast<double>(first.organisers->count);
  double extra = nan, extra_lo = nan, extra_hi = nan;
  if (compared) {
    extra = f.summary.mean * n - first.summary.mean * n0;
    // The Welch CI of the share difference scales to people only when both towns have the same size.
    if (n == n0) {
      extra_lo = d.ci_low * n;
      extra_hi = d.ci_high * n;
    }
  }
  double per_lo = d_org != 0 ? extra_lo / d_org : nan, per_hi = d_org != 0 ? extra_hi / d_org : nan;
  if (per_lo > per_hi) std::swap(per_lo, per_hi);
  c["graph_nodes"] = n;
  c["organisers"] = org;
  c["organiser_kinds"] = f.organisers->kinds.empty() ? std::string("none") : f.organisers->kinds;
  put_estimate(c, "additional_participants", extra, "additional_ci", "additional_participants_ci_low",
               "additional_participants_ci_high", extra_lo, extra_hi, true);
  put_estimate(c, "participants_per_organiser", d_org != 0 ? extra / d_org : nan, "per_organiser_ci",
               "participants_per_organiser_ci_low", "participants_per_organiser_ci_high", per_lo, per_hi, false);
  // National equivalents: the same shares in the population the scenario stands for.
  const double national = compared ? f.summary.mean * n * f.national - first.summary.mean * n0 * first.national : nan;
  const bool same = n * f.national == n0 * first.national;
  put_estimate(c, "national_additional_participants", national, "national_additional_ci",
               "national_additional_participants_ci_low", "national_additional_participants_ci_high",
               same ? d.ci_low * n * f.national : nan, same ? d.ci_high * n * f.national : nan, true, 6);
  c["national_population"] = n * f.national;
  c["national_organisers"] = org * f.national;
  if (!any_cost) return;
  auto total_cost = [](const FileData& x) -> double {
    if (x.organisers->count == 0) return 0;
    return x.organisers->cost_per_organiser > 0
               ? x.organisers->cost_per_organiser * static_cast<double>(x.organisers->count)
               : nan;
  };
  const double extra_cost = total_cost(f) - total_cost(first);
  // Only meaningful when the extra organisers cost money and buy participants.
  const bool ok = compared && extra_cost > 0 && extra > 0;
  c["cost_per_organiser"] = f.organisers->cost_per_organiser > 0 ? f.organisers->cost_per_organiser : nan;
  put_estimate(c, "cost_per_additional_participant", ok ? extra_cost / extra : nan, "cost_ci",
               "cost_per_additional_participant_ci_low", "cost_per_additional_participant_ci_high",
               ok && extra_hi > 0 ? extra_cost / extra_hi : nan, ok && extra_lo > 0 ? extra_cost / extra_lo : nan,
               false);
}

std::string meta_json(const CompareOptions& o, const FileData& first, bool share,
                      const std::vector<ParameterDifference>& diffs, const std::vector<std::string>& warnings) {
  std::ostringstream meta;
  meta << "{\"metric\": " << json_string(o.metric) << ", \"description\": " << json_string(first.data.description)
       << ", \"units\": " << json_string(first.data.units) << ", \"share\": " << (share ? "true" : "false")
       << ", \"at\": " << (o.at ? std::to_string(*o.at) : std::string("\"final\"")) << ", \"confidence\": 0.95"
       << ", \"step_units\": \"weeks\", \"steps\": " << first.info.steps
       << ", \"quintiles\": " << (o.quintiles ? "true" : "false")
       << ", \"reach\": " << (o.reach ? json_number(*o.reach) : std::string("null")) << ", \"differences\": [";
  for (std::size_t i = 0; i < diffs.size(); ++i) {
    meta << (i ? ", " : "") << "{\"key\": " << json_string(diffs[i].key) << ", \"values\": [";
    for (std::size_t j = 0; j < diffs[i].values.size(); ++j) meta << (j ? ", " : "") << json_string(diffs[i].values[j]);
    meta << "]}";
  }
  meta << "], \"warnings\": [";
  for (std::size_t i = 0; i < warnings.size(); ++i) meta << (i ? ", " : "") << json_string(warnings[i]);
  meta << "]}";
  return meta.str();
}

}  // namespace

std::string display_name(const OutputInfo& info) {
  return info.scenario_name.empty() ? std::filesystem::path(info.path).stem().string() : info.scenario_name;
}

std::optional<OrganiserFacts> organiser_facts(const OutputInfo& info) {
  const ModelInfo* model = ModelRegistry::instance().find(info.model);
  if (model == nullptr || !model->organisers) return std::nullopt;
  // The run used its parameters validated and scaled as the scenario layer does them.
  const ModelSection section = load_model_section(info.scenario_yaml, info.path + ": scenario_yaml");
  return section.model->organisers(section.params);
}

double national_factor(const OutputInfo& info) {
  if (info.graph_nodes <= 0) return 1;
  try {
    const YAML::Node root = YAML::Load(info.scenario_yaml);
    const YAML::Node represents = root["represents_population"];
    if (represents && represents.as<double>() > 0)
      return represents.as<double>() / static_cast<double>(info.graph_nodes);
    const double scale = root["population_scale"] ? root["population_scale"].as<double>() : 1.0;
    return 1 / scale;
  } catch (const YAML::Exception& e) {
    throw InputError(info.path + ": the scenario_yaml attribute cannot be read as YAML: " + e.what());
  }
}

std::vector<stats::Summary> summary_over_steps(const MetricData& data) {
  std::vector<stats::Summary> out;
  std::vector<double> column(data.replicates);
  for (std::size_t s = 0; s < data.points; ++s) {
    for (std::size_t r = 0; r < data.replicates; ++r) column[r] = data.at(r, s);
    out.push_back(stats::summarize(column));
  }
  return out;
}

CompareResult compare_files(const std::vector<std::string>& paths, const CompareOptions& o) {
  if (paths.empty()) throw InputError("compare: give at least one output file");
  std::vector<OutputInfo> infos;
  for (const auto& p : paths) infos.push_back(read_output_info(p));
  CompareResult res;
  check_comparable(infos, o.allow_mismatch, res.warnings);  // before a metric one of them lacks
  std::vector<FileData> files;
  for (const auto& p : paths) files.push_back(load(p, o));
  const FileData& first = files.front();
  const std::vector<ParameterDifference> diffs = differing_parameters(infos);
  const std::vector<std::string> labels = row_labels(infos, diffs);

  const bool share = first.data.units == "share";  // differences in percentage points
  bool organising = o.metric == "participation";
  for (const auto& f : files) organising = organising && f.organisers.has_value();
  bool any_cost = false, national = false;
  for (const auto& f : files) {
    any_cost = any_cost || f.organisers->cost_per_organiser > 0;
    national = national || f.national != 1;
  }

  Table& t = res.table;
  Column mean = numeric_column("mean", share ? "mean %" : "mean"), sd = numeric_column("sd", share ? "sd %" : "sd", 2);
  mean.percent = sd.percent = share;
  t.columns = {numeric_column("label", "scenario"), data_only("scenario"), numeric_column("file", "file"),
               numeric_column("replicates", "n"), numeric_column("step", "step")};
  add_estimate(t, mean, "ci", share ? "95% CI (%)" : "95% CI", "ci_low", "ci_high");
  t.columns.push_back(sd);
  add_estimate(t, signed_column("difference", "diff vs first"), "difference_ci", "95% CI (Welch)", "difference_ci_low",
               "difference_ci_high");
  Column change = signed_column("relative_change", "change", 3);
  change.percent = true;
  t.columns.insert(t.columns.end(), {numeric_column("welch_df", "df", 3), change});
  if (share)
    add_estimate(t, signed_column("difference_points", "diff (points)"), "difference_points_ci", "95% CI (Welch)",
                 "difference_points_ci_low", "difference_points_ci_high");
  std::vector<std::string> main_group = {"label", "replicates", "step", "mean", "ci", "sd"};
  for (const char* key : share ? std::vector<const char*>{"difference_points", "difference_points_ci"}
                               : std::vector<const char*>{"difference", "difference_ci"})
    main_group.emplace_back(key);
  main_group.emplace_back("relative_change");
  if (o.reach) {
    char heading[64];
    std::snprintf(heading, sizeof heading, "mean first step >= %g", *o.reach);
    add_estimate(t, numeric_column("reach_step_mean", heading, 4), "reach_ci", "95% CI", "reach_step_ci_low",
                 "reach_step_ci_high");
    t.columns.push_back(numeric_column("reached", "replicates reaching"));
    res.text_groups.push_back({"label", "reached", "reach_step_mean", "reach_ci"});
  }
  if (organising) {
    t.columns.insert(t.columns.end(),
                     {numeric_column("graph_nodes", "citizens", 8), numeric_column("organisers", "organisers", 8),
                      numeric_column("organiser_kinds", "kind")});
    add_estimate(t, signed_column("additional_participants", "extra participants"), "additional_ci", "95% CI",
                 "additional_participants_ci_low", "additional_participants_ci_high");
    add_estimate(t, numeric_column("participants_per_organiser", "per extra organiser"), "per_organiser_ci", "95% CI",
                 "participants_per_organiser_ci_low", "participants_per_organiser_ci_high");
    res.text_groups.push_back({"label", "graph_nodes", "organisers", "organiser_kinds"});
    res.text_groups.push_back(
        {"label", "additional_participants", "additional_ci", "participants_per_organiser", "per_organiser_ci"});
    t.columns.insert(t.columns.end(), {numeric_column("national_population", "people represented", 8),
                                       numeric_column("national_organisers", "organisers (national)", 6)});
    add_estimate(t, signed_column("national_additional_participants", "extra participants (national)", 6),
                 "national_additional_ci", "95% CI", "national_additional_participants_ci_low",
                 "national_additional_participants_ci_high");
    if (national)
      res.text_groups.push_back({"label", "national_population", "national_organisers",
                                 "national_additional_participants", "national_additional_ci"});
    if (any_cost) {
      t.columns.push_back(numeric_column("cost_per_organiser", "GBP per organiser", 6));
      add_estimate(t, numeric_column("cost_per_additional_participant", "GBP per extra participant"), "cost_ci",
                   "95% CI", "cost_per_additional_participant_ci_low", "cost_per_additional_participant_ci_high");
      res.text_groups.push_back(
          {"label", "organisers", "cost_per_organiser", "cost_per_additional_participant", "cost_ci"});
    }
  }
  if (o.quintiles) quintile_columns(res);
  res.text_groups.insert(res.text_groups.begin(), main_group);

  for (std::size_t i = 0; i < files.size(); ++i) {
    const FileData& f = files[i];
    Cells c;
    c["label"] = labels[i];
    c["scenario"] = display_name(f.info);
    c["file"] = f.info.path;
    c["replicates"] = static_cast<double>(f.summary.n);
    c["step"] = static_cast<double>(f.step);
    put_estimate(c, "mean", f.summary.mean, "ci", "ci_low", "ci_high", f.summary.ci_low, f.summary.ci_high, false);
    if (share) c["ci"] = interval(f.summary.ci_low * points, f.summary.ci_high * points, 4);
    c["sd"] = f.summary.sd;
    const stats::Difference d = i > 0 ? stats::welch_difference(first.values, f.values) : no_difference();
    put_estimate(c, "difference", d.estimate, "difference_ci", "difference_ci_low", "difference_ci_high", d.ci_low,
                 d.ci_high, true);
    c["welch_df"] = d.df;
    c["relative_change"] = d.relative;
    if (share)
      put_estimate(c, "difference_points", d.estimate * points, "difference_points_ci", "difference_points_ci_low",
                   "difference_points_ci_high", d.ci_low * points, d.ci_high * points, true);
    if (o.reach) {
      std::vector<double> steps;
      for (const auto& s : f.reach_steps)
        if (s) steps.push_back(static_cast<double>(*s));
      const bool all = steps.size() == f.reach_steps.size();
      const stats::Summary rs = all ? stats::summarize(steps) : stats::Summary{steps.size(), nan, nan, nan, nan};
      put_estimate(c, "reach_step_mean", rs.mean, "reach_ci", "reach_step_ci_low", "reach_step_ci_high", rs.ci_low,
                   rs.ci_high, false);
      c["reached"] = std::to_string(steps.size()) + "/" + std::to_string(f.reach_steps.size());
    }
    if (organising) organiser_cells(c, f, first, d, i > 0, any_cost);
    if (o.quintiles) quintile_cells(c, f, first, i == 0);
    std::vector<Cell> row;
    for (const auto& col : t.columns) row.push_back(c.count(col.key) ? c[col.key] : Cell{});
    t.rows.push_back(std::move(row));
    if (f.summary.n < few_replicates)
      res.warnings.push_back(f.info.path + " rests on " + std::to_string(f.summary.n) +
                             " replicate(s); with fewer than " + std::to_string(few_replicates) +
                             " the confidence intervals are rough (raise replicates, e.g. --set replicates=20)");
  }

  const std::string when = o.at ? "step " + std::to_string(*o.at) : std::string("the final step");
  res.title = o.metric + " at " + when + ": mean over replicates with a 95% CI (Student t), n = replicates;\n" +
              "difference from the first file with a 95% Welch CI" + (share ? " in percentage points" : "");
  if (!first.data.description.empty()) res.title = first.data.description + "\n" + res.title;
  res.meta_json = meta_json(o, first, share, diffs, res.warnings);
  return res;
}

}  // namespace gs
