#pragma once
// The organising model's rules, one citizen and one week at a time, as
// docs/models/organising.md writes them. Everything that decides who joins,
// who leaves and how efficacy moves calls these: the vector kernels
// (kernels.cpp), the path for citizens met this week (citizens.cpp) and the
// start-up calibration (calibration.cpp); tests/test_organising_kernels.cpp
// checks every kernel variant against a loop over them. Change a rule here
// and every path changes with it, except the AVX2 chances kernel of
// kernels_avx2.cpp, which spells the linear-contagion rules out in
// intrinsics: change it too (the test fails until then).
//
// Written for the vector kernels too: no branches on the citizen's data
// (selects instead), and always inlined, so that each kernel variant compiles
// them with its own instruction set and options (the kernels' floating-point
// options differ from the default; GCC inlines a function compiled with
// other options only when told to).
#include <cmath>
#include <cstdint>

#define GROUNDSWELL_RULE [[gnu::always_inline]] inline

namespace gs::organising::rules {

// g: a citizen's efficacy relative to their neighbourhood's typical efficacy;
// it scales every chance of joining.
GROUNDSWELL_RULE double efficacy_factor(float efficacy, float typical) { return efficacy / typical; }

// s: the share of a citizen's `degree` contacts taking part, leaders counting
// 1 + leader_extra times (leader_extra = leaders.influence_weight - 1),
// at most 1; 0 for someone with no contacts.
GROUNDSWELL_RULE double contact_share(std::int32_t active_contacts, std::int32_t leader_contacts, double leader_extra,
                                      std::int32_t degree) {
  const double weighted = active_contacts + leader_extra * leader_contacts;
  const double ratio = weighted / static_cast<double>(degree == 0 ? 1 : degree);
  const double capped = ratio < 1.0 ? ratio : 1.0;
  return degree == 0 ? 0.0 : capped;
}

// n: a citizen's participating ties for complex contagion, leaders counting
// 1 + leader_extra times, each tie counting its layer's weight / `unit` (the
// largest weight, so that a tie of the strongest layer counts 1; unit 1 and
// weights 1 without tie weights). Exact for whole weights.
GROUNDSWELL_RULE double participating_ties(std::int32_t active_weight, std::int32_t leader_weight, double leader_extra,
                                           double unit) {
  return (active_weight + leader_extra * leader_weight) / unit;
}

// L(n) = 1 / (1 + exp(-steepness (n - threshold))): the logistic response to
// n participating ties (complex contagion: Centola & Macy 2007).
GROUNDSWELL_RULE double logistic_response(double ties, double threshold, double steepness) {
  return 1.0 / (1.0 + std::exp(-steepness * (ties - threshold)));
}

// The complex-contagion pull: (L(n) - L(0)) / (1 - L(0)), the logistic
// rescaled so that no participating tie pulls nothing and many pull 1, like
// the share s of the linear form. `at_zero` is L(0).
GROUNDSWELL_RULE double complex_pull(double ties, double threshold, double steepness, double at_zero) {
  return (logistic_response(ties, threshold, steepness) - at_zero) / (1.0 - at_zero);
}

// The weekly chance that an inactive citizen joins of their own accord:
// g (a + influence s + mobilisation if a campaign is on their issue), at
// most 1. s is the social pull: the contact share (linear contagion) or
// complex_pull (complex contagion). `mobilisation` is 0 when no campaign concerns them.
GROUNDSWELL_RULE double own_joining_chance(double g, double spontaneous, double influence, double share,
                                           double mobilisation) {
  const double chance = g * (spontaneous + influence * share + mobilisation);
  return chance < 1.0 ? chance : 1.0;
}

// The chance that `met` one-to-ones this week recruit an inactive citizen,
// each with chance min(1, recruit g).
GROUNDSWELL_RULE double recruitment_chance(double recruit, double g, unsigned met) {
  const double each = recruit * g;
  return 1.0 - std::pow(1.0 - (each < 1.0 ? each : 1.0), met);
}

// Joining: of their own accord or recruited (0 when not met), independently.
GROUNDSWELL_RULE double joining_chance(double own, double recruited) { return 1.0 - (1.0 - own) * (1.0 - recruited); }

// The weekly hazard that a participant or leader drops out: dropout
// (1 - reinforcement s), times the leaders' factor for leaders, times the
// after-meeting factor within the memory of an organiser's one-to-one.
GROUNDSWELL_RULE double dropout_hazard(double dropout, double reinforcement, double share, bool is_leader,
                                       double leader_factor, bool met_recently, double after_meeting) {
  const double hazard = dropout * (1.0 - reinforcement * share) * (is_leader ? leader_factor : 1.0);
  const double recent = hazard * after_meeting;
  return met_recently ? recent : hazard;
}

// Whether a one-to-one `since` weeks ago (last_met == never_met: none) is
// still remembered.
GROUNDSWELL_RULE bool met_recently(std::uint32_t step, std::uint32_t last_met, std::uint32_t never_met,
                                   std::uint32_t memory) {
  const std::uint32_t since = step - last_met;
  return (last_met != never_met) & (since <= memory);
}

// Efficacy after `met` one-to-ones this week, each closing a share `gain` of
// the distance to 1.
GROUNDSWELL_RULE float efficacy_after_one_to_ones(float efficacy, double gain, unsigned met) {
  return static_cast<float>(1.0 - (1.0 - efficacy) * std::pow(1.0 - gain, met));
}

// Efficacy after a campaign on the neighbourhood ends: a win closes a share
// `win_gain` of the distance to 1, a loss takes away a share `loss`.
GROUNDSWELL_RULE float efficacy_after_win(float efficacy, double win_gain) {
  return static_cast<float>(1.0 - (1.0 - efficacy) * (1.0 - win_gain));
}
GROUNDSWELL_RULE float efficacy_after_loss(float efficacy, double loss) {
  return static_cast<float>(efficacy * (1.0 - loss));
}

// The chance that a campaign ends in a win: the share p of the neighbourhood
// taking part against the opposition's strength.
GROUNDSWELL_RULE double campaign_win_chance(double participation, double opposition) {
  return participation / (participation + opposition + 1e-12);
}

// A two-state chain (in, out) with weekly chances `join` and `leave` spends
// join / (join + leave) of its time in; `otherwise` when both are 0.
GROUNDSWELL_RULE double equilibrium_in(double join, double leave, double otherwise) {
  return join + leave > 0 ? join / (join + leave) : otherwise;
}

// Organisers competing for one neighbourhood's residents: of `demand`
// one-to-ones a week asked of a neighbourhood that can host `capacity`
// (residents can only be met so often), capacity demand / (capacity +
// demand) are held (Michaelis-Menten: nearly all while demand is small, at
// most `capacity`), so each organiser holds this share of theirs.
GROUNDSWELL_RULE double shared_capacity_factor(double capacity, double demand) {
  return capacity / (capacity + demand);
}

}  // namespace gs::organising::rules
