// The pass over citizens: this week's one-to-ones and campaign outcomes,
// every citizen's chance of joining or leaving (rules.hpp, through the
// vector kernels of kernels.cpp for those not met), and the decisions.
#include <algorithm>
#include <atomic>

#include <omp.h>

#include "models/organising/batch_draws.hpp"
#include "models/organising/model.hpp"
#include "models/organising/rules.hpp"
#include "sim/core/parallel_errors.hpp"

namespace gs::organising {

double Organising::efficacy_factor(std::uint64_t v) const {
  return rules::efficacy_factor(efficacy_[v], typical_efficacy_[world_.population.neighbourhood[v]]);
}

// With tie weights, contact counts and degrees are sums of tie weights.
double Organising::contact_share(std::uint64_t v) const {
  const auto k =
      rates_.weighted ? weighted_degree_[v] : static_cast<std::int32_t>(world_.graph.degree(static_cast<NodeId>(v)));
  return rules::contact_share(active_contacts_[v], leader_contacts_[v], rates_.leader_weight - 1, k);
}

// s in the joining rule: the contact share, or the complex-contagion pull.
double Organising::social_pull(std::uint64_t v) const {
  if (!rates_.complex) return contact_share(v);
  const double ties =
      rules::participating_ties(active_contacts_[v], leader_contacts_[v], rates_.leader_weight - 1, rates_.unit);
  return rules::complex_pull(ties, rates_.threshold, rates_.steepness, rates_.at_zero);
}

// One pass over all citizens: this week's meetings and campaign outcomes,
// then join / stay / promote decisions, then the changes pushed to
// contacts' counts, in one parallel region. The pass also resets met_now_,
// keeps the tally behind measure() up to date from the changes alone and
// re-sums efficacy in the blocks where some efficacy changed, so nothing
// else per step touches every citizen.
//
// Threads take groups of ordered_sum's blocks (8192 citizens); each
// block's efficacy sum is kept apart, so the total is summed exactly as
// ordered_sum would whoever summed the block. Each thread owns the contact
// counts of an equal range of blocks when changes are applied: no atomics.
// States are updated in place (decisions read counts, not neighbours'
// states, so the order of blocks does not matter); who changed is listed
// per thread.
// After the pass, each thread pushes its own list's changes (its owned
// contacts directly, the others through an outbox), then, after a second
// barrier, the other threads' outboxes to its contacts: every change's row
// is read by one thread only, so this phase scales with the threads.
void Organising::update_citizens(const StepContext& ctx) {
  const auto n = static_cast<std::int64_t>(world_.graph.nodes());
  const auto blocks = (n + tally_block - 1) / tally_block, groups = (blocks + 3) / 4;
  const auto max_threads = static_cast<std::size_t>(omp_get_max_threads());
  if (changes_.size() < max_threads) changes_.resize(max_threads);
  if (outboxes_.size() < max_threads) outboxes_.resize(max_threads);
  for (auto& list : changes_) list.clear();
  for (auto& list : outboxes_) list.clear();
  Tally t;
  ParallelErrors errors;  // the lists of changes grow
#pragma omp parallel reduction(+ : t)
  {
    const int threads = omp_get_num_threads(), me = omp_get_thread_num();
    const std::int64_t b0 = blocks * me / threads, b1 = blocks * (me + 1) / threads;
    std::vector<Change>& changes = changes_[static_cast<std::size_t>(me)];
    // Groups of four blocks are handed out as threads come free: cores of
    // a virtual machine run at different speeds (one 20% slower measured),
    // and equal shares left the faster one waiting. Efficacy is re-summed
    // per group while it is still in cache.
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t g = 0; g < groups; ++g) {
      const std::int64_t g0 = 4 * g, g1 = std::min(blocks, g0 + 4);
      errors.run([&] {
        for (std::int64_t b = g0; b < g1; ++b) citizen_block(ctx, b, t, changes);
      });
      sum_efficacy(g0, g1);
    }
    // Counts are owned by equal ranges of blocks, whoever found the changes.
    const std::int64_t lo = std::min(n, b0 * tally_block), hi = std::min(n, b1 * tally_block);
    errors.run([&] { apply_changes(lo, hi, me); });
#pragma omp barrier
    if (!errors.failed()) apply_inbox(lo, hi, me, threads);
  }
  errors.rethrow();
  tally_ += t;
  // Leaders for next week: those still leading, then the newly promoted.
  std::erase_if(leaders_, [this](NodeId v) { return state_[v] != leader; });
  const auto still_leading = static_cast<std::ptrdiff_t>(leaders_.size());
  for (const auto& list : changes_)
    for (const Change& c : list)
      if (c.after == leader) leaders_.push_back(c.v);
  // In id order, as threads found them in any order.
  std::sort(leaders_.begin() + still_leading, leaders_.end());
}

