#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/sweep/calibration_file.hpp"
#include "sim/sweep/calibration_run.hpp"
#include "sim/sweep/calibration_smc.hpp"

using namespace gs;

namespace {

const std::string town = std::string(GROUNDSWELL_SOURCE_DIR) + "/tests/data/calibration/town.yaml";

std::string write_calibration(const std::string& name, const std::string& body) {
  const auto dir = std::filesystem::temp_directory_path() / "groundswell-test-calibration";
  std::filesystem::create_directories(dir);
  auto path = (dir / name).string();
  std::ofstream(path) << "base: " << town << "\n" << body;
  return path;
}

const char* good_parameters = R"(parameters:
  model.one_to_one.recruit_chance: {prior: uniform, range: [0.01, 0.4]}
  model.organisers.one_to_ones_per_step: {prior: log_uniform, range: [2, 30]}
)";

const char* good_targets = R"(targets:
  - {metric: people_listened, step: 26, value: 2600, sd: 60}
  - {metric: participation, step: 20, lower_bound: 0.2}
)";

// The error message of loading `body`, which must start with file:line:col.
std::string error_of(const std::string& name, const std::string& body) {
  const std::string path = write_calibration(name, body);
  try {
    load_calibration(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

void expect_error_at(const std::string& name, const std::string& body, const std::string& where_and_key,
                     const std::string& what) {
  const std::string message = error_of(name, body);
  const std::string path = (std::filesystem::temp_directory_path() / "groundswell-test-calibration" / name).string();
  EXPECT_EQ(message.rfind(path + ":" + where_and_key, 0), 0u) << message;
  EXPECT_NE(message.find(what), std::string::npos) << message;
}

}  // namespace

TEST(Calibration, LoadsParametersTargetsAndSettings) {
  const Calibration c = load_calibration(
      write_calibration("good.yaml", std::string(good_parameters) + good_targets + "particles: 40\nreplicates: 3\n"));
  ASSERT_EQ(c.parameters.size(), 2u);
  EXPECT_EQ(c.parameters[1].prior, Prior::log_uniform);
  EXPECT_FALSE(c.parameters[0].integer);
  EXPECT_EQ(c.particles, 40u);
  EXPECT_EQ(c.replicates, 3u);
  ASSERT_EQ(c.targets.size(), 2u);
  EXPECT_TRUE(c.targets[0].counts_people);  // people: divided by population_scale
  EXPECT_FALSE(c.targets[1].counts_people);  // a share is the same at any scale
  EXPECT_TRUE(c.targets[1].has_lower);
  EXPECT_DOUBLE_EQ(c.targets[1].sd, 0.02);  // a bound without sd: 10% of the bound
}

TEST(Calibration, UnknownParameterPathNamesItsLine) {
  expect_error_at(
      "path.yaml",
      "parameters:\n  model.one_to_one.recruit_chancy: {prior: uniform, range: [0, 1]}\n" + std::string(good_targets),
      "3:3", "recruit_chancy");
}

TEST(Calibration, RangeOutsideTheParameterIsRefused) {
  expect_error_at("outside.yaml",
                  "parameters:\n  model.one_to_one.recruit_chance: {prior: uniform, range: [0.1, 1.5]}\n" +
                      std::string(good_targets),
                  "3:3", "recruit_chance");
}

TEST(Calibration, EmptyAndInvertedRangesAreRefused) {
  for (const char* range : {"[0.2, 0.2]", "[0.3, 0.1]"})
    expect_error_at("range.yaml",
                    std::string("parameters:\n  model.one_to_one.recruit_chance: {prior: uniform, range: ") + range +
                        "}\n" + good_targets,
                    "3:60: parameters.model.one_to_one.recruit_chance.range", "is empty");
}

TEST(Calibration, UnknownPriorIsRefused) {
  expect_error_at("prior.yaml",
                  "parameters:\n  model.one_to_one.recruit_chance: {prior: normal, range: [0.1, 0.2]}\n" +
                      std::string(good_targets),
                  "3:44: parameters.model.one_to_one.recruit_chance.prior", "allowed: uniform, log_uniform");
}

TEST(Calibration, MetricTheModelLacksIsRefused) {
  expect_error_at(
      "metric.yaml",
      std::string(good_parameters) + "targets:\n  - {metric: people_mobilized, step: 26, value: 1, sd: 1}\n",
      "6:14: targets[0].metric", "did you mean 'people_mobilised'");
}

TEST(Calibration, StepPastTheLastStepIsRefused) {
  expect_error_at("step.yaml",
                  std::string(good_parameters) + "targets:\n  - {metric: people_listened, step: 27, value: 1, sd: 1}\n",
                  "6:37: targets[0].step", "past the scenario's last step 26");
}

TEST(Calibration, ValueWithoutSdIsRefused) {
  expect_error_at("sd.yaml",
                  std::string(good_parameters) + "targets:\n  - {metric: people_listened, step: 26, value: 1}\n",
                  "6:5: targets[0].sd", "standard deviation");
}

TEST(Calibration, PriorDrawsAreInRangeAndRepeatable) {
  const Calibration c = load_calibration(write_calibration("draws.yaml", std::string(good_parameters) + good_targets));
  const auto a = prior_particles(c, 500), b = prior_particles(c, 500);
  double log_mean = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].values, b[i].values);
    EXPECT_GE(a[i].values[0], 0.01);
    EXPECT_LE(a[i].values[0], 0.4);
    EXPECT_GE(a[i].values[1], 2.0);
    EXPECT_LE(a[i].values[1], 30.0);
    log_mean += std::log(a[i].values[1]) / 500;
  }
  // log_uniform: the mean of the log is the midpoint of the log range (s.d. of the mean about 0.035).
  EXPECT_NEAR(log_mean, 0.5 * (std::log(2.0) + std::log(30.0)), 0.15);
}

