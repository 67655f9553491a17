#pragma once
// What a calibration leaves in DIR: posterior.h5 (the posterior particles,
// their weights and distances, per-generation diagnostics and the targets
// with their posterior predictive intervals) and posterior.csv, both written
// atomically. Layout: docs/calibration.md.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/sweep/calibration_run.hpp"

namespace gs {

struct Interval {
  double low = 0;  // 5th percentile
  double median = 0;
  double high = 0;  // 95th percentile
};

// The weighted 5%, 50% and 95% points of parameter k over the posterior.
Interval parameter_interval(const CalibrationResult& r, std::size_t k);

// Posterior predictive interval of target t: every replicate of every
// posterior particle, each with its particle's weight shared between replicates.
Interval predictive_interval(const CalibrationResult& r, std::size_t t);

void write_posterior(const std::string& dir, const Calibration& c, const CalibrationResult& r);

// A posterior read back from posterior.h5: values[k][i] is parameter k of particle i.
struct PosteriorSample {
  std::string path;
  std::vector<std::string> parameters;
  std::vector<std::vector<double>> values;
  std::vector<double> weights;
};

// Throws InputError naming the file when it is missing or not a posterior.
PosteriorSample read_posterior(const std::string& path);

// n particle indices drawn with replacement in proportion to the weights
// (multinomial resampling), draw i from the counter-based Stream keyed by
// (seed, i): the same draws on any machine and for any rank count.
std::vector<std::size_t> resample_posterior(const PosteriorSample& posterior, std::uint32_t n, std::uint64_t seed);

}  // namespace gs
