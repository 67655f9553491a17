#pragma once
// The comparison behind `groundswell compare` and `report`: one metric at one
// step over the replicates of each file, the difference of each file from the
// first (Welch), and for the organising model what the extra organisers buy.
#include <optional>
#include <string>
#include <vector>

#include "analysis/statistics.hpp"
#include "analysis/table.hpp"
#include "sim/engine/model.hpp"
#include "sim/io/read.hpp"

namespace gs {

constexpr std::size_t few_replicates = 10;  // below this the CIs are wide and rough: warn

struct CompareOptions {
  std::string metric = "participation";
  std::optional<std::uint32_t> at;  // step; nullopt: each file's final step
  std::optional<double> reach;  // report the first step at which the metric is >= this
  bool quintiles = false;  // also participation per deprivation quintile and the Q5 - Q1 gap
  bool allow_mismatch = false;  // compare files with different steps, models or metrics (warn only)
};

// What the run's model says about its organisers (ModelInfo::organisers),
// from the scenario stored in the file; nullopt for models without organisers.
std::optional<OrganiserFacts> organiser_facts(const OutputInfo& info);

struct CompareResult {
  Table table;
  std::vector<std::vector<std::string>> text_groups;  // column blocks for print_text
  std::string title;  // one line saying what the numbers are
  std::vector<std::string> warnings;
  std::string meta_json;  // for print_json
};

// People in the population the run stands for per simulated person: the
// scenario's represents_population / graph nodes when it declares one, else
// 1 / population_scale (the population before scaling), else 1.
double national_factor(const OutputInfo& info);

CompareResult compare_files(const std::vector<std::string>& paths, const CompareOptions& options);

// Mean and 95% CI of a metric at every step (for figures with bands).
std::vector<stats::Summary> summary_over_steps(const MetricData& data);

std::string display_name(const OutputInfo& info);  // scenario name, else file stem

}  // namespace gs
