// The policy scenarios as shipped: the four UK scenarios at 1%, the Big
// Society calibration and the 20-replicate town comparison.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numeric>

#include "organising_helpers.hpp"

using namespace gs;
using namespace gs::testing;

namespace {
std::string policy(const std::string& name) { return source("scenarios/policy/" + name + ".yaml"); }
}  // namespace

TEST(OrganisingPolicy, UkScenariosRunAtOnePercent) {
  // 682,652 citizens each, 104 weeks, one replicate; same seed, so one graph.
  const Scenario base = load_scenario(policy("uk_baseline"), {"population_scale=0.01"});
  const World world = base.graph->generate(base.graph_params, base.seed);
  EXPECT_EQ(world.graph.nodes(), 682652u);
  for (const char* name : {"uk_baseline", "uk_1000_organisers", "uk_10000_organisers", "uk_big_society_5000"}) {
    const Scenario s = load_scenario(policy(name), {"population_scale=0.01"});
    ASSERT_EQ(s.graph_params.integer("population"), 682652) << name;
    const auto out = run_scenario(s, world);
    std::int64_t organisers = s.model_params.integer("organisers.count");
    for (const auto& c : s.model_params.records("organisers.cohorts")) organisers += c.integer("count");
    EXPECT_EQ(out.at("organisers_active", 0, 1), static_cast<double>(organisers)) << name;
    const double p = out.at("participation", 0, out.steps);
    EXPECT_GT(p, 0.12) << name;
    EXPECT_LT(p, 0.3) << name;
  }
}

TEST(OrganisingPolicy, BigSocietyProgrammeWithinAFactorOfTwo) {
  // England at 2% (1.14 million people, 12 trainees in six intakes); outcomes
  // scaled back by 50 and compared with the final evaluation (Dec 2015).
  const double scale = 0.02;
  const Scenario s = load_scenario(policy("big_society_cop"), {"population_scale=0.02"});
  const auto out = run_scenario(s);
  const std::uint32_t end = out.steps;
  auto within_two = [](double model, double reported) { return model >= reported / 2 && model <= reported * 2; };
  const double trained = out.at("organisers_trained", 0, end) / scale;
  const double volunteers = out.at("volunteers_recruited", 0, end) / scale;
  const double listened = out.at("people_listened_paid", 0, end) / scale;
  const double mobilised = out.at("people_mobilised", 0, end) / scale;
  EXPECT_TRUE(within_two(trained, 540)) << trained;
  EXPECT_TRUE(within_two(volunteers, 5000)) << volunteers;
  EXPECT_TRUE(within_two(listened, 125000)) << listened;
  EXPECT_TRUE(within_two(mobilised, 20000)) << mobilised;
  std::printf("Big Society at 2%%, scaled up: trained %.0f, volunteers %.0f, listened %.0f, mobilised %.0f\n", trained,
              volunteers, listened, mobilised);
}

TEST(OrganisingPolicy, TownParticipationOrderedAndTenThousandBeatsOneThousand) {
  const std::vector<std::string> names = {"town_baseline", "town_1000_volunteers", "town_10000_volunteers"};
  const Scenario first = load_scenario(policy(names[0]), {"replicates=20"});
  const World world = first.graph->generate(first.graph_params, first.seed);
  std::vector<std::vector<double>> finals;
  for (const auto& name : names) {
    const Scenario s = load_scenario(policy(name), {"replicates=20"});
    ASSERT_EQ(s.seed, first.seed);  // same graph, common random numbers
    finals.push_back(run_scenario(s, world).finals("participation"));
  }
  auto mean = [](const std::vector<double>& x) {
    return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  };
  EXPECT_LT(mean(finals[0]), mean(finals[1]));
  EXPECT_LT(mean(finals[1]), mean(finals[2]));
  // Paired by replicate (same citizen draws): 95% CI of the mean difference,
  // t(0.975, 19) = 2.093.
  std::vector<double> diff(20);
  for (int r = 0; r < 20; ++r) diff[r] = finals[2][r] - finals[1][r];
  const double m = mean(diff);
  double ss = 0;
  for (double d : diff) ss += (d - m) * (d - m);
  const double half = 2.093 * std::sqrt(ss / 19) / std::sqrt(20.0);
  EXPECT_GT(m - half, 0.0) << "difference " << m << " +- " << half;
  std::printf("town participation at week 104: %.5f < %.5f < %.5f; 10,000 - 1,000 = %.5f +- %.5f\n", mean(finals[0]),
              mean(finals[1]), mean(finals[2]), m, half);
}
