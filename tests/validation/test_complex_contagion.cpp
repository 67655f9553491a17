// Centola & Macy (2007): a complex contagion (count = 2, one node and its
// neighbours seeded) fills a ring lattice with k = 4 or 6, front by front, in
// the predicted number of steps, but stalls at the seed on the fully rewired
// graph with the same degrees (degree-preserving swaps), where a seed
// neighbourhood has almost no second common neighbour. N = 2,000.
#include <gtest/gtest.h>

#include "tests/validation/validation_support.hpp"

using namespace gs::validation;

TEST(ComplexContagion, RingLatticeFullyActivatedInPredictedSteps) {
  for (const char* file : {"centola_ring_k4.yaml", "centola_ring_k6.yaml"}) {
    const Outcome o = run_validation_scenario(file);
    const auto n = static_cast<std::uint32_t>(o.scenario.graph_params.integer("nodes"));
    const auto r = static_cast<std::uint32_t>(o.scenario.graph_params.integer("k") / 2);
    const auto tau = static_cast<std::uint32_t>(o.scenario.model_params.integer("count"));
    const std::uint32_t predicted = ring_full_activation_steps(n, r, tau);
    ASSERT_LT(predicted, o.scenario.steps) << file;
    for (std::uint32_t rep = 0; rep < o.scenario.replicates; ++rep) {
      EXPECT_EQ(o.final("active", rep), 1.0) << file;
      EXPECT_EQ(o.at("active", rep, predicted), 1.0) << file;
      EXPECT_LT(o.at("active", rep, predicted - 2), 1.0) << file;
      // Between seeding and the fronts meeting, exactly 2(r - tau + 1) per step.
      const double seeded = (2.0 * r + 1) / n;
      EXPECT_DOUBLE_EQ(o.at("active", rep, 10), seeded + 10 * 2.0 * (r - tau + 1) / n) << file;
    }
  }
}

TEST(ComplexContagion, FullyRewiredGraphStalls) {
  for (const char* file : {"centola_rewired_k4.yaml", "centola_rewired_k6.yaml"}) {
    const Outcome o = run_validation_scenario(file);
    double worst = 0;
    for (std::uint32_t rep = 0; rep < o.scenario.replicates; ++rep) worst = std::max(worst, o.final("active", rep));
    RecordProperty(file, std::to_string(worst));
    EXPECT_LT(worst, 0.01) << file;  // seed size (k + 1)/N = 0.0025-0.0035
  }
}
