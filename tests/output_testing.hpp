#pragma once
// Helpers for output tests: a scratch directory removed afterwards, and the
// smallest complete result file (one metric, one replicate, ten weeks).
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "sim/io/output.hpp"

namespace gs::testing {

// A fresh directory under the system's temporary directory, named by the test
// and the process (ctest runs tests in parallel), removed with everything in it.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name) : path(std::filesystem::temp_directory_path() / unique(name)) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

 private:
  // Built with += : GCC 12 warns falsely (-Wrestrict) on "gs-" + string.
  static std::string unique(const std::string& name) {
    std::string s = "gs-";
    s += name;
    s += '-';
    s += std::to_string(::getpid());
    return s;
  }
};

// Writes a small complete result file at path by the normal (atomic) route.
inline void write_small_output(const std::filesystem::path& path, const std::string& scenario_name) {
  RunResult r;
  r.metrics.push_back({"participation", "share taking part", "share"});
  r.values.push_back(std::vector<double>(11, 0.25));
  OutputHeader header;
  header.scenario_yaml = "name: " + scenario_name + "\n";
  header.steps = 10;
  header.replicates = 1;
  write_output(path.string(), header, r);
}

}  // namespace gs::testing
