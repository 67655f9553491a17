// groundswell compare A.h5 B.h5 [C.h5 ...] [--metric participation] [--at final|STEP] [--reach LEVEL]
//                     [--quintiles] [--unpaired] [--allow-mismatch] [--format table|csv|json]
// groundswell compare RUNS_A/ RUNS_B/ [--at STEP,STEP,...]: two sweeps paired member by member
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "analysis/compare.hpp"
#include "analysis/compare_sweeps.hpp"
#include "sim/cli/analysis_options.hpp"
#include "sim/cli/command.hpp"
#include "sim/cli/options.hpp"

namespace gs {
namespace {

// Two sweep directories: the difference over paired members, at one or more steps.
int compare_directories(const std::vector<std::string>& dirs, const po::variables_map& vm) {
  if (vm.count("reach")) throw po::error("--reach is for output files, not sweep directories");
  std::vector<std::optional<std::uint32_t>> steps;
  std::istringstream list(vm["at"].as<std::string>());
  for (std::string item; std::getline(list, item, ',');) steps.push_back(parse_at_option(item));
  const TableFormat format = parse_table_format(vm["format"].as<std::string>());
  const CompareResult r = compare_sweep_dirs(dirs[0], dirs[1], vm["metric"].as<std::string>(), steps);
  for (const auto& w : r.warnings) std::cerr << "warning: " << w << "\n";
  print_result(std::cout, format, r.title, r.table, r.text_groups, r.meta_json);
  return 0;
}

int command_compare(int argc, char** argv) {
  po::options_description opts("groundswell compare A.h5 B.h5 [C.h5 ...] [options]");
  opts.add_options()("files", po::value<std::vector<std::string>>()->composing(),
                     "output files; the first is the reference")(
      "metric,m", po::value<std::string>()->default_value("participation"), "metric in /timeseries")(
      "at", po::value<std::string>()->default_value("final"),
      "step to compare: final or a step number (sweep directories: a comma list, e.g. 104,260,520)")(
      "reach", po::value<double>(), "also report the first step at which the metric is at or above this level")(
      "quintiles,q", po::bool_switch(),
      "also participation per deprivation quintile (Q1 = most deprived fifth) and the gap Q5 - Q1, with "
      "differences")("unpaired", po::bool_switch(),
                     "Welch CIs even for files that share the first file's seed, replicates and graph")(
      "allow-mismatch", po::bool_switch(),
      "compare files whose steps, models or metrics differ (warning instead of an error)")(
      "format,f", po::value<std::string>()->default_value("table"), "table, csv or json");
  po::positional_options_description pos;
  pos.add("files", -1);
  po::variables_map vm;
  if (!parse_options(
          argc, argv, opts, pos, vm,
          "\nEach row: mean, s.d. and 95% CI over replicates; difference from the first file with a 95% CI\n"
          "(in percentage points for shares) and relative change. Rows are labelled by what differs.\n"
          "The CI is paired over replicates when the file has the first file's seed, replicate count and graph\n"
          "(common random numbers: replicate r of each ran on the same graph with the same draws), else\n"
          "Welch's; the CI method column says which (--unpaired: always Welch).\n"
          "For the organising model (metric participation) also the extra participants per extra organiser,\n"
          "national equivalents where the scenario stands for a larger population (represents_population\n"
          "or population_scale) and, when the scenarios set model.organisers.cost_per_organiser,\n"
          "the cost per extra participant.\n"
          "\nTwo sweep directories (RUNS_A/ RUNS_B/, e.g. drawn from one posterior with samples: {from: ...}):\n"
          "members are paired by name; the difference of each pair's replicate means is one draw of the effect,\n"
          "reported with the interval including parameter uncertainty beside the seed-only one\n"
          "(docs/calibration.md).\n"))
    return 0;
  const auto files = strings_option(vm, "files");
  if (files.empty()) throw po::error("missing output files (A.h5 B.h5 ...)");
  std::error_code ec;
  const auto is_dir = [&ec](const std::string& f) { return std::filesystem::is_directory(f, ec); };
  if (std::any_of(files.begin(), files.end(), is_dir)) {
    if (files.size() != 2 || !std::all_of(files.begin(), files.end(), is_dir))
      throw po::error("compare takes output files, or exactly two sweep directories (RUNS_A/ RUNS_B/)");
    return compare_directories(files, vm);
  }
  CompareOptions o;
  o.metric = vm["metric"].as<std::string>();
  o.at = parse_at_option(vm["at"].as<std::string>());
  if (vm.count("reach")) o.reach = vm["reach"].as<double>();
  o.quintiles = vm["quintiles"].as<bool>();
  o.allow_mismatch = vm["allow-mismatch"].as<bool>();
  o.unpaired = vm["unpaired"].as<bool>();
  const TableFormat format = parse_table_format(vm["format"].as<std::string>());
  const CompareResult r = compare_files(files, o);
  for (const auto& w : r.warnings) std::cerr << "warning: " << w << "\n";
  print_result(std::cout, format, r.title, r.table, r.text_groups, r.meta_json);
  return 0;
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_COMMAND(
    compare, "compare", "A.h5 B.h5 ...",
    "compare scenarios: means with 95% CIs, differences (paired or Welch), cost per participant", gs::command_compare)
