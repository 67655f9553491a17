// The organising model's mechanics on small graphs. Expected values come from
// the model's stated rules (formulas) or from comparisons between runs that
// share their random numbers, never from numbers copied out of a run.
#include <gtest/gtest.h>

#include <cmath>

#include "models/organising/roster.hpp"
#include "organising_helpers.hpp"
#include "sim/engine/model.hpp"

using namespace gs;
using namespace gs::testing;

namespace {

std::string small_town(int population, int steps, int replicates, const std::string& model_lines) {
  return "name: t\nseed: 42\nsteps: " + std::to_string(steps) + "\nreplicates: " + std::to_string(replicates) +
         "\ngraph: {type: community, population: " + std::to_string(population) + "}\nmodel:\n  type: organising\n" +
         model_lines;
}

}  // namespace

TEST(Organising, WithoutOrganisersParticipationStaysNearBaseline) {
  const auto out = run_text(small_town(30000, 104, 2, "  baseline_participation: 0.16\n"));
  for (std::uint32_t r = 0; r < out.replicates; ++r) {
    EXPECT_NEAR(out.at("participation", r, 0), 0.16, 0.01);
    // The baseline is the mean-field equilibrium; clustering in the graph
    // moves the real one a little (docs/models/organising.md, Initialisation).
    EXPECT_NEAR(out.at("participation", r, out.steps), 0.16, 0.012);
    EXPECT_EQ(out.at("one_to_ones", r, out.steps), 0.0);
    EXPECT_EQ(out.at("people_reached", r, out.steps), 0.0);
  }
  // Deprived areas take part less: about 0.7 times the least deprived fifth.
  const double ratio = out.at("participation_q1", 0, 0) / out.at("participation_q5", 0, 0);
  EXPECT_NEAR(ratio, 0.7, 0.08);
  EXPECT_NEAR(out.at("participation_gap", 0, 0), out.at("participation_q5", 0, 0) - out.at("participation_q1", 0, 0),
              1e-12);
}

TEST(Organising, MoreOrganisersNeverLowerExpectedParticipation) {
  // Same seed: same graph and the same citizen draws (common random numbers).
  const std::string base = small_town(30000, 104, 4, "");
  const Scenario first = load_scenario_text(base, "t.yaml");
  const World world = first.graph->generate(first.graph_params, first.seed);
  double previous = -1;
  for (int count : {0, 2, 8, 30}) {
    const auto out =
        run_scenario(load_scenario_text(base, "t.yaml", {"model.organisers.count=" + std::to_string(count)}), world);
    const double mean = out.final_mean("participation");
    EXPECT_GE(mean, previous) << count << " organisers";
    previous = mean;
  }
}

TEST(Organising, ACitizenMetInAOneToOneGainsEfficacy) {
  const Scenario s = load_scenario_text(
      small_town(5000, 1, 1, "  campaigns: {enabled: false}\n  organisers: {count: 3, one_to_ones_per_step: 20}\n"),
      "t.yaml");
  const World world = s.graph->generate(s.graph_params, s.seed);
  auto model = s.model->create(s.model_params, world);
  model->initialise({s.seed, 0, 0});
  auto arrays = model->state_arrays();
  auto find = [&](const std::string& name) {
    for (auto& a : arrays)
      if (a.name == name) return a;
    throw std::logic_error(name);
  };
  const auto* efficacy = static_cast<const float*>(find("efficacy").data);
  const auto* meetings = static_cast<const std::uint8_t*>(find("meetings").data);
  const std::vector<float> before(efficacy, efficacy + world.graph.nodes());
  model->step({s.seed, 0, 1});
  const double gain = s.model_params.real("one_to_one.efficacy_gain");
  int met = 0;
  for (std::size_t v = 0; v < world.graph.nodes(); ++v) {
    if (meetings[v] == 0) {
      EXPECT_EQ(efficacy[v], before[v]);  // no leaders yet and campaigns off
      continue;
    }
    ++met;
    EXPECT_GT(efficacy[v], before[v]);
    const double expected = 1.0 - (1.0 - before[v]) * std::pow(1.0 - gain, meetings[v]);
    EXPECT_NEAR(efficacy[v], expected, 1e-6);
  }
  EXPECT_GT(met, 30);  // 60 meetings were held
}

