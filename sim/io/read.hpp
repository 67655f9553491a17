#pragma once
// Reading output files back (the layout written by sim/io/output.cpp,
// docs/output-format.md). Any file that is missing, truncated, not HDF5 or
// not a Groundswell output gives an InputError naming the file: the CLI
// turns it into exit code 2 instead of HDF5's error stack or a crash.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gs {

struct OutputInfo {
  std::string path;
  std::string software;
  std::string scenario_yaml;  // resolved scenario, values before population scaling
  std::string scenario_name;  // "" in files that lack the attribute
  std::string model;
  std::string graph;
  std::uint64_t seed = 0;
  std::uint32_t steps = 0;
  std::uint32_t replicates = 0;
  std::int64_t graph_nodes = 0;  // 0 when absent
  std::int64_t graph_edges = 0;
  // /timeseries/<metric> [replicate, step], sorted; axes and per-neighbourhood series excluded.
  std::vector<std::string> metrics;
};

// A metric's values over [replicate][step] (row-major, steps + 1 columns).
struct MetricData {
  std::string name;
  std::string description;
  std::string units;
  std::size_t replicates = 0;
  std::size_t points = 0;  // steps + 1
  std::vector<double> values;
  double at(std::size_t replicate, std::size_t step) const { return values[replicate * points + step]; }
};

OutputInfo read_output_info(const std::string& path);
// Throws InputError naming the file and the metrics it has when `metric` is absent.
MetricData read_metric(const std::string& path, const std::string& metric);

}  // namespace gs
