#include "sim/sweep/calibration_run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "sim/io/output.hpp"
#include "sim/io/read.hpp"
#include "sim/sweep/run_sweep.hpp"

namespace gs {
namespace {
namespace fs = std::filesystem;

constexpr int exit_bad_input = 2;

// Thrown on ranks other than 0 when rank 0 reported the failure.
struct FailedOnLeader : std::runtime_error {
  FailedOnLeader() : std::runtime_error("calibration failed on rank 0") {}
};

std::string generation_dir(const std::string& dir, std::uint32_t generation) {
  return (fs::path(dir) / ("gen-" + std::to_string(generation))).string();
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// DIR must be new or empty, or with --resume hold this same calibration file.
void prepare_directory(const Calibration& c, const CalibrationRunOptions& options) {
  const fs::path copy = fs::path(options.dir) / "calibration.yaml";
  std::error_code ec;
  const bool has_entries = fs::is_directory(options.dir, ec) && !fs::is_empty(options.dir, ec);
  if (has_entries && !options.resume)
    throw InputError(options.dir +
                     ": output directory is not empty; use --resume to finish a calibration there, "
                     "or choose a new --out-dir");
  if (has_entries && fs::exists(copy) && file_text(copy.string()) != c.text)
    throw InputError(options.dir + ": holds a calibration made from a different file than " + c.path + " (see " +
                     copy.string() + "); use a new --out-dir");
  fs::create_directories(options.dir, ec);
  if (!fs::is_directory(options.dir)) throw OutputError(options.dir + ": cannot create output directory");
  if (!fs::exists(copy))
    write_atomically(copy.string(), [&](const std::string& temp) {
      std::ofstream out(temp, std::ios::binary);
      out << c.text;
      if (!out.flush()) throw OutputError(copy.string() + ": cannot write");
    });
}

// Rank 0's outcome (0: fine) on every rank; others throw when it failed.
void agree(const MpiSession& mpi, const std::string& failure) {
  const int code = mpi.broadcast(failure.empty() ? 0 : exit_bad_input);
  if (mpi.rank() == 0 && !failure.empty()) throw InputError(failure);
  if (code != 0) throw FailedOnLeader();
}

// The simulated value of each target in each replicate of member i, at full scale.
std::vector<std::vector<double>> simulated_targets(const Calibration& c, const std::string& path) {
  std::map<std::string, MetricData> metrics;
  std::vector<std::vector<double>> out;
  for (const auto& t : c.targets) {
    auto it = metrics.find(t.metric);
    if (it == metrics.end()) it = metrics.emplace(t.metric, read_metric(path, t.metric)).first;
    const MetricData& m = it->second;
    std::vector<double> xs;
    for (std::size_t r = 0; r < m.replicates; ++r)
      xs.push_back(m.at(r, t.step) / (t.counts_people ? c.population_scale : 1.0));
    out.push_back(std::move(xs));
  }
  return out;
}

struct Simulated {
  std::size_t ran = 0;  // simulations run now (not found done by --resume)
  std::size_t infeasible = 0;  // particles outside the model's domain, rejected
  std::string first_infeasible;  // the first one's reason
};

// Runs the particles' simulations and sets their distances: infinite for a
// particle at which the model has no valid state (InfeasibleParameters), so
// that it is never kept; any other failure ends the calibration.
Simulated simulate(const Calibration& c, const CalibrationRunOptions& options, const MpiSession& mpi,
                   std::vector<Particle>& particles, std::uint32_t generation) {
  const Sweep sweep = generation_sweep(c, particles, generation);
  SweepRunOptions run;
  run.dir = generation_dir(options.dir, generation);
  run.resume = options.resume;
  run.quiet = !options.verbose;
  const SweepOutcome out = run_sweep(sweep, run, mpi);
  if (mpi.rank() != 0 && out.failed) throw FailedOnLeader();  // rank 0 refused the directory
  std::string failure;
  if (mpi.rank() == 0)
    for (const auto& m : sweep.members)
      if (out.results[m.index].status == "failed" && !out.results[m.index].infeasible) {
        failure = "generation " + std::to_string(generation) + ": simulation " + m.name +
                  " failed: " + out.results[m.index].message;
        break;
      }
  agree(mpi, failure);  // also a barrier: every member file is written
  // Which particles are infeasible, on every rank (only rank 0 has the statuses).
  std::vector<char> infeasible(particles.size(), 0);
  if (mpi.rank() == 0)
    for (std::size_t i = 0; i < particles.size(); ++i)
      infeasible[i] = out.results[sweep.members[i].index].infeasible ? 1 : 0;
  const std::string flags = mpi.broadcast(std::string(infeasible.begin(), infeasible.end()));
  Simulated s;
  s.ran = out.ran;
  for (std::size_t i = 0; i < particles.size(); ++i) {
    Particle& p = particles[i];
    if (flags[i] == 1) {
      p.simulated.assign(c.targets.size(), {});
      p.distance = std::numeric_limits<double>::infinity();
      if (s.infeasible++ == 0 && mpi.rank() == 0)
        s.first_infeasible = sweep.members[i].name + ": " + out.results[sweep.members[i].index].message;
      continue;
    }
    p.simulated = simulated_targets(c, member_path(run.dir, sweep.members[i]));
    p.distance = target_distance(c, p.simulated);
  }
  s.ran += s.infeasible;  // refused runs leave no file, so they always run now
  return s;
}

GenerationSummary summary(std::uint32_t generation, std::size_t simulations, std::size_t infeasible,
                          const std::vector<Particle>& kept, double acceptance) {
  GenerationSummary s;
  s.generation = generation;
  s.simulations = simulations;
  s.infeasible = infeasible;
  s.tolerance = kept.back().distance;
  s.acceptance = acceptance;
  s.ess = effective_sample_size(kept);
  return s;
}

void report(const Calibration& c, const GenerationSummary& s, std::size_t kept, double seconds) {
  std::fprintf(stderr,
               "calibrate %s: generation %u: %zu simulations in %.1f s%s; acceptance %.3f; tolerance %.4g; "
               "ESS %.1f of %zu\n",
               c.name.c_str(), s.generation, s.simulations, seconds,
               s.infeasible == 0 ? "" : ("; " + std::to_string(s.infeasible) + " infeasible (rejected)").c_str(),
               s.acceptance, s.tolerance, s.ess, kept);
}

}  // namespace

Sweep generation_sweep(const Calibration& c, const std::vector<Particle>& particles, std::uint32_t generation) {
  Sweep sw;
  sw.path = c.path;
  sw.text = c.text;
  sw.base_text = c.base_text;
  sw.base_origin = c.base_origin;
  for (const auto& p : c.parameters) sw.varied_paths.push_back(p.path);
  const std::size_t width = std::max<std::size_t>(4, std::to_string(particles.size()).size());
  for (const auto& particle : particles) {
    SweepMember m;
    m.index = particle.index;
    const std::string digits = std::to_string(particle.index);
    m.name = "p" + std::string(width - std::min(width, digits.size()), '0') + digits;
    m.seed = particle_seed(c, generation, particle.index);
    m.overrides = c.common_overrides;
    for (std::size_t k = 0; k < c.parameters.size(); ++k) {
      const CalibrationParameter& p = c.parameters[k];
      m.values.push_back(SweepValue{p.path, parameter_text(p, particle.values[k]), p.origin});
      m.overrides.push_back(p.origin + ": " + p.path + "=" + m.values.back().yaml);
    }
    m.overrides.push_back(c.seed_origin + ": seed=" + std::to_string(m.seed));
    sw.members.push_back(std::move(m));
  }
  return sw;
}

CalibrationResult run_calibration(const Calibration& c, const CalibrationRunOptions& options, const MpiSession& mpi) {
  const bool leader = mpi.rank() == 0;
  std::string refusal;
  if (leader) try {
      prepare_directory(c, options);
    } catch (const std::exception& e) {
      refusal = e.what();
    }
  agree(mpi, refusal);

  CalibrationResult result;
  const std::uint32_t keep = kept_count(c);
  auto start = std::chrono::steady_clock::now();
  auto seconds = [&start] {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - start).count();
    start = now;
    return s;
  };
  std::vector<Particle> particles = prior_particles(c, c.particles);
  const Simulated first = simulate(c, options, mpi, particles, 0);
  result.simulations_run_now += first.ran;
  result.simulations += particles.size();
  // The prior must leave enough of its particles inside the model's domain
  // for a first generation.
  if (particles.size() - first.infeasible < keep) {
    std::string message = c.path + ": generation 0: only " + std::to_string(particles.size() - first.infeasible) +
                          " of " + std::to_string(particles.size()) +
                          " particles drawn from the priors are feasible, fewer than the " + std::to_string(keep) +
                          " kept each generation; narrow the priors to where the model has a valid state (first "
                          "infeasible particle " +
                          first.first_infeasible + ")";
    agree(mpi, message);
  }
  std::vector<Particle> kept = best_particles(particles, keep);
  result.generations.push_back(summary(0, particles.size(), first.infeasible, kept, 1.0));
  if (leader && !options.quiet) report(c, result.generations.back(), keep, seconds());

  for (std::uint32_t g = 1; g < c.max_generations; ++g) {
    const double tolerance = kept.back().distance;
    std::vector<Particle> fresh = proposed_particles(c, kept, g, c.particles - keep);
    const Simulated now = simulate(c, options, mpi, fresh, g);
    result.simulations_run_now += now.ran;
    result.simulations += fresh.size();
    const auto below =
        std::count_if(fresh.begin(), fresh.end(), [&](const Particle& p) { return p.distance < tolerance; });
    const double acceptance = static_cast<double>(below) / static_cast<double>(fresh.size());
    fresh.insert(fresh.end(), kept.begin(), kept.end());
    kept = best_particles(std::move(fresh), keep);
    result.generations.push_back(summary(g, c.particles - keep, now.infeasible, kept, acceptance));
    if (leader && !options.quiet) report(c, result.generations.back(), keep, seconds());
    if (acceptance <= c.min_acceptance) break;
  }
  double total = 0;
  for (const auto& p : kept) total += p.weight;
  for (auto& p : kept) p.weight /= total;
  result.posterior = std::move(kept);
  return result;
}

}  // namespace gs
