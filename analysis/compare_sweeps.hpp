#pragma once
// `groundswell compare RUNS_A/ RUNS_B/`: two sweep directories whose members
// pair by name (for example two sweeps drawing the same members from one
// posterior, differing only in organisers: same parameters, same seeds). The
// difference B - A of each member's replicate mean is one draw of the effect;
// their spread is the interval with parameter uncertainty, reported beside the
// interval seed noise alone would give. Definitions: docs/calibration.md.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/compare.hpp"

namespace gs {

struct PairedEffect {
  std::uint32_t step = 0;
  std::size_t members = 0;
  std::size_t replicates = 0;  // per member
  double mean = 0;  // mean over members of (mean B - mean A)
  double full_low = 0;  // 2.5th and 97.5th percentiles of the member differences
  double full_high = 0;
  double mean_low = 0;  // 95% t interval of the mean over members
  double mean_high = 0;
  double seed_low = 0;  // mean -/+ t x pooled within-member s.d. / sqrt(replicates)
  double seed_high = 0;
};

// The member differences at `step`: [member] -> mean over replicates of B - A.
PairedEffect paired_effect(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b);

// Linear-interpolation percentile (type 7, as numpy's default), q in [0, 1].
double percentile(std::vector<double> xs, double q);

// One row per step in `steps` (empty: the final step). Throws InputError
// when the directories' members do not pair.
CompareResult compare_sweep_dirs(const std::string& dir_a, const std::string& dir_b, const std::string& metric,
                                 const std::vector<std::optional<std::uint32_t>>& steps);

}  // namespace gs
