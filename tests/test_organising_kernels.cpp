// The organising model's vector kernels against its rules: every kernel
// variant this build has and this CPU runs (forced at run time) must give
// bitwise what a plain loop over models/organising/rules.hpp gives, and a
// whole run must give the same output under every variant. Variants the CPU
// lacks are skipped, saying so.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "models/organising/kernels.hpp"
#include "models/organising/rules.hpp"
#include "organising_helpers.hpp"
#include "sim/core/cpu_features.hpp"
#include "sim/core/random.hpp"

namespace gs::organising {
namespace {

constexpr VectorLevel all_levels[] = {VectorLevel::baseline, VectorLevel::avx2, VectorLevel::avx512};

// Forces a variant for one test, and puts the default back afterwards.
class ForcedLevel {
 public:
  explicit ForcedLevel(VectorLevel level) { force_vector_level(level); }
  ForcedLevel(const ForcedLevel&) = delete;
  ForcedLevel& operator=(const ForcedLevel&) = delete;
  ~ForcedLevel() { force_vector_level(std::nullopt); }
};

// Why `level` cannot be tested here, if it cannot.
std::optional<std::string> untestable(VectorLevel level) {
  if (!host_supports(level))
    return std::string("this CPU lacks ") + vector_level_name(level) + " (it runs " +
           vector_level_name(host_vector_level()) + ")";
  if (!kernel_variant_compiled(level))
    return std::string("this build has no ") + vector_level_name(level) + " kernels (not GCC)";
  return std::nullopt;
}

// Random inputs for one run of citizens, drawn from gs::Stream.
struct Inputs {
  int len = 0;
  std::vector<std::uint8_t> state, degree, meetings;
  std::vector<EdgeIndex> offsets;
  std::vector<ContactCount> active, leaders;
  std::vector<std::int32_t> weighted_degree;
  std::vector<float> efficacy;
  std::vector<Group> group;
  std::vector<std::uint32_t> last_met;
  std::vector<std::uint16_t> weeks;
  std::vector<double> draw;
  std::uint8_t campaign = no_campaign_value;
  float typical = 0.5f;
  double spontaneous = 0;
  ChanceRates rates{};
  static constexpr std::uint8_t no_campaign_value = 255;

