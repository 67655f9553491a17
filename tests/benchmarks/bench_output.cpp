// The HDF5 file of a small sweep member (26 series of 53 weeks, one
// replicate), written with write_output into BENCH_OUTPUT_DIR (default
// /dev/shm, where fsync costs nothing: this measures building and writing
// the file, not the disk). Never part of the test suite.
//   BENCH_OUTPUT_DIR=/dev/shm build/tests/groundswell_bench --benchmark_filter=Output
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "sim/io/output.hpp"

namespace {

gs::RunResult small_member(std::uint32_t steps) {
  gs::RunResult r;
  for (int m = 0; m < 26; ++m) {
    r.metrics.push_back({"metric_" + std::to_string(m), "a metric of the organising model", m % 2 ? "share" : ""});
    std::vector<double> v(steps + 1);
    for (std::size_t t = 0; t < v.size(); ++t) v[t] = std::sin(static_cast<double>(t + m)) * 0.5 + 0.5;
    r.values.push_back(std::move(v));
  }
  return r;
}

void BM_OutputSmallMember(benchmark::State& state) {
  const char* env = std::getenv("BENCH_OUTPUT_DIR");
  const std::filesystem::path dir =
      std::filesystem::path(env ? env : "/dev/shm") / ("gs-bench-output-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto steps = static_cast<std::uint32_t>(state.range(0));
  const gs::RunResult r = small_member(steps);
  gs::OutputHeader header;
  header.scenario_yaml = std::string(1200, 'x');  // about a resolved scenario's length
  header.steps = steps;
  header.replicates = 1;
  header.text_attributes = {{"scenario_name", "member"}, {"model", "organising"}, {"graph", "community"}};
  header.integer_attributes = {{"graph_nodes", 2730}, {"graph_edges", 40000}};
  const std::string path = (dir / "member.h5").string();
  // NOLINTNEXTLINE(clang-analyzer-deadcode.DeadStores): the Google Benchmark loop idiom
  for (auto _ : state) gs::write_output(path, header, r);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_OutputSmallMember)->Arg(52)->Arg(2000)->Unit(benchmark::kMicrosecond);

}  // namespace
