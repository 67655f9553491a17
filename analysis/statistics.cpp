#include "analysis/statistics.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace gs::stats {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Continued fraction for the incomplete beta function, evaluated with the
// modified Lentz method (Numerical Recipes, 2nd ed., section 6.4).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300;
  constexpr double eps = 1e-16;
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 100000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < eps) break;
  }
  return h;
}

}  // namespace

double mean(const std::vector<double>& x) {
  if (x.empty()) return nan;
  double s = 0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

double sample_sd(const std::vector<double>& x) {
  if (x.size() < 2) return nan;
  const double m = mean(x);
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  return std::sqrt(ss / static_cast<double>(x.size() - 1));
}

double incomplete_beta(double a, double b, double x) {
  if (!(a > 0) || !(b > 0) || !(x >= 0 && x <= 1))
    throw std::domain_error("incomplete_beta: need a, b > 0 and 0 <= x <= 1");
  if (x == 0) return 0;
  if (x == 1) return 1;
  const double front =
      std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a)
  // otherwise.
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(a, b, x) / a;
  return 1 - front * beta_continued_fraction(b, a, 1 - x) / b;
}

double t_cdf(double t, double df) {
  if (!(df > 0)) throw std::domain_error("t_cdf: degrees of freedom must be positive");
  if (std::isinf(t)) return t > 0 ? 1 : 0;
  if (df > 1e7) return 0.5 * std::erfc(-t / std::sqrt(2.0));
  const double tail = 0.5 * incomplete_beta(df / 2, 0.5, df / (df + t * t));  // P(T > |t|)
  return t >= 0 ? 1 - tail : tail;
}

namespace {
template <class Cdf>
double bisect_quantile(double p, Cdf cdf) {
  if (!(p > 0 && p < 1)) throw std::domain_error("quantile: p must be strictly between 0 and 1");
  if (p == 0.5) return 0;
  if (p < 0.5) return -bisect_quantile(1 - p, cdf);
  double lo = 0, hi = 1;
  while (cdf(hi) < p) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return std::numeric_limits<double>::infinity();
  }
  for (int i = 0; i < 200 && hi - lo > 1e-14 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (cdf(mid) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}
}  // namespace

double t_quantile(double p, double df) {
  return bisect_quantile(p, [df](double t) { return t_cdf(t, df); });
}

double normal_quantile(double p) {
  return bisect_quantile(p, [](double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); });
}

Summary summarize(const std::vector<double>& x, double level) {
  Summary s;
  s.n = x.size();
  s.mean = mean(x);
  s.sd = sample_sd(x);
  if (s.n < 2) {
    s.ci_low = s.ci_high = nan;
    return s;
  }
  const double half =
      t_quantile(0.5 + level / 2, static_cast<double>(s.n - 1)) * s.sd / std::sqrt(static_cast<double>(s.n));
  s.ci_low = s.mean - half;
  s.ci_high = s.mean + half;
  return s;
}

Difference welch_difference(const std::vector<double>& a, const std::vector<double>& b, double level) {
  Difference d;
  const double ma = mean(a), mb = mean(b);
  d.estimate = mb - ma;
  d.relative = ma == 0 ? nan : d.estimate / ma;
  if (a.size() < 2 || b.size() < 2) {
    d.se = d.df = d.ci_low = d.ci_high = nan;
    return d;
  }
  const double va = std::pow(sample_sd(a), 2) / static_cast<double>(a.size());
  const double vb = std::pow(sample_sd(b), 2) / static_cast<double>(b.size());
  d.se = std::sqrt(va + vb);
  if (d.se == 0) {  // identical replicates in both: no spread, the difference is exact
    d.df = static_cast<double>(a.size() + b.size() - 2);
    d.ci_low = d.ci_high = d.estimate;
    return d;
  }
  d.df = (va + vb) * (va + vb) /
         (va * va / static_cast<double>(a.size() - 1) + vb * vb / static_cast<double>(b.size() - 1));
  const double half = t_quantile(0.5 + level / 2, d.df) * d.se;
  d.ci_low = d.estimate - half;
  d.ci_high = d.estimate + half;
  return d;
}

Difference paired_difference(const std::vector<double>& a, const std::vector<double>& b, double level) {
  if (a.size() != b.size())
    throw std::invalid_argument("paired_difference: the samples have " + std::to_string(a.size()) + " and " +
                                std::to_string(b.size()) + " values; pairing needs the same number");
  Difference d;
  d.paired = true;
  std::vector<double> diff(a.size());
  for (std::size_t r = 0; r < a.size(); ++r) diff[r] = b[r] - a[r];
  const double ma = mean(a);
  d.estimate = mean(diff);
  d.relative = ma == 0 ? nan : d.estimate / ma;
  if (a.size() < 2) {
    d.se = d.df = d.ci_low = d.ci_high = nan;
    return d;
  }
  const double n = static_cast<double>(a.size());
  d.se = sample_sd(diff) / std::sqrt(n);
  d.df = n - 1;
  const double half = d.se == 0 ? 0 : t_quantile(0.5 + level / 2, d.df) * d.se;  // no spread: exact
  d.ci_low = d.estimate - half;
  d.ci_high = d.estimate + half;
  return d;
}

std::optional<std::size_t> first_reaching(const std::vector<double>& series, double level) {
  for (std::size_t i = 0; i < series.size(); ++i)
    if (series[i] >= level) return i;
  return std::nullopt;
}

}  // namespace gs::stats
