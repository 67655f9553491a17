#pragma once
// The arithmetic of ABC-SMC (docs/calibration.md): prior draws, the Gaussian
// perturbation kernel with twice the weighted covariance of the kept
// particles (Beaumont et al. 2009), importance weights prior / proposal
// density, distances and weighted quantiles. Every random number comes from
// the counter-based Stream keyed by (seed, generation, particle, purpose), so
// a generation's proposals are the same on any rank and after --resume.
#include <cstdint>
#include <vector>

#include "sim/sweep/calibration_file.hpp"

namespace gs {

struct Particle {
  std::uint32_t generation = 0;
  std::uint32_t index = 0;  // within its generation (its sweep member)
  std::vector<double> unit;  // position in the unit cube of the priors
  std::vector<double> values;  // the model's parameter values
  double weight = 1;
  double distance = 0;
  std::vector<std::vector<double>> simulated;  // [target][replicate], at full scale
};

// n particles of generation 0 drawn from the priors.
std::vector<Particle> prior_particles(const Calibration& c, std::uint32_t n);

// n particles of `generation` proposed from the kept particles: a parent
// drawn by weight, moved by the Gaussian kernel, redrawn until inside the
// priors' support; each weighted by prior / proposal density.
std::vector<Particle> proposed_particles(const Calibration& c, const std::vector<Particle>& kept,
                                         std::uint32_t generation, std::uint32_t n);

// Sum over targets of the squared standardised error of the replicate mean;
// a bound counts only when the mean is outside it.
double target_distance(const Calibration& c, const std::vector<std::vector<double>>& simulated);

// The n particles with the smallest distances (ties: earlier generation,
// then lower index), in that order.
std::vector<Particle> best_particles(std::vector<Particle> all, std::size_t n);

// Weighted quantile q of xs (weights need not sum to 1): the smallest x
// whose cumulative weight reaches q of the total.
double weighted_quantile(std::vector<double> xs, std::vector<double> weights, double q);

// Kish's effective sample size (sum w)^2 / sum w^2.
double effective_sample_size(const std::vector<Particle>& particles);

// The simulation seed of particle `index` of `generation`, in [0, 2^52).
std::uint64_t particle_seed(const Calibration& c, std::uint32_t generation, std::uint32_t index);

// Particles kept each generation: keep_fraction of particles, at least 2.
std::uint32_t kept_count(const Calibration& c);

}  // namespace gs
