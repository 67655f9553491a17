#include "analysis/compare.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>

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
  OrganiserFacts organisers;
};

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

Column number(std::string key, std::string heading, int digits = 4) {
  Column c;
  c.key = std::move(key);
  c.heading = std::move(heading);
  c.digits = digits;
  return c;
}
Column data_only(const std::string& key) {
  Column c = number(key, key);
  c.in_text = false;
  return c;
}
Column text_only(std::string key, std::string heading) {
  Column c = number(std::move(key), std::move(heading));
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
  return f;
}

}  // namespace

std::string display_name(const OutputInfo& info) {
  return info.scenario_name.empty() ? std::filesystem::path(info.path).stem().string() : info.scenario_name;
}

OrganiserFacts organiser_facts(const OutputInfo& info) {
  OrganiserFacts facts;
  if (info.model != "organising") return facts;
  try {
    const YAML::Node root = YAML::Load(info.scenario_yaml);
    const YAML::Node org = root["model"]["organisers"];
    const double scale = root["population_scale"] ? root["population_scale"].as<double>() : 1.0;
    // The scenario keeps counts as written; the run used them x population_scale, rounded (sim/scenario).
    auto scaled = [scale](const YAML::Node& count) {
      return count ? std::llround(static_cast<double>(count.as<std::int64_t>()) * scale) : 0LL;
    };
    facts.count = org ? scaled(org["count"]) : 0;
    // Further cohorts (organisers.cohorts, a list of records with their own count) add to the total.
    if (org && org["cohorts"] && org["cohorts"].IsSequence())
      for (const auto& cohort : org["cohorts"]) *facts.count += scaled(cohort["count"]);
    if (org && org["cost_per_organiser"]) facts.cost_per_organiser = org["cost_per_organiser"].as<double>();
  } catch (const YAML::Exception& e) {
    throw InputError(info.path + ": the scenario_yaml attribute cannot be read as YAML: " + e.what());
  }
  return facts;
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
  std::vector<FileData> files;
  for (const auto& p : paths) files.push_back(load(p, o));
  const FileData& first = files.front();

  bool organising = o.metric == "participation";
  for (const auto& f : files) organising = organising && f.organisers.count.has_value();
  bool any_cost = false;
  for (const auto& f : files) any_cost = any_cost || f.organisers.cost_per_organiser > 0;

  CompareResult res;
  Table& t = res.table;
  t.columns = {number("scenario", "scenario"), number("file", "file"), number("replicates", "n"),
               number("step", "step"),         number("mean", "mean"), number("sd", "sd", 2),
               text_only("ci", "95% CI"),      data_only("ci_low"),    data_only("ci_high")};
  Column diff = number("difference", "diff vs first");
  diff.signed_number = true;
  Column change = number("relative_change", "change", 3);
  change.percent = change.signed_number = true;
  t.columns.insert(t.columns.end(), {diff, text_only("difference_ci", "95% CI (Welch)"), data_only("difference_ci_low"),
                                     data_only("difference_ci_high"), number("welch_df", "df", 3), change});
  std::vector<std::string> main_group = {"scenario", "file", "replicates", "step",          "mean",
                                         "sd",       "ci",   "difference", "difference_ci", "relative_change"};
  if (o.reach) {
    char heading[64];
    std::snprintf(heading, sizeof heading, "mean first step >= %g", *o.reach);
    t.columns.insert(t.columns.end(), {number("reach_step_mean", heading, 4), text_only("reach_ci", "95% CI"),
                                       data_only("reach_step_ci_low"), data_only("reach_step_ci_high"),
                                       number("reached", "replicates reaching")});
    res.text_groups.push_back({"scenario", "reached", "reach_step_mean", "reach_ci"});
  }
  if (organising) {
    Column extra = number("additional_participants", "extra participants", 4);
    extra.signed_number = true;
    t.columns.insert(
        t.columns.end(),
        {number("graph_nodes", "citizens", 8), number("organisers", "organisers", 8), extra,
         text_only("additional_ci", "95% CI"), data_only("additional_participants_ci_low"),
         data_only("additional_participants_ci_high"), number("participants_per_organiser", "per extra organiser", 4),
         text_only("per_organiser_ci", "95% CI"), data_only("participants_per_organiser_ci_low"),
         data_only("participants_per_organiser_ci_high")});
    res.text_groups.push_back({"scenario", "graph_nodes", "organisers", "additional_participants", "additional_ci",
                               "participants_per_organiser", "per_organiser_ci"});
    if (any_cost) {
      t.columns.insert(
          t.columns.end(),
          {number("cost_per_organiser", "GBP per organiser", 6),
           number("cost_per_additional_participant", "GBP per extra participant", 4), text_only("cost_ci", "95% CI"),
           data_only("cost_per_additional_participant_ci_low"), data_only("cost_per_additional_participant_ci_high")});
      res.text_groups.push_back(
          {"scenario", "organisers", "cost_per_organiser", "cost_per_additional_participant", "cost_ci"});
    }
  }
  res.text_groups.insert(res.text_groups.begin(), main_group);

  for (std::size_t i = 0; i < files.size(); ++i) {
    const FileData& f = files[i];
    std::vector<Cell> row;
    auto put = [&](Cell c) { row.push_back(std::move(c)); };
    put(display_name(f.info));
    put(f.info.path);
    put(static_cast<double>(f.summary.n));
    put(static_cast<double>(f.step));
    put(f.summary.mean);
    put(f.summary.sd);
    put(interval(f.summary.ci_low, f.summary.ci_high, 4));
    put(f.summary.ci_low);
    put(f.summary.ci_high);
    stats::Difference d;
    d.estimate = d.df = d.ci_low = d.ci_high = d.relative = nan;
    if (i > 0) d = stats::welch_difference(first.values, f.values);
    put(d.estimate);
    put(interval(d.ci_low, d.ci_high, 4, true));
    put(d.ci_low);
    put(d.ci_high);
    put(d.df);
    put(d.relative);
    if (o.reach) {
      std::vector<double> steps;
      for (const auto& s : f.reach_steps)
        if (s) steps.push_back(static_cast<double>(*s));
      const bool all = steps.size() == f.reach_steps.size();
      const stats::Summary rs = all ? stats::summarize(steps) : stats::Summary{steps.size(), nan, nan, nan, nan};
      put(rs.mean);
      put(interval(rs.ci_low, rs.ci_high, 4));
      put(rs.ci_low);
      put(rs.ci_high);
      put(std::to_string(steps.size()) + "/" + std::to_string(f.reach_steps.size()));
    }
    if (organising) {
      const double n = static_cast<double>(f.info.graph_nodes);
      const double n0 = static_cast<double>(first.info.graph_nodes);
      const double org = static_cast<double>(*f.organisers.count);
      const double d_org = org - static_cast<double>(*first.organisers.count);
      double extra = nan, extra_lo = nan, extra_hi = nan;
      if (i > 0) {
        extra = f.summary.mean * n - first.summary.mean * n0;
        // The Welch CI of the share difference scales to people only when both towns have the same size.
        if (n == n0) {
          extra_lo = d.ci_low * n;
          extra_hi = d.ci_high * n;
        }
      }
      const double per = d_org != 0 ? extra / d_org : nan;
      double per_lo = d_org != 0 ? extra_lo / d_org : nan, per_hi = d_org != 0 ? extra_hi / d_org : nan;
      if (per_lo > per_hi) std::swap(per_lo, per_hi);
      put(n);
      put(org);
      put(extra);
      put(interval(extra_lo, extra_hi, 4, true));
      put(extra_lo);
      put(extra_hi);
      put(per);
      put(interval(per_lo, per_hi, 4));
      put(per_lo);
      put(per_hi);
      if (any_cost) {
        auto total_cost = [](const FileData& x) -> double {
          if (*x.organisers.count == 0) return 0;
          return x.organisers.cost_per_organiser > 0
                     ? x.organisers.cost_per_organiser * static_cast<double>(*x.organisers.count)
                     : nan;
        };
        const double extra_cost = total_cost(f) - total_cost(first);
        // Only meaningful when the extra organisers cost money and buy participants.
        const bool ok = i > 0 && extra_cost > 0 && extra > 0;
        const double cost = ok ? extra_cost / extra : nan;
        const double cost_lo = ok && extra_hi > 0 ? extra_cost / extra_hi : nan;
        const double cost_hi = ok && extra_lo > 0 ? extra_cost / extra_lo : nan;
        put(f.organisers.cost_per_organiser > 0 ? f.organisers.cost_per_organiser : nan);
        put(cost);
        put(interval(cost_lo, cost_hi, 4));
        put(cost_lo);
        put(cost_hi);
      }
    }
    t.rows.push_back(std::move(row));
    if (f.summary.n < few_replicates)
      res.warnings.push_back(f.info.path + " rests on " + std::to_string(f.summary.n) +
                             " replicate(s); with fewer than " + std::to_string(few_replicates) +
                             " the confidence intervals are rough (raise replicates, e.g. --set replicates=20)");
  }

  const std::string when = o.at ? "step " + std::to_string(*o.at) : std::string("the final step");
  res.title = o.metric + " at " + when +
              ": mean over replicates with a 95% CI (Student t); difference from the first file "
              "with a 95% Welch CI; n = replicates";
  if (!first.data.description.empty()) res.title = first.data.description + "\n" + res.title;
  std::ostringstream meta;
  meta << "{\"metric\": " << json_string(o.metric) << ", \"description\": " << json_string(first.data.description)
       << ", \"units\": " << json_string(first.data.units)
       << ", \"at\": " << (o.at ? std::to_string(*o.at) : std::string("\"final\"")) << ", \"confidence\": 0.95"
       << ", \"reach\": " << (o.reach ? json_number(*o.reach) : std::string("null")) << ", \"warnings\": [";
  for (std::size_t i = 0; i < res.warnings.size(); ++i) meta << (i ? ", " : "") << json_string(res.warnings[i]);
  meta << "]}";
  res.meta_json = meta.str();
  return res;
}

}  // namespace gs
