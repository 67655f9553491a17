// SIR (virus_on_network with virus_check_frequency 1, gain_resistance_chance 1)
// on Erdős–Rényi graphs, N = 10,000, z = 4, gamma = 0.2, one initial case,
// 200 replicates with a new graph every 20. Transmit-then-recover gives
// T = beta / (beta + gamma - beta gamma). Above threshold the mean final size
// of large outbreaks (>= 5% of N) matches S = 1 - exp(-z T S) within 0.01
// (s.e. about 0.001 over ~150 large outbreaks; finite-size bias is smaller);
// below threshold (zT < 1) no outbreak reaches 5%.
#include <gtest/gtest.h>

#include "tests/validation/validation_support.hpp"

using namespace gs::validation;

namespace {
constexpr double large = 0.05;

struct Sizes {
  std::vector<double> large_outbreaks;
  double largest = 0;
};

Sizes final_sizes(const Outcome& o) {
  Sizes s;
  for (std::uint32_t r = 0; r < o.scenario.replicates; ++r) {
    EXPECT_EQ(o.final("infected", r), 0.0) << "replicate " << r << " not finished";
    const double size = o.final("resistant", r);  // everyone ever infected, seed included
    s.largest = std::max(s.largest, size);
    if (size >= large) s.large_outbreaks.push_back(size);
  }
  return s;
}

double transmissibility(const Outcome& o) {
  const auto& m = o.scenario.model_params;
  return sir_transmissibility(m.real("virus_spread_chance"),
                              m.real("virus_check_frequency") * m.real("recovery_chance"));
}
}  // namespace

TEST(SirFinalSize, LargeOutbreaksMatchPercolationAboveThreshold) {
  const Outcome o = run_validation_scenario("sir_er_z4_above.yaml");
  const double z = o.scenario.graph_params.real("mean_degree"), T = transmissibility(o);
  ASSERT_GT(z * T, 1.0);
  const double expected = sir_final_size(z, T);
  const Sizes s = final_sizes(o);
  ASSERT_GE(s.large_outbreaks.size(), 50u);
  double mean = 0;
  for (double x : s.large_outbreaks) mean += x;
  mean /= static_cast<double>(s.large_outbreaks.size());
  RecordProperty("expected", std::to_string(expected));
  RecordProperty("measured", std::to_string(mean));
  EXPECT_NEAR(mean, expected, 0.01);
}

TEST(SirFinalSize, OutbreaksStaySmallBelowThreshold) {
  const Outcome o = run_validation_scenario("sir_er_z4_below.yaml");
  const double z = o.scenario.graph_params.real("mean_degree"), T = transmissibility(o);
  ASSERT_LT(z * T, 1.0);
  const Sizes s = final_sizes(o);
  RecordProperty("largest", std::to_string(s.largest));
  EXPECT_TRUE(s.large_outbreaks.empty()) << "largest outbreak " << s.largest;
}
