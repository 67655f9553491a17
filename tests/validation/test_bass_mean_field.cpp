// Bass (1969) on a dense graph: the mean adoption curve over replicates
// follows the discrete mean-field recursion F(t+1) = F(t) + (1-F(t))(p + q F(t))
// at every step. ER with N = 4,000 and mean degree 400 (the sparse-graph lag is
// about 0.4/d = 0.001); 100 replicates give a s.e. of the mean below 0.003.
// Tolerance 0.01 at every step; the continuous closed form is up to 0.07 away,
// so the test can tell the two apart.
#include <gtest/gtest.h>

#include "tests/validation/validation_support.hpp"

using namespace gs::validation;

TEST(BassMeanField, DenseGraphFollowsRecursion) {
  const Outcome o = run_validation_scenario("bass_dense_er.yaml");
  const double p = o.scenario.model_params.real("p"), q = o.scenario.model_params.real("q");
  const int steps = static_cast<int>(o.scenario.steps);
  const std::vector<double> expected = bass_recursion(p, q, steps);
  double worst = 0, worst_closed = 0;
  for (int t = 0; t <= steps; ++t) {
    double mean = 0;
    for (std::uint32_t r = 0; r < o.scenario.replicates; ++r) mean += o.at("adopted", r, t);
    mean /= o.scenario.replicates;
    EXPECT_NEAR(mean, expected[t], 0.01) << "step " << t;
    worst = std::max(worst, std::abs(mean - expected[t]));
    worst_closed = std::max(worst_closed, std::abs(mean - bass_closed_form(p, q, t)));
  }
  RecordProperty("max_deviation_from_recursion", std::to_string(worst));
  EXPECT_GT(worst_closed, 0.03);  // the measurement resolves recursion vs closed form
}