// Citizens of block b, cut into runs of one neighbourhood: each deciding
// this week (weekly schedule), or those whose turn it is (next_event.cpp).
void Organising::citizen_block(const StepContext& ctx, std::int64_t b, Tally& t, std::vector<Change>& changes) {
  const Population& pop = world_.population;
  const auto n = static_cast<std::int64_t>(world_.graph.nodes());
  const std::int64_t begin = b * tally_block, end = std::min(n, begin + tally_block);
  bool efficacy_changed = false;
  for (std::int64_t a = begin, h = pop.neighbourhood[static_cast<std::size_t>(begin)]; a < end; ++h) {
    const std::int64_t e = std::min(end, static_cast<std::int64_t>(pop.neighbourhood_start[h + 1]));
    if (e <= a) continue;  // an empty neighbourhood
    const auto hood = static_cast<std::uint32_t>(h);
    efficacy_changed |=
        rates_.next_event ? event_segment(ctx, hood, a, e, t, changes) : weekly_segment(ctx, hood, a, e, t, changes);
    a = e;
  }
  if (efficacy_changed) efficacy_dirty_[static_cast<std::size_t>(b)] = 1;
}

// Citizens [a, e) of neighbourhood h, each deciding this week, in batches of
// draw_batch (their join / stay draws). Returns whether some efficacy changed.
bool Organising::weekly_segment(const StepContext& ctx, std::uint32_t h, std::int64_t a, std::int64_t e, Tally& t,
                                std::vector<Change>& changes) {
  alignas(64) std::uint32_t purpose[draw_batch];
  alignas(64) double draw[draw_batch];
  bool efficacy_changed = false;
  for (std::int64_t first = a; first < e; first += static_cast<std::int64_t>(draw_batch)) {
    const auto count = std::min<std::int64_t>(static_cast<std::int64_t>(draw_batch), e - first);
    for (std::int64_t i = 0; i < count; ++i) purpose[i] = state_[first + i] == inactive ? draw_join : draw_stay;
    first_uniforms(ctx.seed, ctx.replicate, ctx.step, static_cast<std::uint32_t>(first), purpose,
                   static_cast<std::size_t>(count), draw);
    efficacy_changed |= citizen_run(ctx, h, first, first + count, draw, t, changes);
  }
  return efficacy_changed;
}

// Citizens [a, e) of neighbourhood h (at most draw_batch). Three stages, so
// that the common case has no branch on a random outcome: the rare events
// (one-to-ones, campaign outcomes); every citizen's chance of changing
// state, without branches; the decisions, where changes are rare. Returns
// whether some efficacy changed.
bool Organising::citizen_run(const StepContext& ctx, std::uint32_t h, std::int64_t a, std::int64_t e,
                             const double* draw, Tally& t, std::vector<Change>& changes) {
  const auto len = static_cast<int>(e - a);
  MetThisWeek met;
  bool met_ever = false;
  const bool efficacy_changed = rare_events(h, a, len, ctx.step, t, met, met_ever);
  alignas(64) double chance[draw_batch];
  chances_of_change(h, a, len, ctx.step, met, met_ever, chance);
  // Decisions, draw[i] being Stream(..., v, draw_join or draw_stay).uniform():
  // first for everyone without branches (weeks in, who changes, who may be
  // promoted), then the few who change.
  alignas(64) std::uint8_t verdict[draw_batch];
  if (decide(len, draw, chance, state_.data() + a, weeks_in_.data() + a, met_ever ? meetings_.data() + a : nullptr,
             rates_.leader_meetings_needed, rates_.leader_weeks_needed, verdict) != 0)
    change_states(ctx, h, a, len, verdict, t, changes);
  return efficacy_changed;
}

// The rare events of the week for citizens [a, a + len) of neighbourhood h,
// before anyone decides: one-to-ones and a campaign's outcome. Returns
// whether some efficacy changed; met_ever: whether an organiser has ever met
// someone in h.
bool Organising::rare_events(std::uint32_t h, std::int64_t a, int len, std::uint32_t step, Tally& t, MetThisWeek& met,
                             bool& met_ever) {
  t.reached += take_one_to_ones(h, a, len, step, met);
  const CampaignOutcome outcome = outcome_now_[h];
  apply_campaign_outcome(outcome, a, len);
  // Whoever set the flag for a citizen of this run was this thread.
  met_ever = std::atomic_ref<std::uint8_t>(hood_met_[h]).load(std::memory_order_relaxed) != 0;
  return met.any != 0 || outcome != CampaignOutcome::none;
}