  Inputs(std::uint32_t trial, bool high_degrees) {
    Stream rng(2024, 0, trial, 0, 1);
    len = 1 + static_cast<int>(rng.below(256));
    offsets.push_back(0);
    for (int i = 0; i < len; ++i) {
      auto k = static_cast<std::uint32_t>(rng.below(8) == 0 ? 0 : high_degrees ? rng.below(600) : rng.below(255));
      // Now and then counts near the top of their 16 bits (max_contact_count).
      if (high_degrees && rng.below(32) == 0) k = static_cast<std::uint32_t>(max_contact_count - rng.below(8));
      offsets.push_back(offsets.back() + k);
      degree.push_back(static_cast<std::uint8_t>(k < 255 ? k : 255));
      state.push_back(static_cast<std::uint8_t>(rng.below(3)));
      active.push_back(static_cast<ContactCount>(rng.below(k + 1)));
      leaders.push_back(static_cast<ContactCount>(rng.below(k + 1)));
      // Tie weights 1 to 4: the weighted degree is at least the counts.
      weighted_degree.push_back(
          static_cast<std::int32_t>(std::min<std::uint64_t>(k + rng.below(3 * k + 1), max_contact_count)));
      efficacy.push_back(static_cast<float>(rng.uniform()));
      group.push_back(static_cast<Group>(rng.below(4)));
      last_met.push_back(rng.bernoulli(0.3) ? never_met : static_cast<std::uint32_t>(1 + rng.below(60)));
      meetings.push_back(static_cast<std::uint8_t>(rng.below(50) == 0 ? 255 : rng.below(6)));
      weeks.push_back(static_cast<std::uint16_t>(rng.bernoulli(0.05) ? 65535 : rng.below(80)));
      draw.push_back(rng.uniform() * 0.2);
    }
    campaign = rng.bernoulli(0.5) ? no_campaign_value : static_cast<std::uint8_t>(rng.below(3));
    typical = static_cast<float>(0.2 + 0.6 * rng.uniform());
    spontaneous = 0.05 * rng.uniform();
    // Leaders' extra weight: whole in half the trials (the complex pull is
    // then tabulated with leaders near too), else any.
    const double leader_extra = rng.bernoulli(0.5) ? static_cast<double>(rng.below(3)) : rng.uniform() * 2 - 0.5;
    rates = {leader_extra,
             0.1 * rng.uniform(),
             0.1 * rng.uniform(),
             0.05 * rng.uniform(),
             rng.uniform(),
             rng.uniform(),
             rng.uniform(),
             static_cast<std::uint32_t>(rng.below(20)),
             60,
             false,
             0.5 + 4 * rng.uniform(),
             0.5 + 10 * rng.uniform(),
             0,
             rng.bernoulli(0.5) ? 1.0 : 4.0,
             nullptr,
             -1};
    rates.at_zero = rules::logistic_response(0.0, rates.threshold, rates.steepness);
  }
  // The complex-contagion form of the same rates.
  ChanceRates complex_rates() {
    ChanceRates r = rates;
    r.complex = true;
    const std::int32_t most = *std::max_element(weighted_degree.begin(), weighted_degree.end());
    pull_by_count = pull_by_count_table(most, r.leader_extra, r.threshold, r.steepness, r.at_zero, r.unit);
    r.pull_by_count = pull_by_count.data();
    r.table_leader_extra = whole_leader_extra(r.leader_extra);
    return r;
  }
  std::vector<double> pull_by_count;
  CitizenArrays arrays(bool small_degrees, bool with_leaders, bool with_met, bool weighted = false) const {
    return {state.data(),
            offsets.data(),
            small_degrees ? degree.data() : nullptr,
            active.data(),
            with_leaders ? leaders.data() : nullptr,
            efficacy.data(),
            group.data(),
            with_met ? last_met.data() : nullptr,
            weighted ? weighted_degree.data() : nullptr};
  }
};

// The chances by a plain loop over the rules, one citizen at a time.
std::vector<double> chances_by_rules(const Inputs& in, bool with_leaders, bool with_met, bool weighted = false,
                                     bool complex = false) {
  std::vector<double> chance(static_cast<std::size_t>(in.len));
  const ChanceRates& r = in.rates;
  for (std::size_t i = 0; i < chance.size(); ++i) {
    const auto k = weighted ? in.weighted_degree[i] : static_cast<std::int32_t>(in.offsets[i + 1] - in.offsets[i]);
    const std::int32_t leaders = with_leaders ? in.leaders[i] : 0;
    const double share = rules::contact_share(in.active[i], leaders, r.leader_extra, k);
    const double pull =
        complex ? rules::complex_pull(rules::participating_ties(in.active[i], leaders, r.leader_extra, r.unit),
                                      r.threshold, r.steepness, r.at_zero)
                : share;
    const double g = rules::efficacy_factor(in.efficacy[i], in.typical);
    const bool affected = in.campaign == static_cast<std::uint8_t>(in.group[i]);
    const double own = rules::own_joining_chance(g, in.spontaneous, r.influence, pull, affected ? r.mobilisation : 0.0);
    const bool recent = with_met && rules::met_recently(r.step, in.last_met[i], never_met, r.memory);
    chance[i] = in.state[i] == inactive
                    ? rules::joining_chance(own, 0.0)
                    : rules::dropout_hazard(r.dropout, r.reinforcement, share, in.state[i] == leader, r.leader_dropout,
                                            recent, r.after_meeting);
  }
  return chance;
}

void expect_bitwise(const std::vector<double>& want, const std::vector<double>& got, const std::string& what) {
  ASSERT_EQ(want.size(), got.size());
  for (std::size_t i = 0; i < want.size(); ++i)
    ASSERT_EQ(std::bit_cast<std::uint64_t>(want[i]), std::bit_cast<std::uint64_t>(got[i]))
        << what << " citizen " << i << ": rules " << want[i] << ", kernel " << got[i];
}

void check_change_chances(VectorLevel level) {
  if (const auto reason = untestable(level)) GTEST_SKIP() << reason->c_str();
  const ForcedLevel forced(level);
  for (std::uint32_t trial = 0; trial < 200; ++trial) {
    Inputs in(trial, trial % 2 == 1);
    const ChanceRates complex_rates = in.complex_rates();
    // Every kernel: degrees from bytes or offsets or tie weights, with or
    // without leaders, met or not, linear or complex contagion.
    for (int variant = 0; variant < 32; ++variant) {
      const bool small_degrees = (variant & 1) != 0 && trial % 2 == 0, with_leaders = (variant & 2) != 0;
      const bool with_met = (variant & 4) != 0, weighted = (variant & 8) != 0, complex = (variant & 16) != 0;
      std::vector<double> chance(static_cast<std::size_t>(in.len), -1.0);
      change_chances(in.arrays(small_degrees, with_leaders, with_met, weighted), in.len, in.campaign, in.typical,
                     in.spontaneous, complex ? complex_rates : in.rates, chance.data());
      expect_bitwise(chances_by_rules(in, with_leaders, with_met, weighted, complex), chance,
                     std::string(vector_level_name(level)) + " trial " + std::to_string(trial) + " variant " +
                         std::to_string(variant));
    }
  }
}

void check_decide(VectorLevel level) {
  if (const auto reason = untestable(level)) GTEST_SKIP() << reason->c_str();
  const ForcedLevel forced(level);
  for (std::uint32_t trial = 0; trial < 200; ++trial) {
    // Thresholds at either end of their ranges now and then.
    const auto min_meetings = static_cast<std::uint8_t>(trial % 4 == 0 ? 0 : trial % 4 == 1 ? 255 : 2);
    const auto min_weeks = static_cast<std::uint16_t>(trial % 4 == 0 ? 0 : trial % 4 == 1 ? 65535 : 10);
    const Inputs in(trial, false);
    const std::vector<double> chance = chances_by_rules(in, true, true);
    for (const bool with_meetings : {false, true}) {
      std::vector<std::uint16_t> weeks = in.weeks, want_weeks = in.weeks;
      std::vector<std::uint8_t> verdict(static_cast<std::size_t>(in.len), 99);
      const unsigned any =
          decide(in.len, in.draw.data(), chance.data(), in.state.data(), weeks.data(),
                 with_meetings ? in.meetings.data() : nullptr, min_meetings, min_weeks, verdict.data());
      unsigned want_any = 0;
      for (std::size_t i = 0; i < verdict.size(); ++i) {
        const bool change = in.draw[i] < chance[i];
        const bool in_now = in.state[i] != inactive;
        want_weeks[i] = change ? 0 : static_cast<std::uint16_t>(in.weeks[i] + (in_now && in.weeks[i] < 65535 ? 1 : 0));
        const std::uint8_t met = with_meetings ? in.meetings[i] : 0;
        const bool eligible =
            !change && in.state[i] == participant && met >= min_meetings && want_weeks[i] >= min_weeks;
        const auto want = static_cast<std::uint8_t>((change ? changes_state : 0) | (eligible ? may_be_promoted : 0));
        ASSERT_EQ(want, verdict[i]) << vector_level_name(level) << " trial " << trial << " citizen " << i;
        want_any |= want;
      }
      EXPECT_EQ(want_weeks, weeks) << vector_level_name(level) << " trial " << trial;
      EXPECT_EQ(want_any != 0, any != 0) << vector_level_name(level) << " trial " << trial;
    }
  }
}

// count_leaders against a plain loop: runs long enough to overflow its
// 16-bit lanes (everyone a leader, or everyone eligible, in some trials),
// weeks near 65535 and thresholds of 0 and 65535.
void check_count_leaders(VectorLevel level) {
  if (const auto reason = untestable(level)) GTEST_SKIP() << reason->c_str();
  const ForcedLevel forced(level);
  for (std::uint32_t trial = 0; trial < 60; ++trial) {
    Stream rng(2025, 0, trial, 0, 2);
    const auto len = static_cast<std::int64_t>(trial % 4 == 0 ? 65535 * 2 + rng.below(1000) : rng.below(3000));
    const std::uint64_t uniform_state = rng.below(4);  // 3: states at random
    std::vector<std::uint8_t> state(static_cast<std::size_t>(len)), meetings(state.size());
    std::vector<std::uint16_t> weeks(state.size());
    for (std::size_t i = 0; i < state.size(); ++i) {
      state[i] = static_cast<std::uint8_t>(uniform_state < 3 ? uniform_state : rng.below(3));
      meetings[i] = static_cast<std::uint8_t>(rng.bernoulli(0.01) ? 255 - rng.below(2) : rng.below(6));
      weeks[i] = static_cast<std::uint16_t>(rng.bernoulli(0.05) ? 65535 - rng.below(2) : rng.below(80));
    }
    const auto min_meetings = static_cast<std::uint8_t>(trial % 5 == 1 ? 255 : rng.below(4));
    const auto min_weeks = static_cast<std::uint16_t>(trial % 5 == 2 ? 65535 : trial % 5 == 3 ? 0 : rng.below(60));
    std::int64_t want_leading = 0, want_eligible = 0;
    for (std::size_t i = 0; i < state.size(); ++i) {
      want_leading += state[i] == leader;
      want_eligible += state[i] == participant && meetings[i] >= min_meetings && weeks[i] + 1 >= min_weeks;
    }
    const LeaderCount got = count_leaders(len, state.data(), meetings.data(), weeks.data(), min_meetings, min_weeks);
    EXPECT_EQ(want_leading, got.leading) << vector_level_name(level) << " trial " << trial;
    EXPECT_EQ(want_eligible, got.eligible) << vector_level_name(level) << " trial " << trial;
  }
}

TEST(OrganisingKernels, ChancesAvx512MatchRules) { check_change_chances(VectorLevel::avx512); }
TEST(OrganisingKernels, ChancesAvx2MatchRules) { check_change_chances(VectorLevel::avx2); }
TEST(OrganisingKernels, ChancesBaselineMatchRules) { check_change_chances(VectorLevel::baseline); }
TEST(OrganisingKernels, DecideAvx512MatchesScalar) { check_decide(VectorLevel::avx512); }
TEST(OrganisingKernels, DecideAvx2MatchesScalar) { check_decide(VectorLevel::avx2); }
TEST(OrganisingKernels, DecideBaselineMatchesScalar) { check_decide(VectorLevel::baseline); }
TEST(OrganisingKernels, CountLeadersAvx512MatchesScalar) { check_count_leaders(VectorLevel::avx512); }
TEST(OrganisingKernels, CountLeadersAvx2MatchesScalar) { check_count_leaders(VectorLevel::avx2); }
TEST(OrganisingKernels, CountLeadersBaselineMatchesScalar) { check_count_leaders(VectorLevel::baseline); }

// A whole run (organisers, leaders, volunteer organisers, campaigns) under
// each variant the CPU runs, at two threads: every metric bitwise the same.
// Paid organisers who recruit volunteers from leaders made quickly, and
// campaigns at a low threshold: every path of the citizen pass is taken.
// `extra` adds to the model's settings, `organisers_extra` to the
// organisers', `graph_extra` to the graph's.
void expect_run_same_under_every_variant(const std::string& extra, const std::string& organisers_extra,
                                         const std::string& graph_extra) {
  const Scenario s = load_scenario_text(R"(name: kernel_variants
seed: 7
steps: 40
graph: {type: community, population: 14000)" +
                                            graph_extra +
                                            R"(}
model:
  type: organising
  campaigns: {threshold: 0.1}
  leaders: {min_weeks: 2, min_meetings: 1, chance: 0.5}
  multiplication: {min_meetings: 1, recruit_chance: 1}
)" + extra + R"(
  organisers:
    cohorts:
      - {count: 10, kind: paid}
)" + organisers_extra,
                                        "kernel_variants.yaml");
  const World world = s.graph->generate(s.graph_params, s.seed);
  std::optional<testing::Outcome> reference;
  int compared = 0;
  for (const VectorLevel level : all_levels) {
    if (untestable(level)) continue;
    const ForcedLevel forced(level);
    testing::Outcome out = testing::run_scenario(s, world, 2);
    if (!reference) {
      reference = std::move(out);
      double campaigns = 0;
      for (const char* metric : {"campaigns_won", "campaigns_lost"})
        for (double x : reference->series(metric)) campaigns += x;
      EXPECT_GT(campaigns, 0.0) << "the run should hold campaigns";
      EXPECT_GT(reference->at("volunteers_recruited", 0, s.steps), 0.0)
          << "the run should recruit volunteer organisers";
      continue;
    }
    ++compared;
    for (std::size_t m = 0; m < out.result.metrics.size(); ++m)
      expect_bitwise(reference->result.values[m], out.result.values[m],
                     std::string(vector_level_name(level)) + " " + out.result.metrics[m].name);
  }
  if (compared == 0) GTEST_SKIP() << "this CPU runs only the baseline variant: nothing to compare it with";
}

TEST(OrganisingKernels, RunIsBitwiseTheSameUnderEveryVariant) { expect_run_same_under_every_variant("", "", ""); }

// The same with complex contagion weighted by tie layers and organisers
// sharing their neighbourhood's capacity, on the clustered fabric.
TEST(OrganisingKernels, ComplexWeightedRunIsBitwiseTheSameUnderEveryVariant) {
  expect_run_same_under_every_variant("  contagion: {form: complex, tie_weights: true}",
                                      "    neighbourhood_capacity: 0.005\n", ", fabric: clustered");
}

// GROUNDSWELL_VECTOR naming no variant, or one the CPU lacks, is refused
// (exit 2) before any work.
int exit_code(const std::string& command) {
  const int status = std::system(command.c_str());  // NOLINT(cert-env33-c): the real binary, as users run it
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(OrganisingKernels, UnknownVectorVariantIsRefused) {
  EXPECT_EQ(2, exit_code("GROUNDSWELL_VECTOR=sse9 '" + std::string(GROUNDSWELL_BINARY) + "' models >/dev/null 2>&1"));
  for (const VectorLevel level : all_levels) {
    const std::string forced = std::string("GROUNDSWELL_VECTOR=") + vector_level_name(level) + " '" +
                               GROUNDSWELL_BINARY + "' models >/dev/null 2>&1";
    EXPECT_EQ(host_supports(level) ? 0 : 2, exit_code(forced)) << vector_level_name(level);
  }
}

// A declared baseline that social influence alone exceeds cannot be matched
// by any spontaneous rate: refused, naming the parameters, with no output.
TEST(OrganisingKernels, UnmatchableBaselineIsRefused) {
  const std::filesystem::path out = std::filesystem::temp_directory_path() / "gs_unmatched_baseline.h5";
  std::filesystem::remove(out);
  const std::string log = out.string() + ".log";
  const std::string command = "'" + std::string(GROUNDSWELL_BINARY) + "' run '" +
                              testing::source("scenarios/policy/town_10000_volunteers.yaml") + "' -o '" + out.string() +
                              "' -q --set steps=1 --set replicates=1 --set model.social_influence=0.01 2>'" + log + "'";
  EXPECT_EQ(2, exit_code(command));
  EXPECT_FALSE(std::filesystem::exists(out));
  std::string message;
  if (FILE* f = std::fopen(log.c_str(), "r")) {
    char buffer[2048];
    message.assign(buffer, std::fread(buffer, 1, sizeof buffer, f));
    std::fclose(f);
  }
  std::filesystem::remove(log);
  EXPECT_NE(message.find("model.baseline_participation=0.16 cannot be matched"), std::string::npos) << message;
  EXPECT_NE(message.find("model.social_influence=0.01"), std::string::npos) << message;
  // The scenario as written is matched.
  const std::string ok = "'" + std::string(GROUNDSWELL_BINARY) + "' run '" +
                         testing::source("scenarios/policy/town_10000_volunteers.yaml") + "' -o '" + out.string() +
                         "' -q --set steps=1 --set replicates=1 --set population_scale=0.05 >/dev/null 2>&1";
  EXPECT_EQ(0, exit_code(ok));
  std::filesystem::remove(out);
}

}  // namespace
}  // namespace gs::organising
