#include "sim/sweep/calibration_smc.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "sim/core/random.hpp"

namespace gs {
namespace {

constexpr Purpose purpose_prior = 1;
constexpr Purpose purpose_parent = 2;
constexpr Purpose purpose_kernel = 3;
constexpr Purpose purpose_seed = 4;
constexpr int max_redraws = 100000;
// Smallest kernel variance on the unit scale: keeps the Cholesky factor
// defined when every kept particle sits at the same point.
constexpr double min_variance = 1e-12;

using Matrix = std::vector<std::vector<double>>;

// The kernel: a Gaussian with covariance 2 x the kept particles' weighted
// covariance, as its lower Cholesky factor.
struct Kernel {
  Matrix lower;
  double log_norm = 0;  // log of (2 pi)^(d/2) det(L)
};

Kernel make_kernel(const std::vector<Particle>& kept) {
  const std::size_t d = kept.front().unit.size();
  double total = 0;
  for (const auto& p : kept) total += p.weight;
  std::vector<double> mean(d, 0.0);
  for (const auto& p : kept)
    for (std::size_t i = 0; i < d; ++i) mean[i] += p.weight / total * p.unit[i];
  Matrix cov(d, std::vector<double>(d, 0.0));
  for (const auto& p : kept)
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t j = 0; j < d; ++j) cov[i][j] += p.weight / total * (p.unit[i] - mean[i]) * (p.unit[j] - mean[j]);
  Kernel k;
  k.lower.assign(d, std::vector<double>(d, 0.0));
  for (std::size_t i = 0; i < d; ++i) cov[i][i] = std::max(cov[i][i], min_variance / 2);
  for (std::size_t j = 0; j < d; ++j) {
    double s = 2 * cov[j][j];
    for (std::size_t m = 0; m < j; ++m) s -= k.lower[j][m] * k.lower[j][m];
    k.lower[j][j] = std::sqrt(std::max(s, min_variance));
    for (std::size_t i = j + 1; i < d; ++i) {
      double t = 2 * cov[i][j];
      for (std::size_t m = 0; m < j; ++m) t -= k.lower[i][m] * k.lower[j][m];
      k.lower[i][j] = t / k.lower[j][j];
    }
  }
  k.log_norm = 0.5 * static_cast<double>(d) * std::log(2 * M_PI);
  for (std::size_t i = 0; i < d; ++i) k.log_norm += std::log(k.lower[i][i]);
  return k;
}

double log_kernel_density(const Kernel& k, const std::vector<double>& from, const std::vector<double>& to) {
  const std::size_t d = from.size();
  std::vector<double> z(d);
  double q = 0;
  for (std::size_t i = 0; i < d; ++i) {  // solve L z = to - from
    double r = to[i] - from[i];
    for (std::size_t m = 0; m < i; ++m) r -= k.lower[i][m] * z[m];
    z[i] = r / k.lower[i][i];
    q += z[i] * z[i];
  }
  return -0.5 * q - k.log_norm;
}

bool inside_unit_cube(const std::vector<double>& u) {
  return std::all_of(u.begin(), u.end(), [](double x) { return x >= 0 && x <= 1; });
}

void set_values(const Calibration& c, Particle& p) {
  p.values.clear();
  for (std::size_t i = 0; i < c.parameters.size(); ++i) p.values.push_back(parameter_value(c.parameters[i], p.unit[i]));
}

std::size_t draw_parent(Stream& s, const std::vector<double>& cumulative) {
  const double x = s.uniform() * cumulative.back();
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), x);
  return std::min<std::size_t>(static_cast<std::size_t>(it - cumulative.begin()), cumulative.size() - 1);
}

}  // namespace

std::uint64_t particle_seed(const Calibration& c, std::uint32_t generation, std::uint32_t index) {
  Stream s(c.seed, generation, 0, index, purpose_seed);
  return s.below(std::uint64_t{1} << 52);
}

std::uint32_t kept_count(const Calibration& c) {
  const auto n = static_cast<std::uint32_t>(std::lround(c.keep_fraction * c.particles));
  return std::clamp<std::uint32_t>(n, 2, c.particles - 1);
}

