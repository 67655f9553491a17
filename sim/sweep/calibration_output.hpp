#pragma once
// What a calibration leaves in DIR: posterior.h5 (the posterior particles,
// their weights and distances, per-generation diagnostics and the targets
// with their posterior predictive intervals) and posterior.csv, both written
// atomically. Layout: docs/calibration.md.
#include <string>

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

}  // namespace gs
