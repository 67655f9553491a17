#pragma once
// Statistics over replicates: the numbers behind `groundswell compare` and
// `summarize`. Confidence intervals use Student's t distribution, computed
// here (regularized incomplete beta function + bisection) so the project
// needs no statistics library. Values that cannot be computed (a single
// replicate's s.d., a relative change from zero) are NaN.
#include <cstddef>
#include <optional>
#include <vector>

namespace gs::stats {

double mean(const std::vector<double>& x);
double sample_sd(const std::vector<double>& x);  // divides by n - 1

// I_x(a, b), the regularized incomplete beta function, for a, b > 0 and 0 <= x <= 1.
double incomplete_beta(double a, double b, double x);
// P(T <= t) for Student's t with df > 0 degrees of freedom (df need not be an integer).
double t_cdf(double t, double df);
// The p-quantile of Student's t, 0 < p < 1.
double t_quantile(double p, double df);
double normal_quantile(double p);

struct Summary {
  std::size_t n = 0;
  double mean = 0;
  double sd = 0;  // NaN when n < 2
  double ci_low = 0;  // 95% CI of the mean (NaN when n < 2)
  double ci_high = 0;
};
Summary summarize(const std::vector<double>& x, double level = 0.95);

// b - a with its CI: Welch's (unequal variances, Welch-Satterthwaite degrees of
// freedom) for independent samples, or the paired t interval when a[r] and
// b[r] belong together (common random numbers: the same seed and graph).
struct Difference {
  double estimate = 0;
  double se = 0;
  double df = 0;  // NaN when undefined (n < 2 in either sample)
  double ci_low = 0;
  double ci_high = 0;
  double relative = 0;  // (mean b - mean a) / mean a; NaN when mean a is 0
  bool paired = false;  // paired_difference: df = n - 1 of the d_r; else Welch
};
Difference welch_difference(const std::vector<double>& a, const std::vector<double>& b, double level = 0.95);
// Mean of d_r = b[r] - a[r] with Student's t interval on the d_r (df = n - 1):
// mean(d) -/+ t(0.5 + level / 2, n - 1) sd(d) / sqrt(n). a and b must have the
// same size (std::invalid_argument otherwise); se, df and the CI are NaN when n < 2.
Difference paired_difference(const std::vector<double>& a, const std::vector<double>& b, double level = 0.95);

// First index at which series[i] >= level (step 0 counts); nullopt when it never gets there.
std::optional<std::size_t> first_reaching(const std::vector<double>& series, double level);

}  // namespace gs::stats
