// groundswell export FILE.h5 --format csv [--metric NAME ...]
// A tidy long table on stdout: replicate,step,metric,value, one row per value,
// ready for pandas, R or a spreadsheet.
#include <cstdio>

#include "sim/cli/command.hpp"
#include "sim/cli/options.hpp"
#include "sim/io/read.hpp"
#include "sim/scenario/scenario.hpp"

namespace gs {
namespace {

int command_export(int argc, char** argv) {
  po::options_description opts("groundswell export FILE.h5 --format csv [options]");
  opts.add_options()("file", po::value<std::string>(), "output file")(
      "format,f", po::value<std::string>()->default_value("csv"), "csv (the only format)")(
      "metric,m", po::value<std::vector<std::string>>()->composing(),
      "export only this metric (repeatable; default: all)");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, pos, vm,
                     "\nColumns: replicate,step,metric,value; values printed with 17 significant digits (exact).\n"))
    return 0;
  if (!vm.count("file")) throw po::error("missing FILE.h5");
  const std::string format = vm["format"].as<std::string>();
  if (format != "csv") throw InputError("--format: '" + format + "' is not supported by export; allowed: csv");
  const std::string path = vm["file"].as<std::string>();
  std::vector<std::string> metrics = strings_option(vm, "metric");
  if (metrics.empty()) metrics = read_output_info(path).metrics;
  std::vector<MetricData> data;
  for (const auto& m : metrics) data.push_back(read_metric(path, m));  // all read before printing: no half tables
  std::printf("replicate,step,metric,value\n");
  for (const auto& d : data)
    for (std::size_t r = 0; r < d.replicates; ++r)
      for (std::size_t s = 0; s < d.points; ++s) std::printf("%zu,%zu,%s,%.17g\n", r, s, d.name.c_str(), d.at(r, s));
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_COMMAND(export, "export", "FILE.h5 --format csv", "print a file's time series as a tidy CSV table",
                             gs::command_export)
