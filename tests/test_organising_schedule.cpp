// The organising model's next-event schedule (model.schedule: next_event,
// models/organising/next_event.cpp) against the weekly one: the same process
// with other random numbers, so the two must agree in distribution, not bit
// for bit. Each compares replicate means of the outputs that every kind of
// decision moves (joining, leaving, promotion, mobilisation, campaigns), in
// the transient organisers cause and at the long-run level, under linear and
// complex contagion; and the next-event schedule keeps the project's bitwise
// guarantees (any thread count; resuming from a checkpoint:
// tests/test_checkpoint_resume.cpp).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "organising_helpers.hpp"

namespace gs::organising {
namespace {

using testing::Outcome;

// A town of 20,000 in neighbourhoods of 1,000 with 20 paid organisers for
// two years and campaigns starting at 20% participation,
// so that participation, leaders and campaigns all move; R replicates.
Outcome run_schedule(const std::string& schedule, const std::vector<std::string>& extra, std::uint32_t replicates) {
  std::vector<std::string> overrides = {"model.schedule=" + schedule};
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  return testing::run_text("name: schedule\nseed: 5\nsteps: 104\nreplicates: " + std::to_string(replicates) +
                               "\n"
                               "graph: {type: community, population: 20000, neighbourhood_size: 1000}\n"
                               "model:\n  type: organising\n"
                               "  organisers: {count: 20, one_to_ones_per_step: 6}\n"
                               "  campaigns: {threshold: 0.2, start_chance: 0.2}\n",
                           overrides);
}

struct Moments {
  double mean = 0, variance = 0;
};

Moments moments(const Outcome& o, const std::string& metric, std::uint32_t step) {
  Moments m;
  for (std::uint32_t r = 0; r < o.replicates; ++r) m.mean += o.at(metric, r, step);
  m.mean /= o.replicates;
  for (std::uint32_t r = 0; r < o.replicates; ++r) m.variance += std::pow(o.at(metric, r, step) - m.mean, 2);
  m.variance /= o.replicates - 1;
  return m;
}

// Replicate means of the two schedules within 4.5 standard errors of their
// difference, for each metric at weeks 4, 26, 52 and 104; and neither far
// from the other when both are nearly constant (a floor on the error).
void expect_same_distribution(const std::vector<std::string>& extra, const std::vector<std::string>& metrics) {
  const std::uint32_t replicates = 30;
  const Outcome weekly = run_schedule("weekly", extra, replicates);
  const Outcome next_event = run_schedule("next_event", extra, replicates);
  for (const std::string& metric : metrics)
    for (std::uint32_t step : {4u, 26u, 52u, 104u}) {
      const Moments a = moments(weekly, metric, step), b = moments(next_event, metric, step);
      const double error = std::sqrt((a.variance + b.variance) / replicates);
      const double floor = 1e-9 + 1e-4 * std::abs(a.mean);
      EXPECT_LE(std::abs(a.mean - b.mean), 4.5 * error + floor)
          << metric << " at week " << step << ": weekly " << a.mean << " (sd " << std::sqrt(a.variance)
          << "), next_event " << b.mean << " (sd " << std::sqrt(b.variance) << ")";
    }
}

const std::vector<std::string> moved_by_everything = {"participation",        "leaders",          "reached",
                                                      "participation_q1",     "participation_q5", "people_mobilised",
                                                      "participation_tenant", "mean_efficacy"};

TEST(OrganisingSchedule, NextEventAgreesWithWeeklyInDistribution) { expect_same_distribution({}, moved_by_everything); }

TEST(OrganisingSchedule, NextEventAgreesWithWeeklyUnderComplexContagionAndTieWeights) {
  expect_same_distribution({"model.contagion.form=complex", "model.contagion.tie_weights=true"},
                           {"participation", "leaders", "people_mobilised"});
}

// Within the memory of a one-to-one drop-out is lower (here none for a
// year): a candidate's chance must remember it as the weekly rule does.
TEST(OrganisingSchedule, NextEventRemembersOneToOnes) {
  expect_same_distribution({"model.attrition.after_one_to_one=0", "model.attrition.memory_steps=52"},
                           {"participation", "leaders", "people_mobilised"});
}

// Leaders' one-to-ones reach contacts in neighbourhoods where no organiser
// has met anyone: those met must decide that week (recruitment, efficacy) as
// under the weekly schedule. Two organisers in twenty neighbourhoods, leaders
// made after one meeting and each meeting ten contacts a week, every meeting
// recruiting: many leader-met people live where no organiser works. (Before
// the fix in 0.3.0 they kept their candidate weeks, and participation at week
// 104 was 25.7% instead of 29.2%.)
TEST(OrganisingSchedule, PeopleMetOnlyByLeadersDecideThatWeek) {
  expect_same_distribution(
      {"model.organisers.count=2", "model.leaders.min_meetings=1", "model.leaders.min_weeks=0",
       "model.leaders.chance=0.5", "model.leaders.per_organiser=0", "model.leaders.one_to_ones_per_step=10",
       "model.one_to_one.recruit_chance=1", "model.campaigns.enabled=false"},
      {"participation", "leaders", "reached", "mean_efficacy"});
}

// Campaigns start and end in the two schedules alike: their counts summed
// over the two years.
TEST(OrganisingSchedule, CampaignsRunAlikeUnderBothSchedules) {
  const std::uint32_t replicates = 30;
  const Outcome weekly = run_schedule("weekly", {}, replicates);
  const Outcome next_event = run_schedule("next_event", {}, replicates);
  auto totals = [](const Outcome& o) {
    std::vector<double> out;
    for (std::uint32_t r = 0; r < o.replicates; ++r) {
      double sum = 0;
      for (std::uint32_t t = 1; t <= o.steps; ++t) sum += o.at("campaigns_won", r, t) + o.at("campaigns_lost", r, t);
      out.push_back(sum);
    }
    return out;
  };
  auto mean_sd = [](const std::vector<double>& x) {
    double m = 0, v = 0;
    for (double e : x) m += e;
    m /= static_cast<double>(x.size());
    for (double e : x) v += (e - m) * (e - m);
    return std::pair{m, v / static_cast<double>(x.size() - 1)};
  };
  const auto [wm, wv] = mean_sd(totals(weekly));
  const auto [nm, nv] = mean_sd(totals(next_event));
  ASSERT_GT(wm, 5.0) << "the scenario must run campaigns for this test to mean anything";
  EXPECT_LE(std::abs(wm - nm), 4.5 * std::sqrt((wv + nv) / replicates)) << "weekly " << wm << ", next_event " << nm;
}

// Like every schedule: bitwise the same for any thread count.
TEST(OrganisingSchedule, NextEventIsTheSameForOneAndTwoThreads) {
  const Scenario s = load_scenario_text(
      "name: threads\nseed: 9\nsteps: 60\nreplicates: 2\n"
      "graph: {type: community, population: 20000, neighbourhood_size: 500}\n"
      "model: {type: organising, schedule: next_event, organisers: {count: 30}, "
      "campaigns: {threshold: 0.2, start_chance: 0.2}}\n",
      "threads.yaml");
  const World world = s.graph->generate(s.graph_params, s.seed);
  const Outcome one = testing::run_scenario(s, world, 1), two = testing::run_scenario(s, world, 2);
  ASSERT_EQ(one.result.values.size(), two.result.values.size());
  for (std::size_t m = 0; m < one.result.values.size(); ++m) {
    const auto& a = one.result.values[m];
    const auto& b = two.result.values[m];
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)), 0) << one.result.metrics[m].name;
  }
}

// The schedules draw other random numbers: were they the same, the
// comparisons above would compare a run with itself.
TEST(OrganisingSchedule, TheSchedulesDrawDifferentNumbers) {
  const Outcome weekly = run_schedule("weekly", {}, 1);
  const Outcome next_event = run_schedule("next_event", {}, 1);
  EXPECT_EQ(weekly.at("participation", 0, 0), next_event.at("participation", 0, 0)) << "the same start";
  EXPECT_NE(weekly.series("participation"), next_event.series("participation"));
}

}  // namespace
}  // namespace gs::organising