TEST(Calibration, ProposalsStayInsideThePriorAndWeightByInverseDensity) {
  const Calibration c = load_calibration(write_calibration("kernel.yaml", std::string(good_parameters) + good_targets));
  std::vector<Particle> kept = prior_particles(c, 20);
  for (auto& p : kept) p.unit = {0.5 + 0.01 * (p.index % 5), 0.5 - 0.01 * (p.index % 4)};
  const auto fresh = proposed_particles(c, kept, 1, 200);
  const auto again = proposed_particles(c, kept, 1, 200);
  double spread = 0;
  for (std::size_t i = 0; i < fresh.size(); ++i) {
    EXPECT_EQ(fresh[i].unit, again[i].unit);
    for (double u : fresh[i].unit) {
      EXPECT_GE(u, 0.0);
      EXPECT_LE(u, 1.0);
    }
    spread = std::max(spread, std::abs(fresh[i].unit[0] - 0.52));
    // The proposal density is highest near the kept cloud: weights are lowest there.
    EXPECT_GT(fresh[i].weight, 0.0);
  }
  EXPECT_LT(spread, 0.2);  // kernel s.d. is sqrt(2) x the cloud's s.d. (about 0.014 x 1.41)
}

TEST(Calibration, DistanceCountsBoundsOnlyWhenMissed) {
  const Calibration c = load_calibration(write_calibration("dist.yaml", std::string(good_parameters) + good_targets));
  // Value 2600 sd 60; participation >= 0.2 with sd 0.02.
  EXPECT_DOUBLE_EQ(target_distance(c, {{2660, 2660}, {0.25}}), 1.0);
  EXPECT_DOUBLE_EQ(target_distance(c, {{2600}, {0.16}}), 4.0);
  EXPECT_DOUBLE_EQ(target_distance(c, {{2540, 2600}, {0.3, 0.1}}), 0.25);
}

TEST(Calibration, WeightedQuantile) {
  EXPECT_EQ(weighted_quantile({3, 1, 2, 4}, {1, 1, 1, 1}, 0.5), 2);
  EXPECT_EQ(weighted_quantile({3, 1, 2, 4}, {1, 1, 1, 1}, 0.75), 3);
  EXPECT_EQ(weighted_quantile({3, 1, 2, 4}, {0, 0, 0, 5}, 0.05), 4);
  EXPECT_EQ(weighted_quantile({1, 2}, {9, 1}, 0.95), 2);
  EXPECT_EQ(weighted_quantile({1, 2}, {9, 1}, 0.9), 1);
}

TEST(Calibration, GenerationSweepGivesEachParticleItsValuesAndASeed) {
  const Calibration c = load_calibration(write_calibration("sweep.yaml", std::string(good_parameters) + good_targets));
  const auto particles = prior_particles(c, 3);
  const Sweep sw = generation_sweep(c, particles, 0);
  ASSERT_EQ(sw.members.size(), 3u);
  EXPECT_EQ(sw.members[2].name, "p0002");
  EXPECT_NE(sw.members[0].seed, sw.members[1].seed);
  EXPECT_EQ(sw.members[0].seed, generation_sweep(c, particles, 0).members[0].seed);
  EXPECT_NE(sw.members[0].seed, generation_sweep(c, particles, 1).members[0].seed);
  const Scenario s = load_member(sw, sw.members[1]);
  EXPECT_EQ(s.model_params.real("one_to_one.recruit_chance"), particles[1].values[0]);
  EXPECT_EQ(s.seed, sw.members[1].seed);
}

TEST(Calibration, ShippedBigSocietyFileLoads) {
  const Calibration c =
      load_calibration(std::string(GROUNDSWELL_SOURCE_DIR) + "/scenarios/calibration/big_society.yaml");
  EXPECT_EQ(c.parameters.size(), 5u);
  EXPECT_EQ(c.targets.size(), 5u);
  EXPECT_DOUBLE_EQ(c.population_scale, 0.01);
  for (const auto& t : c.targets) EXPECT_EQ(t.step, 208u) << t.metric;
}

TEST(Calibration, SweepSamplesFromAMissingPosteriorNamesTheSweepLine) {
  const auto dir = std::filesystem::temp_directory_path() / "groundswell-test-calibration";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "from.yaml").string();
  std::ofstream(path) << "base: " << town << "\nsamples: {from: nowhere/posterior.h5, n: 5}\n";
  try {
    load_sweep(path);
    FAIL() << "a missing posterior was accepted";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind(path + ":2:17: samples.from: ", 0), 0u) << message;
    EXPECT_NE(message.find("no such file"), std::string::npos) << message;
  }
}

TEST(Calibration, ParameterAlsoInSetIsRefused) {
  expect_error_at("twice.yaml",
                  "set: {model.one_to_one.recruit_chance: 0.1}\n" + std::string(good_parameters) + good_targets,
                  "4:3: parameters.model.one_to_one.recruit_chance", "also fixed in set");
}

TEST(Calibration, NanDistanceSortsLast) {
  const Calibration c = load_calibration(write_calibration("nan.yaml", std::string(good_parameters) + good_targets));
  EXPECT_TRUE(std::isinf(target_distance(c, {{std::nan("")}, {0.3}})));
}
