#pragma once
// Shared by the validation tests: run a scenario from scenarios/validation/
// exactly as `groundswell run` does (load_scenario -> execute_scenario, which
// builds the graphs, honours new_graph_every and writes the HDF5 file), and
// the analytic predictions the runs are compared with. Every expected value
// is computed here from its formula; none is copied from a run.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/run/execute.hpp"
#include "sim/scenario/scenario.hpp"

namespace gs::validation {

struct Outcome {
  Scenario scenario;
  RunResult result;
  // Value of metric `name` in replicate r at step t (t = steps: the final state).
  double at(const std::string& name, std::uint32_t r, std::uint32_t t) const {
    for (std::size_t m = 0; m < result.metrics.size(); ++m)
      if (result.metrics[m].name == name) return result.values[m][r * (scenario.steps + 1) + t];
    throw std::logic_error("no metric " + name);
  }
  double final(const std::string& name, std::uint32_t r) const { return at(name, r, scenario.steps); }
};

inline Outcome run_validation_scenario(const std::string& file, const std::vector<std::string>& overrides = {}) {
  Outcome o{load_scenario(std::string(GROUNDSWELL_SOURCE_DIR) + "/scenarios/validation/" + file, overrides), {}};
  const auto out = std::filesystem::temp_directory_path() / ("groundswell_validation_" + file + ".h5");
  o.result = execute_scenario(o.scenario, out.string(), ExecuteOptions{true}).result;
  std::filesystem::remove(out);
  return o;
}

// --- Poisson degrees (Erdős–Rényi graphs in the large-N limit) -------------
inline double poisson_pmf(int k, double z) { return std::exp(k * std::log(z) - z - std::lgamma(k + 1.0)); }

// --- Watts (2002) ------------------------------------------------------------
// Active neighbours needed by a node of degree k: the same integer rule as
// models/threshold.cpp, written out again here.
inline int watts_needed(double phi, int k) { return std::max(1, static_cast<int>(std::ceil(phi * k - 1e-12))); }
inline bool vulnerable(double phi, int k) { return k >= 1 && watts_needed(phi, k) == 1; }

// Cascade condition C(z) = sum_k k(k-1) rho_k p_k / z; global cascades from
// one seed are possible iff C > 1.
inline double watts_cascade_condition(double phi, double z) {
  double sum = 0;
  for (int k = 1; k < 200; ++k)
    if (vulnerable(phi, k)) sum += k * (k - 1.0) * poisson_pmf(k, z);
  return sum / z;
}

// Probability that one random seed starts a global cascade (N -> infinity):
// the seed is joined to the giant vulnerable cluster. u = chance an edge does
// not lead into it: u = 1 - sum_k (k p_k / z) rho_k (1 - u^(k-1)), smallest
// root in [0, 1] (iterate from 0); P = 1 - sum_k p_k u^k = 1 - exp(-z(1-u)).
inline double watts_trigger_probability(double phi, double z) {
  double u = 0;
  for (int it = 0; it < 100000; ++it) {
    double next = 1;
    for (int k = 1; k < 200; ++k)
      if (vulnerable(phi, k)) next -= k * poisson_pmf(k, z) / z * (1 - std::pow(u, k - 1));
    if (std::abs(next - u) < 1e-14) break;
    u = next;
  }
  return 1 - std::exp(-z * (1 - u));
}

// --- Bass (1969), discrete mean field: F(t+1) = F(t) + (1 - F(t))(p + q F(t)).
inline std::vector<double> bass_recursion(double p, double q, int steps) {
  std::vector<double> f(steps + 1, 0.0);
  for (int t = 0; t < steps; ++t) f[t + 1] = f[t] + (1 - f[t]) * (p + q * f[t]);
  return f;
}
inline double bass_closed_form(double p, double q, double t) {
  const double e = std::exp(-(p + q) * t);
  return (1 - e) / (1 + q / p * e);
}

// --- SIR on a network ---------------------------------------------------------
// Transmit-then-recover with per-step transmission beta and recovery gamma:
// the infectious period D >= 1 is geometric, T = 1 - E[(1-beta)^D].
inline double sir_transmissibility(double beta, double gamma) { return beta / (beta + gamma - beta * gamma); }

// Final size of a large outbreak on Poisson(z) degrees: root S > 0 of
// S = 1 - exp(-z T S) (0 when z T <= 1). Fixed-point iteration from 1.
inline double sir_final_size(double z, double T) {
  if (z * T <= 1) return 0;
  double s = 1;
  for (int it = 0; it < 100000; ++it) {
    const double next = 1 - std::exp(-z * T * s);
    if (std::abs(next - s) < 1e-15) break;
    s = next;
  }
  return s;
}

// --- Centola-Macy: ring lattice with r neighbours per side, count tau, one
// focal node with its neighbours seeded: each front advances r - tau + 1 nodes
// per step, so all N are active after ceil((N - 2r - 1) / (2(r - tau + 1)))
// steps (possibly one fewer where the fronts meet).
inline std::uint32_t ring_full_activation_steps(std::uint32_t n, std::uint32_t r, std::uint32_t tau) {
  const std::uint32_t per_step = 2 * (r - tau + 1);
  return (n - 2 * r - 1 + per_step - 1) / per_step;
}

}  // namespace gs::validation
