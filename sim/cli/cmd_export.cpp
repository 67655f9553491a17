// groundswell export FILE.h5|DIR --format csv [--metric NAME ...]
// A tidy long table on stdout, ready for pandas, R or a spreadsheet: for one
// file replicate,step,metric,value; for a sweep directory one table across
// its members: member, the varied parameters, replicate, step, metric, value.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "analysis/sweep_summary.hpp"
#include "sim/cli/command.hpp"
#include "sim/cli/options.hpp"
#include "sim/io/read.hpp"
#include "sim/scenario/scenario.hpp"

namespace gs {
namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

// `prefix` (already CSV) goes before each row's replicate,step,metric,value.
void print_rows(const std::vector<MetricData>& data, const std::string& prefix) {
  for (const auto& d : data)
    for (std::size_t r = 0; r < d.replicates; ++r)
      for (std::size_t s = 0; s < d.points; ++s)
        std::printf("%s%zu,%zu,%s,%.17g\n", prefix.c_str(), r, s, d.name.c_str(), d.at(r, s));
}

// Every member's file is checked before the first row is printed (no half
// tables); failed or missing members are left out with a warning naming them.
int export_sweep(const std::string& dir, std::vector<std::string> metrics) {
  const SweepOutputs m = sweep_outputs(dir);
  std::vector<const SweepOutput*> done;
  for (const auto& mem : m.members) {
    const std::string who = mem.name.empty() ? mem.file : mem.name;
    if (mem.status == "failed" || mem.file.empty() || !std::filesystem::exists(mem.file)) {
      std::cerr << "warning: " << who << ": left out (" << (mem.status.empty() ? "no output file" : mem.status)
                << ")\n";
      continue;
    }
    const OutputInfo info = read_output_info(mem.file);
    if (metrics.empty()) metrics = info.metrics;
    for (const auto& metric : metrics)
      if (std::find(info.metrics.begin(), info.metrics.end(), metric) == info.metrics.end())
        read_metric(mem.file, metric);  // throws, naming the file and the metrics it has
    done.push_back(&mem);
  }
  if (done.empty()) throw InputError(dir + ": no member has an output file to export");
  std::printf("member");
  for (const auto& p : m.param_names) std::printf(",%s", csv_field(p).c_str());
  std::printf(",replicate,step,metric,value\n");
  for (const SweepOutput* mem : done) {
    std::string prefix = csv_field(mem->name.empty() ? std::filesystem::path(mem->file).stem().string() : mem->name);
    for (const auto& v : mem->params) {
      prefix += ',';
      prefix += csv_field(v);
    }
    std::vector<MetricData> data;
    for (const auto& metric : metrics) data.push_back(read_metric(mem->file, metric));
    print_rows(data, prefix + ",");
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}

int command_export(int argc, char** argv) {
  po::options_description opts("groundswell export FILE.h5|DIR --format csv [options]");
  opts.add_options()("file", po::value<std::string>(), "output file, or a sweep's output directory")(
      "format,f", po::value<std::string>()->default_value("csv"), "csv (the only format)")(
      "metric,m", po::value<std::vector<std::string>>()->composing(),
      "export only this metric (repeatable; default: all)");
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, pos, vm,
                     "\nColumns: replicate,step,metric,value; values printed with 17 significant digits (exact).\n"
                     "For a sweep directory: member, one column per varied parameter (from index.csv, or the\n"
                     "scenario values that differ between the files), then replicate,step,metric,value.\n"))
    return 0;
  if (!vm.count("file")) throw po::error("missing FILE.h5 or DIR");
  const std::string format = vm["format"].as<std::string>();
  if (format != "csv") throw InputError("--format: '" + format + "' is not supported by export; allowed: csv");
  const std::string path = vm["file"].as<std::string>();
  std::vector<std::string> metrics = strings_option(vm, "metric");
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return export_sweep(path, metrics);
  if (metrics.empty()) metrics = read_output_info(path).metrics;
  std::vector<MetricData> data;
  for (const auto& m : metrics) data.push_back(read_metric(path, m));  // all read before printing: no half tables
  std::printf("replicate,step,metric,value\n");
  print_rows(data, "");
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_COMMAND(export, "export", "FILE.h5|DIR --format csv",
                             "print a file's (or a sweep directory's) time series as a tidy CSV table",
                             gs::command_export)
