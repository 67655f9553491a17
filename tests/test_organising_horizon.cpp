// The organising model over ten years (520 weeks), as documented in
// docs/models/organising.md, "Long-run behaviour": the baseline holds without
// organisers; organisers withdrawn at week 104 stop working, and what they
// built does not decay back to the baseline; leaders.per_organiser (15 by
// default since 0.2.0) bounds the leaders that otherwise grow without limit. A small town (20,000 people)
// with three times the town scenarios' density of paid organisers, so that
// ten years take a fraction of a second. Runs share seeds (common random
// numbers), so differences between them are the mechanisms', not noise.
#include <gtest/gtest.h>

#include <algorithm>

#include "organising_helpers.hpp"

using namespace gs;
using namespace gs::testing;

namespace {

constexpr int people = 20000, organisers = 6, weeks = 520, withdrawn_at = 104, span = 15;

const std::string& ten_years() {
  static const std::string text = "name: t\nseed: 42\nsteps: " + std::to_string(weeks) +
                                  "\nreplicates: 2\ngraph: {type: community, population: " + std::to_string(people) +
                                  "}\nmodel:\n  type: organising\n";
  return text;
}

const World& town() {
  static const World world = [] {
    const Scenario s = load_scenario_text(ten_years(), "t.yaml");
    return s.graph->generate(s.graph_params, s.seed);
  }();
  return world;
}

Outcome run_with(const std::vector<std::string>& sets) {
  return run_scenario(load_scenario_text(ten_years(), "t.yaml", sets), town());
}

// Paid organisers under the defaults (leadership teams of 15 per organiser
// since 0.2.0).
std::vector<std::string> paid_with_teams(std::vector<std::string> more = {}) {
  more.push_back("model.organisers.count=" + std::to_string(organisers));
  return more;
}

// Paid organisers with no limit on leaders (the default up to 0.1.0): the
// mechanism whose runaway the teams bound.
std::vector<std::string> paid(std::vector<std::string> more = {}) {
  more.push_back("model.leaders.per_organiser=0");
  return paid_with_teams(std::move(more));
}

double mean_at(const Outcome& o, const std::string& metric, std::uint32_t step) {
  double sum = 0;
  for (std::uint32_t r = 0; r < o.replicates; ++r) sum += o.at(metric, r, step);
  return sum / o.replicates;
}

}  // namespace

TEST(OrganisingHorizon, WithoutOrganisersTheBaselineHoldsForTenYears) {
  const Outcome o = run_with({});
  for (std::uint32_t r = 0; r < o.replicates; ++r)
    for (std::uint32_t t = 0; t <= o.steps; ++t) {
      ASSERT_NEAR(o.at("participation", r, t), 0.16, 0.015) << "replicate " << r << " week " << t;
      ASSERT_EQ(o.at("leaders", r, t), 0.0);
      // Nothing moves efficacy without meetings or campaigns: no drift.
      ASSERT_EQ(o.at("mean_efficacy", r, t), o.at("mean_efficacy", r, 0));
    }
}

TEST(OrganisingHorizon, WithdrawnOrganisersStopAndTheirEffectDoesNotDecay) {
  const Outcome base = run_with({});
  const Outcome kept = run_with(paid());
  const Outcome stopped = run_with(paid({"model.organisers.stop_at_step=" + std::to_string(withdrawn_at)}));
  for (std::uint32_t r = 0; r < stopped.replicates; ++r) {
    EXPECT_EQ(stopped.at("organisers_active", r, withdrawn_at), organisers);
    for (std::uint32_t t = withdrawn_at + 1; t <= stopped.steps; ++t)
      ASSERT_EQ(stopped.at("organisers_active", r, t), 0.0) << "week " << t;
    // Until the programme ends, the runs are the same run.
    EXPECT_EQ(stopped.at("participation", r, withdrawn_at), kept.at("participation", r, withdrawn_at));
  }
  const auto excess = [&](const Outcome& o, std::uint32_t t) {
    return mean_at(o, "participation", t) - mean_at(base, "participation", t);
  };
  EXPECT_GT(excess(stopped, withdrawn_at), 0.01);
  // Withdrawing organisers leaves less than keeping them...
  EXPECT_LT(excess(stopped, weeks), 0.5 * excess(kept, weeks));
  EXPECT_LT(mean_at(stopped, "leaders", weeks), 0.5 * mean_at(kept, "leaders", weeks));
  // ...but no decay back to the baseline: leaders developed before the end
  // keep holding one-to-ones, and efficacy gained never fades.
  EXPECT_GT(excess(stopped, weeks), excess(stopped, withdrawn_at));
  EXPECT_GT(mean_at(stopped, "one_to_ones", weeks), 0.0);
}

TEST(OrganisingHorizon, LeadersPerOrganiserBoundsLeadersAndSlowsTheRunaway) {
  const Outcome free = run_with(paid());
  const Outcome bounded = run_with(paid_with_teams());  // the default: teams of 15
  const double team = static_cast<double>(span) * organisers;
  for (std::uint32_t r = 0; r < bounded.replicates; ++r) {
    double most = 0;
    for (std::uint32_t t = 0; t <= bounded.steps; ++t) most = std::max(most, bounded.at("leaders", r, t) * people);
    // Expected promotions fill at most the open places; chance adds a few.
    EXPECT_LE(most, 1.15 * team) << "replicate " << r;
    EXPECT_GE(most, 0.8 * team) << "replicate " << r;  // the teams do fill
    // Without the bound, leaders run far past the teams.
    EXPECT_GT(free.at("leaders", r, free.steps) * people, 4 * team) << "replicate " << r;
  }
  // Before the teams fill, the bound changes nothing.
  EXPECT_EQ(mean_at(bounded, "participation", 52), mean_at(free, "participation", 52));
  const auto excess = [](const Outcome& o) {
    return mean_at(o, "participation", weeks) - mean_at(o, "participation", 0);
  };
  // Teams of 15 take about a third off the ten-year excess (docs: 20 paid
  // organisers in the town, +7.75 points at week 520 against +12.18 unbounded).
  EXPECT_LT(excess(bounded), 0.75 * excess(free));
}

TEST(OrganisingHorizon, TheOptInParametersChangeNothingUntilTheyAct) {
  const Outcome plain = run_with(paid());
  // A programme ending after the run and a team larger than any town's
  // leaders leave every series bitwise as without them.
  for (const std::string& set : {std::string("model.organisers.stop_at_step=") + std::to_string(weeks + 1),
                                 std::string("model.leaders.per_organiser=100000")}) {
    const Outcome same = run_with(paid({set}));
    for (std::size_t m = 0; m < plain.result.metrics.size(); ++m)
      EXPECT_EQ(plain.result.values[m], same.result.values[m]) << set << ": " << plain.result.metrics[m].name;
  }
}

TEST(OrganisingHorizon, TheBoundIsTheSameForOneAndTwoThreads) {
  // Two and a half years: teams of 5 fill (the bound acts) and the
  // programme has ended.
  const Scenario s = load_scenario_text(ten_years(), "t.yaml",
                                        paid({"steps=130", "model.leaders.per_organiser=5",
                                              "model.organisers.stop_at_step=" + std::to_string(withdrawn_at)}));
  const Outcome one = run_scenario(s, town(), 1);
  const Outcome two = run_scenario(s, town(), 2);
  for (std::size_t m = 0; m < one.result.metrics.size(); ++m)
    EXPECT_EQ(one.result.values[m], two.result.values[m]) << one.result.metrics[m].name;
}
