// Next-event scheduling (model.schedule: next_event). Under the weekly
// schedule every citizen draws a uniform every week and compares it with that
// week's chance of changing state. But in any week nearly everyone keeps
// their state, and most people's chance moves only with their contacts'
// counts, within a bound whatever those counts (chance_bound: the social
// pull lies between 0 and 1). So each citizen draws the weeks of candidate
// changes at the bound's rate, a geometric number of weeks apart
// (geometric_failures), and a candidate becomes a change with chance (this
// week's chance) / bound: thinning (Lewis & Shedler 1979), which gives each
// week's change exactly that week's chance however the counts moved in
// between, so nothing is redrawn when a contact joins or leaves.
//
// Some citizens decide every week as under the weekly schedule, because
// their chance leaves the bound or they may be promoted (a weekly draw):
// those met this week, participants with enough one-to-ones to be promoted,
// and a whole neighbourhood in the week a campaign starts or ends there
// (mobilisation, efficacy). Each draws a fresh candidate afterwards, from a
// bound that fits their new state. A week then costs its candidates (about
// bound x citizens: 0.5% a week at the defaults) and a scan of a few bytes
// per citizen, instead of every citizen's chance and draw.
//
// The same process as the weekly schedule's, with other random numbers:
// tests/test_organising_schedule.cpp compares the two in distribution.
// docs/models/organising.md, "Scheduling".
#include <algorithm>

#include "models/organising/batch_draws.hpp"
#include "models/organising/model.hpp"
#include "models/organising/rules.hpp"
#include "sim/core/random.hpp"

namespace gs::organising {

namespace {
// Weeks are kept modulo 2^16: a change further off than this is redrawn then.
constexpr std::uint64_t farthest_week = 65535;
// Bits of whose_turn's turn: a candidate this week; a weekly decider.
constexpr std::uint8_t candidate = 1, weekly = 2;
}  // namespace

// A participant's weeks in at the end of `last_week`, from the week they
// joined (weeks_in_ under schedule next_event); 0 for the inactive.
inline std::uint16_t weeks_in_since(std::uint8_t state, std::uint16_t joined, std::uint32_t last_week) {
  return state == inactive ? std::uint16_t{0} : static_cast<std::uint16_t>(last_week - joined);
}

// After initialise(): every citizen's first candidate drawn (the first
// uniform of their draw_next_event stream, made in batches), weeks in turned
// into the week joined.
void Organising::start_schedule(const StepContext& ctx) {
  if (!rates_.next_event) return;
  const Population& pop = world_.population;
  const auto n = static_cast<std::int64_t>(world_.graph.nodes());
  next_week_.resize(static_cast<std::size_t>(n));
  const auto batches = (n + static_cast<std::int64_t>(draw_batch) - 1) / static_cast<std::int64_t>(draw_batch);
#pragma omp parallel for schedule(static, 16)
  for (std::int64_t b = 0; b < batches; ++b) {
    const std::int64_t first = b * static_cast<std::int64_t>(draw_batch);
    const auto count =
        static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(draw_batch), n - first));
    alignas(64) std::uint32_t purpose[draw_batch];
    alignas(64) double uniform[draw_batch];
    std::fill(purpose, purpose + count, static_cast<std::uint32_t>(draw_next_event));
    first_uniforms(ctx.seed, ctx.replicate, ctx.step, static_cast<std::uint32_t>(first), purpose, count, uniform);
    for (std::size_t i = 0; i < count; ++i) {
      const auto v = static_cast<std::uint64_t>(first) + i;
      weeks_in_[v] = weeks_in_since(state_[v], weeks_in_[v], ctx.step);  // joined weeks_in_ weeks before now
      schedule_candidate(ctx.step + 1, v, chance_bound(pop.neighbourhood[v], v), uniform[i]);
    }
  }
}

// Whether a campaign started or ended in h this week: every resident's
// chance jumps (mobilisation for the group concerned, efficacy for all).
bool Organising::campaign_moved(std::uint32_t h, std::uint32_t step) const {
  return outcome_now_[h] != CampaignOutcome::none ||
         (campaign_group_[h] != no_campaign && campaign_end_[h] == step + rates_.campaign_steps);
}

// The largest chance of changing state v can have until they are met, a
// campaign starts or ends in their neighbourhood or they change state,
// whatever their contacts do: the rules at a social pull of 0 and of 1 (a
// one-to-one's memory only lowers drop-out).
double Organising::chance_bound(std::uint32_t h, std::uint64_t v) const {
  if (state_[v] == inactive) {
    const double g = rules::efficacy_factor(efficacy_[v], typical_efficacy_[h]);
    const bool affected = campaign_group_[h] != no_campaign &&
                          campaign_group_[h] == static_cast<std::uint8_t>(world_.population.group[v]);
    const double mobilisation = affected ? rates_.mobilisation : 0.0;
    return std::max(rules::own_joining_chance(g, spontaneous_[h], rates_.influence, 0.0, mobilisation),
                    rules::own_joining_chance(g, spontaneous_[h], rates_.influence, 1.0, mobilisation));
  }
  const bool is_leader = state_[v] == leader;
  return std::max(rules::dropout_hazard(rates_.dropout, rates_.reinforcement, 0.0, is_leader, rates_.leader_dropout,
                                        false, rates_.after_meeting),
                  rules::dropout_hazard(rates_.dropout, rates_.reinforcement, 1.0, is_leader, rates_.leader_dropout,
                                        false, rates_.after_meeting));
}