// This week's one-to-ones, for citizens [a, a + len) of neighbourhood h:
// they raise efficacy; organisers' also count towards leadership and lower
// attrition for weeks after (leaders' do not, so leaders cannot breed
// leaders without organisers). Resets met_now_ and returns how many were
// reached for the first time.
std::int64_t Organising::take_one_to_ones(std::uint32_t h, std::int64_t a, int len, std::uint32_t step,
                                          MetThisWeek& met) {
  std::uint8_t* __restrict met_now = met_now_.data() + a;
  unsigned any = 0;  // a local: a byte store through met could alias it, which stops vectorising
  for (int i = 0; i < len; ++i) any |= met_now[i];
  met.any = any;
  if (any == 0) return 0;
  std::uint8_t* __restrict flags = flags_.data() + a;
  std::uint8_t* __restrict meetings = meetings_.data() + a;
  float* __restrict efficacy = efficacy_.data() + a;
  std::uint32_t* __restrict last_met = last_met_.data() + a;
  std::int64_t reached = 0;
  for (int i = 0; i < len; ++i) {
    const std::uint8_t met_bits = met_now[i];
    if (met_bits == 0) continue;
    met_now[i] = 0;
    const unsigned by_organisers = met_bits >> 4u;
    const unsigned one_to_ones = by_organisers + (met_bits & 15u);
    efficacy[i] = rules::efficacy_after_one_to_ones(efficacy[i], rates_.gain, one_to_ones);
    reached += !(flags[i] & reached_any);
    flags[i] |= reached_any;
    if (by_organisers > 0) {
      meetings[i] = static_cast<std::uint8_t>(std::min(255u, meetings[i] + by_organisers));
      last_met[i] = step;
      // A neighbourhood split between two threads may be flagged by both.
      std::atomic_ref<std::uint8_t>(hood_met_[h]).store(1, std::memory_order_relaxed);
    }
    met.index[met.n] = i;
    met.count[met.n++] = static_cast<std::uint8_t>(one_to_ones);
  }
  return reached;
}

// A campaign that ended this week moves the efficacy of all its residents.
void Organising::apply_campaign_outcome(CampaignOutcome outcome, std::int64_t a, int len) {
  float* __restrict efficacy = efficacy_.data() + a;
  if (outcome == CampaignOutcome::won)
    for (int i = 0; i < len; ++i) efficacy[i] = rules::efficacy_after_win(efficacy[i], rates_.win_gain);
  else if (outcome == CampaignOutcome::lost)
    for (int i = 0; i < len; ++i) efficacy[i] = rules::efficacy_after_loss(efficacy[i], rates_.loss);
}

// chance[i] of changing state: joining for the inactive, leaving for the
// others. Everyone as if not met this week (the kernels), then those met: a
// one-to-one may recruit the inactive and keeps the others in.
void Organising::chances_of_change(std::uint32_t h, std::int64_t a, int len, std::uint32_t step, const MetThisWeek& met,
                                   bool met_ever, double* chance) const {
  const Group* group = world_.population.group.data() + a;
  const std::uint8_t* state = state_.data() + a;
  const std::uint8_t campaign = campaign_group_[h];
  const double spontaneous = spontaneous_[h];
  const CitizenArrays arrays{state,
                             world_.graph.offsets.data() + a,
                             high_degree_[h] ? nullptr : degree_.data() + a,
                             active_contacts_.data() + a,
                             hood_leader_contacts_[h] != 0 ? leader_contacts_.data() + a : nullptr,
                             efficacy_.data() + a,
                             group,
                             met_ever ? last_met_.data() + a : nullptr,
                             rates_.weighted ? weighted_degree_.data() + a : nullptr};
  const ChanceRates rates{rates_.leader_weight - 1,
                          rates_.influence,
                          rates_.mobilisation,
                          rates_.dropout,
                          rates_.reinforcement,
                          rates_.leader_dropout,
                          rates_.after_meeting,
                          rates_.memory,
                          step,
                          rates_.complex,
                          rates_.threshold,
                          rates_.steepness,
                          rates_.at_zero,
                          rates_.unit,
                          pull_by_count_.data(),
                          whole_leader_extra(rates_.leader_weight - 1)};
  change_chances(arrays, len, campaign, typical_efficacy_[h], spontaneous, rates, chance);
  for (int j = 0; j < met.n; ++j) {
    const int i = met.index[j];
    const auto v = static_cast<std::uint64_t>(a + i);
    if (state[i] != inactive) {
      chance[i] = 0.0;
      continue;
    }
    const double g = efficacy_factor(v);
    const bool affected = campaign != no_campaign && campaign == static_cast<std::uint8_t>(group[i]);
    const double own = rules::own_joining_chance(g, spontaneous, rates_.influence, social_pull(v),
                                                 affected ? rates_.mobilisation : 0.0);
    chance[i] = rules::joining_chance(own, rules::recruitment_chance(rates_.recruit, g, met.count[j]));
  }
}

