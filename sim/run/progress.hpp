#pragma once
// A one-line progress bar on stderr, shown only when stderr is a terminal.
#include <chrono>
#include <cstdint>
#include <string>

namespace gs {

class ProgressBar {
 public:
  ProgressBar(std::string label, bool enabled);
  void update(std::uint64_t done, std::uint64_t total);
  void finish();

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace gs