// v's next candidate: week `from` plus a geometric number of weeks at
// `bound`, from the uniform u. Beyond the weeks next_week_ can name, a
// fresh draw then instead.
void Organising::schedule_candidate(std::uint32_t from, std::uint64_t v, double bound, double u) {
  const std::uint64_t wait = geometric_failures(u, bound, farthest_week);
  next_week_[v] = static_cast<std::uint16_t>(from + wait);
  if (wait == farthest_week)
    flags_[v] |= redraw;
  else
    flags_[v] &= static_cast<std::uint8_t>(~redraw);
}

// Citizens [a, e) of neighbourhood h, in runs of up to draw_batch.
bool Organising::event_segment(const StepContext& ctx, std::uint32_t h, std::int64_t a, std::int64_t e, Tally& t,
                               std::vector<Change>& changes) {
  const bool everyone = campaign_moved(h, ctx.step);
  bool efficacy_changed = false;
  for (std::int64_t first = a; first < e; first += static_cast<std::int64_t>(draw_batch)) {
    const int len = static_cast<int>(std::min<std::int64_t>(static_cast<std::int64_t>(draw_batch), e - first));
    efficacy_changed |= event_run(ctx, h, first, len, everyone, t, changes);
  }
  return efficacy_changed;
}

// Who decides this week among citizens [a, a + len): turn[i] has `candidate`
// if their candidate falls this week, `weekly` if they decide as under the
// weekly schedule (met this week, on the way to leading, or everyone);
// who[0..n) lists them in order. Returns n.
int Organising::whose_turn(std::uint32_t step, std::int64_t a, int len, const MetThisWeek& met, bool met_ever,
                           bool everyone, std::uint8_t* turn, int* who) const {
  const auto week = static_cast<std::uint16_t>(step);
  const std::uint16_t* __restrict next = next_week_.data() + a;
  const std::uint8_t* __restrict state = state_.data() + a;
  const std::uint8_t* __restrict meetings = meetings_.data() + a;
  const std::uint8_t min_meetings = rates_.leader_meetings_needed;
  int n = 0;
  // Leaders meet contacts in neighbourhoods no organiser has met (met_ever
  // false): those met decide weekly all the same.
  if (!met_ever && !everyone && met.n == 0) {
    // Most weeks about one citizen in 200 has a turn: look closer only at
    // groups of 16 where someone has.
    for (int g = 0; g < len; g += 16) {
      const int end = std::min(len, g + 16);
      unsigned any = 0;
      for (int i = g; i < end; ++i) any |= next[i] == week;
      if (any == 0) continue;
      for (int i = g; i < end; ++i) {
        turn[i] = candidate;
        who[n] = i;
        n += next[i] == week;
      }
    }
    return n;
  }
  for (int i = 0; i < len; ++i) {
    const bool on_track = met_ever & (state[i] == participant) & (meetings[i] >= min_meetings);
    turn[i] = static_cast<std::uint8_t>((next[i] == week ? candidate : 0) | (on_track | everyone ? weekly : 0));
  }
  for (int j = 0; j < met.n; ++j) turn[met.index[j]] |= weekly;
  for (int i = 0; i < len; ++i) {
    who[n] = i;
    n += turn[i] != 0;
  }
  return n;
}

