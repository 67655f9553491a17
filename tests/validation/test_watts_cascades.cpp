// Watts (2002): on Erdős–Rényi graphs with phi = 0.18, the share of single
// random seeds that end in a global cascade (final active share >= 10% of N)
// matches the analytic trigger probability inside the cascade window and is
// ~0 well outside it. N = 10,000 as in the paper; a new graph every 20 seeds.
#include <gtest/gtest.h>

#include "tests/validation/validation_support.hpp"

using namespace gs::validation;

namespace {
constexpr double phi = 0.18;
constexpr double global_share = 0.1;

double share_of_global_cascades(const Outcome& o) {
  int global = 0;
  for (std::uint32_t r = 0; r < o.scenario.replicates; ++r) {
    // The run must have settled: nothing changed in the last step.
    EXPECT_EQ(o.final("active", r), o.at("active", r, o.scenario.steps - 1)) << "replicate " << r << " still spreading";
    global += o.final("active", r) >= global_share;
  }
  return static_cast<double>(global) / o.scenario.replicates;
}
}  // namespace

// The formulas themselves: the window edges where C(z) = 1, against the
// independent checker (REFERENCES.md, watts_window.py: 1.0207 and 5.7647).
TEST(WattsCascades, AnalyticWindowEdges) {
  auto edge = [](double lo, double hi, bool rising) {
    for (int i = 0; i < 100; ++i) {
      const double mid = (lo + hi) / 2;
      ((watts_cascade_condition(phi, mid) > 1) == rising ? hi : lo) = mid;
    }
    return (lo + hi) / 2;
  };
  EXPECT_NEAR(edge(0.5, 3, true), 1.0207, 1e-3);
  EXPECT_NEAR(edge(3, 8, false), 5.7647, 1e-3);
  EXPECT_NEAR(watts_trigger_probability(phi, 4), 0.865, 1e-3);
  EXPECT_LT(watts_trigger_probability(phi, 0.5), 1e-9);
  EXPECT_LT(watts_trigger_probability(phi, 7), 1e-9);
}

// Inside the window, z = 2, 4 and 5: 400 seeds each; the s.e. of a share is
// sqrt(P(1-P)/400) <= 0.023, tolerance 0.06 (2.6-3.5 s.e.).
TEST(WattsCascades, InsideWindowMatchesTriggerProbability) {
  for (const char* file : {"watts_er_phi018_z2.yaml", "watts_er_phi018_z4.yaml", "watts_er_phi018_z5.yaml"}) {
    const Outcome o = run_validation_scenario(file);
    const double z = o.scenario.graph_params.real("mean_degree");
    const double expected = watts_trigger_probability(phi, z);
    const double measured = share_of_global_cascades(o);
    RecordProperty(file, std::to_string(measured) + " (expected " + std::to_string(expected) + ")");
    EXPECT_NEAR(measured, expected, 0.06) << file;
  }
}

// Well outside the window (z = 0.5: no giant component; z = 7: hubs need two
// active neighbours): at most 1% of 200 seeds.
TEST(WattsCascades, NoGlobalCascadesOutsideWindow) {
  for (const char* file : {"watts_er_phi018_z05.yaml", "watts_er_phi018_z7.yaml"}) {
    const Outcome o = run_validation_scenario(file);
    const double z = o.scenario.graph_params.real("mean_degree");
    EXPECT_LT(watts_cascade_condition(phi, z), 1.0) << file;  // the test's premise
    const double measured = share_of_global_cascades(o);
    RecordProperty(file, std::to_string(measured));
    EXPECT_LE(measured, 0.01) << file;
  }
}