// The few whose verdict says they change state or may be promoted: joining
// (mobilised if within the memory of a one-to-one or in a campaign on their
// issue), leaving, or becoming a leader.
void Organising::change_states(const StepContext& ctx, std::uint32_t h, std::int64_t a, int len,
                               const std::uint8_t* verdict, Tally& t, std::vector<Change>& changes) {
  const Group* group = world_.population.group.data() + a;
  std::uint8_t* __restrict state = state_.data() + a;
  std::uint8_t* __restrict flags = flags_.data() + a;
  const std::uint32_t* last_met = last_met_.data() + a;
  const std::uint8_t campaign = campaign_group_[h];
  for (int i = 0; i < len; ++i) {
    if (verdict[i] == 0) [[likely]]
      continue;
    const std::int64_t v = a + i;
    const std::uint8_t before = state[i];
    std::uint8_t s = before;
    if (verdict[i] & changes_state) {
      if (s == inactive) {
        s = participant;
        const bool affected = campaign != no_campaign && campaign == static_cast<std::uint8_t>(group[i]);
        if (affected || rules::met_recently(ctx.step, last_met[i], never_met, rates_.memory)) {
          t.mobilised_n += !(flags[i] & mobilised);
          flags[i] |= mobilised;
        }
      } else {
        s = inactive;
      }
    } else if (Stream(ctx.seed, ctx.replicate, ctx.step, static_cast<std::uint32_t>(v), draw_promote)
                   .bernoulli(promotion_chance_.empty() ? rates_.leader_chance : promotion_chance_[h])) {
      s = leader;
    }
    if (s == before) continue;
    state[i] = s;
    changes.push_back({static_cast<NodeId>(v), before, s});
    const std::int64_t d_active = (s != inactive) - (before != inactive);
    t.active += d_active;
    t.leaders += (s == leader) - (before == leader);
    t.q_active[hood_quintile_[h] - 1] += d_active;
    t.g_active[static_cast<int>(group[i])] += d_active;
  }
}

// Leaders' limited span (leaders.per_organiser): a neighbourhood sustains a
// leadership team of that many per organiser who has worked there, so the
// leaders organisers develop cannot grow without bound while organising goes
// on (docs/models/organising.md, "Long-run behaviour"). The promotion chance
// is thinned so that the expected promotions fill at most the open places,
// from counts at the start of the week (the same for any thread count).
void Organising::limit_promotions() {
  const Population& pop = world_.population;
  const auto hoods = static_cast<std::int64_t>(pop.neighbourhoods());
  promotion_chance_.resize(static_cast<std::size_t>(hoods));
#pragma omp parallel for schedule(dynamic, 16) if (hoods > 256)
  for (std::int64_t h = 0; h < hoods; ++h) {
    const auto team = static_cast<std::int64_t>(rates_.leaders_per_organiser) *
                      static_cast<std::int64_t>(placement_.based(static_cast<std::uint32_t>(h)));
    // Where no organiser has worked there are no places to fill, whatever
    // the counts: skipping the count keeps this pass off most residents.
    if (team == 0) {
      promotion_chance_[static_cast<std::size_t>(h)] = 0.0;
      continue;
    }
    const std::uint64_t a = pop.neighbourhood_start[h];
    const auto [leading, eligible] = rates_.next_event
                                         ? count_leaders_in(static_cast<std::uint32_t>(h), current_step_)
                                         : count_leaders(static_cast<std::int64_t>(pop.neighbourhood_start[h + 1] - a),
                                                         state_.data() + a, meetings_.data() + a, weeks_in_.data() + a,
                                                         rates_.leader_meetings_needed, rates_.leader_weeks_needed);
    const double open = static_cast<double>(std::max<std::int64_t>(0, team - leading));
    promotion_chance_[static_cast<std::size_t>(h)] =
        std::min(rates_.leader_chance, open / static_cast<double>(std::max<std::int64_t>(1, eligible)));
  }
}

}  // namespace gs::organising