// Citizens [a, a + len) of neighbourhood h: this week's one-to-ones and
// campaign outcome, as under the weekly schedule; then those whose turn it
// is decide, each with one stream keyed (seed, replicate, step, citizen,
// draw_next_event): the weekly deciders against their chance, the
// candidates against chance / bound; decide() and change_states() as under
// the weekly schedule; then each draws their next candidate. Returns
// whether some efficacy changed.
bool Organising::event_run(const StepContext& ctx, std::uint32_t h, std::int64_t a, int len, bool everyone, Tally& t,
                           std::vector<Change>& changes) {
  MetThisWeek met;
  bool met_ever = false;
  const bool efficacy_changed = rare_events(h, a, len, ctx.step, t, met, met_ever);

  alignas(64) std::uint8_t turn[draw_batch];
  int who[draw_batch];
  const int n = whose_turn(ctx.step, a, len, met, met_ever, everyone, turn, who);
  const auto week = static_cast<std::uint16_t>(ctx.step);
  const std::uint8_t min_meetings = rates_.leader_meetings_needed;
  if (n == 0) return efficacy_changed;
  // Those with a turn are scattered: fetch their lines of each array at
  // once, so that the misses overlap rather than follow one another.
  for (int j = 0; j < n; ++j) {
    const std::int64_t v = a + who[j];
    __builtin_prefetch(&state_[v]);
    __builtin_prefetch(&meetings_[v]);
    __builtin_prefetch(&weeks_in_[v]);
    __builtin_prefetch(&efficacy_[v]);
    __builtin_prefetch(&active_contacts_[v]);
    __builtin_prefetch(&degree_[v]);
    __builtin_prefetch(&flags_[v]);
    __builtin_prefetch(&world_.population.group[v]);
  }

  // Chances as under the weekly schedule: for the whole run when many
  // decide, else one by one (those met this week with their one-to-ones).
  alignas(64) double chance[draw_batch];
  const bool whole_run = n > 16;
  if (whole_run) chances_of_change(h, a, len, ctx.step, met, met_ever, chance);
  alignas(64) std::uint8_t met_count[draw_batch];
  if (!whole_run && met.n > 0) {
    std::fill(met_count, met_count + len, std::uint8_t{0});
    for (int j = 0; j < met.n; ++j) met_count[met.index[j]] = met.count[j];
  }

  // The draws, compacted for decide(): a candidate's uniform times its
  // bound, so that draw < chance accepts it with chance / bound.
  alignas(64) double draw[draw_batch];
  alignas(64) double chance_of[draw_batch];
  alignas(64) std::uint8_t state_of[draw_batch], meetings_of[draw_batch], verdict_of[draw_batch];
  alignas(64) std::uint16_t weeks_of[draw_batch];
  alignas(64) double next_uniform[draw_batch], bound_of[draw_batch];
  int m = 0;
  for (int j = 0; j < n; ++j) {
    const int i = who[j];
    const auto v = static_cast<std::uint64_t>(a + i);
    Stream rng(ctx.seed, ctx.replicate, ctx.step, static_cast<std::uint32_t>(v), draw_next_event);
    double bound = 1.0;
    bound_of[m] = -1;  // to be found after the decision
    if (!(turn[i] & weekly)) {
      bound = bound_of[m] = chance_bound(h, v);
      if (flags_[v] & redraw) {  // no candidate for 65,535 weeks: a fresh one from now
        schedule_candidate(ctx.step, v, bound, rng.uniform());
        if (next_week_[v] != week) continue;
      }
    }
    if (!whole_run) {
      MetThisWeek one;
      one.n = met.n > 0 && met_count[i] > 0;
      one.any = static_cast<unsigned>(one.n);
      one.index[0] = 0;
      one.count[0] = met.n > 0 ? met_count[i] : std::uint8_t{0};
      chances_of_change(h, a + i, 1, ctx.step, one, met_ever, chance + i);
    }
    draw[m] = rng.uniform() * bound;
    next_uniform[m] = rng.uniform();
    chance_of[m] = chance[i];
    state_of[m] = state_[v];
    meetings_of[m] = meetings_[v];
    weeks_of[m] = weeks_in_since(state_[v], weeks_in_[v], ctx.step - 1);
    who[m++] = i;
  }
  if (m == 0) return efficacy_changed;
  decide(m, draw, chance_of, state_of, weeks_of, met_ever ? meetings_of : nullptr, min_meetings,
         rates_.leader_weeks_needed, verdict_of);
  for (int j = 0; j < m; ++j) {
    const std::int64_t v = a + who[j];
    // The week joined, from decide()'s count (0 for a change).
    weeks_in_[v] = static_cast<std::uint16_t>(ctx.step - weeks_of[j]);
    if (verdict_of[j] != 0) change_states(ctx, h, v, 1, verdict_of + j, t, changes);
    // Participants on the way to leading decide next week anyway.
    if (met_ever && state_[v] == participant && meetings_[v] >= min_meetings) continue;
    // A candidate who kept their state keeps their bound.
    const double bound =
        verdict_of[j] == 0 && bound_of[j] >= 0 ? bound_of[j] : chance_bound(h, static_cast<std::uint64_t>(v));
    schedule_candidate(ctx.step + 1, static_cast<std::uint64_t>(v), bound, next_uniform[j]);
  }
  return efficacy_changed;
}

// count_leaders for neighbourhood h at the start of week `step`, weeks in
// counted from the weeks joined.
LeaderCount Organising::count_leaders_in(std::uint32_t h, std::uint32_t step) const {
  const Population& pop = world_.population;
  const std::uint64_t a = pop.neighbourhood_start[h];
  const auto len = static_cast<std::int64_t>(pop.neighbourhood_start[h + 1] - a);
  thread_local std::vector<std::uint16_t> weeks;
  weeks.resize(static_cast<std::size_t>(len));
  for (std::int64_t i = 0; i < len; ++i)
    weeks[static_cast<std::size_t>(i)] = weeks_in_since(state_[a + i], weeks_in_[a + i], step - 1);
  return count_leaders(len, state_.data() + a, meetings_.data() + a, weeks.data(), rates_.leader_meetings_needed,
                       rates_.leader_weeks_needed);
}

}  // namespace gs::organising
