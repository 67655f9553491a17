// groundswell summarize DIR [--metric participation] [--at final|STEP] [--format table|csv|json]
#include <iostream>

#include "analysis/sweep_summary.hpp"
#include "sim/cli/analysis_options.hpp"
#include "sim/cli/command.hpp"
#include "sim/cli/options.hpp"

namespace gs {
namespace {

int command_summarize(int argc, char** argv) {
  po::options_description opts("groundswell summarize DIR [options]");
  opts.add_options()("dir", po::value<std::string>(), "a sweep's output directory (or any directory of .h5 files)")(
      "metric,m", po::value<std::string>()->default_value("participation"), "metric in /timeseries")(
      "at", po::value<std::string>()->default_value("final"), "step: final or a step number")(
      "format,f", po::value<std::string>()->default_value("table"), "table, csv or json");
  po::positional_options_description pos;
  pos.add("dir", 1);
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, pos, vm,
                     "\nOne row per member: the varied parameters (from DIR/index.csv, or the scenario values that\n"
                     "differ between the files when there is no index), then the metric's mean, s.d. and 95% CI.\n"))
    return 0;
  if (!vm.count("dir")) throw po::error("missing DIR");
  SummarizeOptions o;
  o.metric = vm["metric"].as<std::string>();
  o.at = parse_at_option(vm["at"].as<std::string>());
  const TableFormat format = parse_table_format(vm["format"].as<std::string>());
  const SummarizeResult r = summarize_directory(vm["dir"].as<std::string>(), o);
  for (const auto& w : r.warnings) std::cerr << "warning: " << w << "\n";
  print_result(std::cout, format, r.title, r.table, r.text_groups, r.meta_json);
  return 0;
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_COMMAND(summarize, "summarize", "DIR",
                             "one row per sweep member: varied parameters and the metric with its 95% CI",
                             gs::command_summarize)
