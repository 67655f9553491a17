#pragma once
// Sensitivity indices from the outputs at a design's points
// (sim/sweep/sensitivity_design.hpp).
//
// Sobol: first-order S1_i = V[E(Y|X_i)] / V(Y) by Saltelli et al. (2010,
// Comput. Phys. Commun. 181: 259-270, Table 2 (b)):
//   V_i ~ 1/N sum_j f(B)_j (f(AB_i)_j - f(A)_j),
// and total-order ST_i = E[V(Y|X_~i)] / V(Y) by Jansen (1999, Comput. Phys.
// Commun. 117: 35-43; Saltelli 2010 Table 2 (f)):
//   V_Ti ~ 1/(2N) sum_j (f(A)_j - f(AB_i)_j)^2,
// with V(Y) the variance of f over the A and B points. 95% intervals are
// percentile bootstrap intervals over the N rows, resampled with
// counter-based random numbers so they do not depend on the machine.
//
// Morris: elementary effects EE = (f(x + delta e_i) - f(x)) / delta with delta
// in units of the parameter's range (so effects of different parameters
// compare); mu is their mean, mu* the mean of |EE| (Campolongo, Cariboni &
// Saltelli 2007, Environ. Model. Softw. 22: 1509-1518), sigma their standard
// deviation (n - 1).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/sweep/sensitivity_design.hpp"

namespace gs {

struct SobolIndices {
  std::vector<double> first, total;  // per parameter
  std::vector<double> first_low, first_high, total_low, total_high;  // 95% bootstrap interval
  double variance = 0;  // V(Y): 0 when the output did not vary (indices NaN)
};

// y: one value per design point of saltelli_design (blocks A, B, AB_1..AB_k).
SobolIndices sobol_indices(const std::vector<double>& y, std::size_t samples, std::size_t parameters,
                           std::uint32_t bootstrap, std::uint64_t seed);

struct MorrisEffects {
  std::vector<double> mu, mu_star, sigma;  // per parameter
  std::vector<std::size_t> effects;  // elementary effects per parameter (rounding can leave a step of 0)
};

MorrisEffects morris_effects(const SensitivityFile& sa, const SensitivityDesign& design, const std::vector<double>& y);

// Linearly interpolated quantile q of sorted values (type 7 of Hyndman & Fan 1996).
double sorted_quantile(const std::vector<double>& sorted, double q);

}  // namespace gs