std::vector<Particle> prior_particles(const Calibration& c, std::uint32_t n) {
  std::vector<Particle> out(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    Stream s(c.seed, 0, 0, i, purpose_prior);
    out[i].index = i;
    for (std::size_t k = 0; k < c.parameters.size(); ++k) out[i].unit.push_back(s.uniform());
    set_values(c, out[i]);
  }
  return out;
}

std::vector<Particle> proposed_particles(const Calibration& c, const std::vector<Particle>& kept,
                                         std::uint32_t generation, std::uint32_t n) {
  const Kernel kernel = make_kernel(kept);
  const std::size_t d = c.parameters.size();
  std::vector<double> cumulative;
  double total = 0;
  for (const auto& p : kept) cumulative.push_back(total += p.weight);
  std::vector<Particle> out(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    Particle& p = out[i];
    p.generation = generation;
    p.index = i;
    Stream parents(c.seed, generation, 0, i, purpose_parent);
    Stream moves(c.seed, generation, 0, i, purpose_kernel);
    for (int attempt = 0;; ++attempt) {
      if (attempt == max_redraws)
        throw InputError(c.path + ": the perturbation kernel keeps leaving the priors' ranges; widen the ranges");
      const Particle& parent = kept[draw_parent(parents, cumulative)];
      std::vector<double> z(d);
      for (auto& x : z) x = moves.normal();
      p.unit = parent.unit;
      for (std::size_t r = 0; r < d; ++r)
        for (std::size_t m = 0; m <= r; ++m) p.unit[r] += kernel.lower[r][m] * z[m];
      if (inside_unit_cube(p.unit)) break;
    }
    // Importance weight: the prior (uniform on the unit cube: 1) over the
    // proposal density, the weighted mixture of kernels around the kept particles.
    double mixture = 0;
    for (const auto& q : kept) mixture += q.weight / total * std::exp(log_kernel_density(kernel, q.unit, p.unit));
    p.weight = 1.0 / std::max(mixture, 1e-300);
    set_values(c, p);
  }
  return out;
}

double target_distance(const Calibration& c, const std::vector<std::vector<double>>& simulated) {
  double sum = 0;
  for (std::size_t t = 0; t < c.targets.size(); ++t) {
    const CalibrationTarget& target = c.targets[t];
    const std::vector<double>& xs = simulated[t];
    const double mean = std::accumulate(xs.begin(), xs.end(), 0.0) / static_cast<double>(xs.size());
    double miss = 0;
    if (target.has_value)
      miss = mean - target.value;
    else if (target.has_lower && mean < target.lower)
      miss = mean - target.lower;
    else if (target.has_upper && mean > target.upper)
      miss = mean - target.upper;
    sum += (miss / target.sd) * (miss / target.sd);
  }
  // A metric the run could not compute (NaN) fits nothing; infinity also keeps the sort well defined.
  return std::isnan(sum) ? std::numeric_limits<double>::infinity() : sum;
}

std::vector<Particle> best_particles(std::vector<Particle> all, std::size_t n) {
  std::sort(all.begin(), all.end(), [](const Particle& a, const Particle& b) {
    if (a.distance != b.distance) return a.distance < b.distance;
    if (a.generation != b.generation) return a.generation < b.generation;
    return a.index < b.index;
  });
  all.resize(std::min(n, all.size()));
  return all;
}

double weighted_quantile(std::vector<double> xs, std::vector<double> weights, double q) {
  std::vector<std::size_t> order(xs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return xs[a] < xs[b]; });
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  double cumulative = 0;
  for (std::size_t i : order) {
    cumulative += weights[i];
    if (cumulative >= q * total * (1 - 1e-12)) return xs[i];
  }
  return xs[order.back()];
}

double effective_sample_size(const std::vector<Particle>& particles) {
  double sum = 0, squares = 0;
  for (const auto& p : particles) {
    sum += p.weight;
    squares += p.weight * p.weight;
  }
  return squares > 0 ? sum * sum / squares : 0;
}

}  // namespace gs