TEST(Organising, CohortsStartRampUpEndAndLeave) {
  const auto out = run_text(small_town(20000, 40, 1, R"(  campaigns: {enabled: false}
  kinds: {paid: {volunteers_to_recruit: 0}}
  organisers:
    development_share: 0
    neighbourhood_capacity: 0  # no competition: every organiser holds their whole rate
    cohorts:
      - {count: 40, kind: paid, start_step: 10, training_steps: 4, active_steps: 20, one_to_ones_per_step: 10,
         turnover_per_year: 0}
)"));
  for (std::uint32_t t = 1; t <= 10; ++t) EXPECT_EQ(out.at("organisers_active", 0, t), 0) << t;
  for (std::uint32_t t = 11; t <= 30; ++t) EXPECT_EQ(out.at("organisers_active", 0, t), 40) << t;
  for (std::uint32_t t = 31; t <= 40; ++t) EXPECT_EQ(out.at("organisers_active", 0, t), 0) << t;
  // Ramp-up: capacity (t - start) / (training + 1), so 2 meetings each in week
  // 11 and 10 from week 15. Outreach only (development_share 0), so nobody
  // has the three one-to-ones a leader needs, and every meeting finds someone.
  EXPECT_EQ(out.at("one_to_ones", 0, 11), 40 * 2);
  EXPECT_EQ(out.at("one_to_ones", 0, 15), 40 * 10);
  EXPECT_EQ(out.at("leaders", 0, 30), 0);
  EXPECT_EQ(out.at("organisers_trained", 0, 40), 40);  // completed their term
}

TEST(Organising, TurnoverMatchesTheAnnualRate) {
  const auto out = run_text(small_town(2000, 52, 1, R"(  campaigns: {enabled: false}
  organisers:
    cohorts: [{count: 4000, kind: volunteer, turnover_per_year: 0.3, training_steps: 0, one_to_ones_per_step: 0}]
)"));
  // Weekly hazard -ln(1 - 0.3) / 52 over 52 weeks keeps 70%; binomial s.d. 29.
  EXPECT_NEAR(out.at("organisers_active", 0, 52), 4000 * 0.7, 4 * std::sqrt(4000 * 0.21));
  EXPECT_EQ(out.at("volunteer_organisers", 0, 52), out.at("organisers_active", 0, 52));
}

TEST(Organising, PaidOrganisersRecruitVolunteerOrganisersUpToTheirTarget) {
  const auto out = run_text(small_town(20000, 104, 1, R"(  multiplication: {recruit_chance: 1.0}
  kinds: {paid: {volunteers_to_recruit: 3, turnover_per_year: 0}, volunteer: {turnover_per_year: 0}}
  organisers:
    cohorts: [{count: 5, kind: paid}]
)"));
  const double recruited = out.at("volunteers_recruited", 0, out.steps);
  EXPECT_GT(recruited, 0);
  EXPECT_LE(recruited, 5 * 3);
  // No turnover: every recruit still works, alongside the 5 paid.
  EXPECT_EQ(out.at("volunteer_organisers", 0, out.steps), recruited);
  EXPECT_EQ(out.at("organisers_active", 0, out.steps), 5 + recruited);
}

TEST(Organising, CampaignWinsRaiseEfficacyAndLossesLowerIt) {
  // Threshold 0: every neighbourhood campaigns; opposition 0 wins them all,
  // a huge one loses them all. No organisers, so only campaigns move efficacy.
  const std::string base = small_town(10000, 30, 1, "  campaigns: {threshold: 0, start_chance: 1}\n");
  const auto wins = run_text(base, {"model.campaigns.opposition=0"});
  const auto losses = run_text(base, {"model.campaigns.opposition=100"});
  double won = 0, lost = 0;
  for (std::uint32_t t = 1; t <= 30; ++t) {
    won += wins.at("campaigns_won", 0, t);
    lost += losses.at("campaigns_lost", 0, t);
    EXPECT_EQ(wins.at("campaigns_lost", 0, t), 0);
    EXPECT_EQ(losses.at("campaigns_won", 0, t), 0);
  }
  EXPECT_GT(won, 0);
  EXPECT_EQ(won, lost);  // same neighbourhoods, same timing
  EXPECT_GT(wins.at("mean_efficacy", 0, 30), wins.at("mean_efficacy", 0, 0));
  EXPECT_LT(losses.at("mean_efficacy", 0, 30), losses.at("mean_efficacy", 0, 0));
}

TEST(Organising, ResultsAreIdenticalForOneAndTwoThreads) {
  // Cohorts, recruiting, turnover and campaigns all on.
  const Scenario s = load_scenario_text(small_town(20000, 52, 2, R"(  campaigns: {threshold: 0.15}
  multiplication: {recruit_chance: 1.0}
  organisers:
    placement: concentrated
    regions: 1
    max_per_neighbourhood: 2
    cohorts: [{count: 6, kind: paid}, {count: 10, kind: volunteer, start_step: 5}]
)"),
                                        "t.yaml");
  const World world = s.graph->generate(s.graph_params, s.seed);
  const auto one = run_scenario(s, world, 1);
  const auto two = run_scenario(s, world, 2);
  ASSERT_EQ(one.result.values.size(), two.result.values.size());
  for (std::size_t m = 0; m < one.result.values.size(); ++m)
    EXPECT_EQ(one.result.values[m], two.result.values[m]) << one.result.metrics[m].name;
  double campaigns = 0;
  for (double x : one.series("campaigns_won")) campaigns += x;
  for (double x : one.series("campaigns_lost")) campaigns += x;
  EXPECT_GT(campaigns, 0);  // the test covers campaigns
}

namespace {
// One hub tied to `leaves` others, all in one neighbourhood.
World star(std::uint32_t leaves) {
  std::vector<std::pair<NodeId, NodeId>> ties;
  for (NodeId v = 1; v <= leaves; ++v) ties.emplace_back(0, v);
  World w;
  w.graph = build_csr(leaves + 1, {ties});
  w.population = single_neighbourhood_population(leaves + 1, 3);
  return w;
}

std::string error_running(const World& w) {
  try {
    run_scenario(load_scenario_text(small_town(100, 2, 1, "  organisers: {count: 1}\n"), "s.yaml"), w);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

// Participating contacts are counted in 16 bits: a citizen with up to 65,535
// ties runs, one with more is refused with a message, not wrapped around.
TEST(Organising, ContactCountsHoldEveryDegreeUpTo16BitsAndRefuseMore) {
  EXPECT_EQ(error_running(star(65535)), "");
  const std::string e = error_running(star(65536));
  EXPECT_NE(e.find("a citizen has 65536 ties"), std::string::npos) << e;
  EXPECT_NE(e.find("at most 65535 per citizen"), std::string::npos) << e;
}
