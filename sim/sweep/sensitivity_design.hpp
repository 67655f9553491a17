#pragma once
// The design points of a sensitivity analysis, in the unit cube [0, 1]^k and
// as parameter values: Saltelli's A, B, AB_i blocks on a Sobol' sequence, or
// Morris trajectories. Both depend only on the sensitivity file (the Morris
// trajectories on its seed), never on how the runs are spread over processes.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/sweep/sensitivity_file.hpp"

namespace gs {

// Dimensions covered by the embedded Joe & Kuo (2008) direction numbers.
inline constexpr std::size_t sobol_max_dimensions = 64;

// Coordinate `dimension` (< sobol_max_dimensions) of point `index` of the
// unscrambled Sobol' sequence in Gray-code order, with Joe & Kuo's (2008)
// direction numbers (new-joe-kuo-6.21201): point 0 is the origin, and the
// first 2^m points form a (t, m, s)-net.
double sobol_coordinate(std::uint64_t index, std::size_t dimension);

struct SensitivityDesign {
  std::size_t parameters = 0;  // k
  std::size_t points = 0;
  std::vector<double> unit;  // [point][parameter], in [0, 1]
  std::vector<double> values;  // [point][parameter], the values run (integers rounded)
  // Sobol: N, with points in blocks A (rows 0..N-1), B (N..2N-1), then AB_i
  // (A with column i from B) for i = 0..k-1. Morris: r trajectories of k + 1
  // points, where point j + 1 differs from point j in parameter moved[j] only.
  std::size_t samples = 0;
  std::vector<std::uint32_t> moved;  // Morris: [trajectory][step], k per trajectory
  double value(std::size_t point, std::size_t parameter) const { return values[point * parameters + parameter]; }
};

// Saltelli (2010) sampling: A and B are the first and last k coordinates of
// the 2k-dimensional Sobol' points 0..N-1 (Owen 2020: the first point is kept).
SensitivityDesign saltelli_design(const SensitivityFile& sa);

// Morris (1991) trajectories on a grid of `levels` levels with step
// levels / (2 (levels - 1)): a random start, random directions and a random
// order of the parameters per trajectory, all drawn from the file's seed.
SensitivityDesign morris_design(const SensitivityFile& sa);

SensitivityDesign sensitivity_design(const SensitivityFile& sa);

}  // namespace gs
