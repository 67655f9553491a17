#include "analysis/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/core/random.hpp"

namespace gs {
namespace {

constexpr Purpose purpose_bootstrap = 0xb007;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

struct Estimate {
  std::vector<double> first, total;
};

// The estimators over the rows `rows` (the identity, or a bootstrap resample).
Estimate estimate(const std::vector<double>& y, std::size_t n, std::size_t k, const std::vector<std::uint32_t>& rows) {
  const double* a = y.data();
  const double* b = y.data() + n;
  double mean = 0.0;
  for (std::uint32_t j : rows) mean += a[j] + b[j];
  mean /= 2.0 * static_cast<double>(rows.size());
  double variance = 0.0;
  for (std::uint32_t j : rows) variance += (a[j] - mean) * (a[j] - mean) + (b[j] - mean) * (b[j] - mean);
  variance /= 2.0 * static_cast<double>(rows.size());
  Estimate e{std::vector<double>(k, nan), std::vector<double>(k, nan)};
  if (!(variance > 0.0)) return e;
  for (std::size_t i = 0; i < k; ++i) {
    const double* ab = y.data() + (2 + i) * n;
    double first = 0.0, total = 0.0;
    for (std::uint32_t j : rows) {
      // Centred on the mean: the same expectation as Saltelli 2010's f(B) (f(AB_i) - f(A)), but an
      // estimate that does not blow up when the output's mean is large against its spread.
      first += (b[j] - mean) * (ab[j] - a[j]);
      total += (a[j] - ab[j]) * (a[j] - ab[j]);
    }
    e.first[i] = first / static_cast<double>(rows.size()) / variance;
    e.total[i] = total / (2.0 * static_cast<double>(rows.size())) / variance;
  }
  return e;
}

}  // namespace

double sorted_quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return nan;
  const double at = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(at));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (at - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

SobolIndices sobol_indices(const std::vector<double>& y, std::size_t samples, std::size_t parameters,
                           std::uint32_t bootstrap, std::uint64_t seed) {
  const std::size_t n = samples, k = parameters;
  std::vector<std::uint32_t> rows(n);
  for (std::size_t j = 0; j < n; ++j) rows[j] = static_cast<std::uint32_t>(j);
  const Estimate all = estimate(y, n, k, rows);
  SobolIndices out;
  out.first = all.first;
  out.total = all.total;
  {
    double mean = 0.0, sq = 0.0;
    for (std::size_t j = 0; j < 2 * n; ++j) mean += y[j];
    mean /= static_cast<double>(2 * n);
    for (std::size_t j = 0; j < 2 * n; ++j) sq += (y[j] - mean) * (y[j] - mean);
    out.variance = sq / static_cast<double>(2 * n);
  }
  std::vector<std::vector<double>> first(k), total(k);
  for (std::uint32_t r = 0; r < bootstrap; ++r) {
    Stream draw(seed, 0, r, 0, purpose_bootstrap);
    for (auto& j : rows) j = draw.below32(static_cast<std::uint32_t>(n));
    const Estimate e = estimate(y, n, k, rows);
    for (std::size_t i = 0; i < k; ++i) {
      if (std::isnan(e.first[i])) continue;  // a resample with no variance says nothing
      first[i].push_back(e.first[i]);
      total[i].push_back(e.total[i]);
    }
  }
  for (std::size_t i = 0; i < k; ++i) {
    std::sort(first[i].begin(), first[i].end());
    std::sort(total[i].begin(), total[i].end());
    out.first_low.push_back(sorted_quantile(first[i], 0.025));
    out.first_high.push_back(sorted_quantile(first[i], 0.975));
    out.total_low.push_back(sorted_quantile(total[i], 0.025));
    out.total_high.push_back(sorted_quantile(total[i], 0.975));
  }
  return out;
}

MorrisEffects morris_effects(const SensitivityFile& sa, const SensitivityDesign& design, const std::vector<double>& y) {
  const std::size_t k = design.parameters;
  std::vector<std::vector<double>> effects(k);
  for (std::size_t t = 0; t < design.samples; ++t)
    for (std::size_t j = 0; j < k; ++j) {
      const std::size_t before = t * (k + 1) + j, after = before + 1, i = design.moved[t * k + j];
      const SensitivityParameter& p = sa.parameters[i];
      // The step actually run, after integer rounding, as a share of the range.
      const double delta = (design.value(after, i) - design.value(before, i)) / (p.high - p.low);
      if (delta != 0.0) effects[i].push_back((y[after] - y[before]) / delta);
    }
  MorrisEffects out;
  for (std::size_t i = 0; i < k; ++i) {
    const auto& e = effects[i];
    const auto m = static_cast<double>(e.size());
    double sum = 0.0, abs_sum = 0.0;
    for (double x : e) {
      sum += x;
      abs_sum += std::fabs(x);
    }
    const double mu = e.empty() ? nan : sum / m;
    double sq = 0.0;
    for (double x : e) sq += (x - mu) * (x - mu);
    out.mu.push_back(mu);
    out.mu_star.push_back(e.empty() ? nan : abs_sum / m);
    out.sigma.push_back(e.size() > 1 ? std::sqrt(sq / (m - 1)) : nan);
    out.effects.push_back(e.size());
  }
  return out;
}

}  // namespace gs
