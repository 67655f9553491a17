// One-to-ones: organisers meet residents of their neighbourhood (outreach to
// the inactive, development of those taking part), leaders meet their
// contacts, and developed leaders may be recruited as volunteer organisers.
// Meetings are recorded in met_now_; their effects (efficacy, recruitment,
// attrition) are applied by the pass over citizens (citizens.cpp).
#include <algorithm>
#include <atomic>
#include <cmath>

#include "models/organising/model.hpp"
#include "models/organising/rules.hpp"

namespace gs::organising {
namespace {

// A whole number of meetings with mean `rate`: its integer part, plus one
// with the chance of its fractional part.
std::uint32_t how_many(Stream& rng, double rate) {
  const double whole = std::floor(rate);
  return static_cast<std::uint32_t>(whole) + (rng.bernoulli(rate - whole) ? 1u : 0u);
}

}  // namespace

// met_now_ counts this week's one-to-ones: organisers' in the high four
// bits, leaders' in the low four, each saturating at 15.
void Organising::meet(std::uint64_t v, bool by_organiser) {
  std::atomic_ref<std::uint8_t> slot(met_now_[v]);
  std::uint8_t seen = slot.load(std::memory_order_relaxed);
  for (;;) {
    const unsigned part = by_organiser ? seen >> 4 : seen & 15u;
    if (part == 15) return;
    const auto next = static_cast<std::uint8_t>(seen + (by_organiser ? 16 : 1));
    if (slot.compare_exchange_weak(seen, next, std::memory_order_relaxed)) return;
  }
}

void Organising::place_organisers(const StepContext& ctx) {
  roster_.clear();
  placement_.reset(ctx.seed, ctx.replicate);
  for (const CohortPlan& c : plans_) {
    for (std::int64_t i = 0; i < c.count; ++i) {
      const auto o = static_cast<std::uint32_t>(roster_.size());
      roster_.add(placement_.place(o), c);
    }
  }
  roster_.from_cohorts = roster_.size();
}

// With organisers.neighbourhood_capacity: the share of their rate that
// each neighbourhood's organisers hold this week, from the demand of those
// in post at the start of the week (summed in organiser order).
void Organising::competition_factors(std::uint32_t step) {
  if (hood_factor_.empty()) return;
  std::fill(hood_demand_.begin(), hood_demand_.end(), 0.0);
  for (std::size_t o = 0; o < roster_.size(); ++o) {
    const double capacity = roster_.capacity(o, step);
    if (capacity > 0) hood_demand_[roster_.home[o]] += roster_.rate[o] * capacity;
  }
  const Population& pop = world_.population;
  for (std::size_t h = 0; h < hood_demand_.size(); ++h) {
    const auto residents = static_cast<double>(pop.neighbourhood_start[h + 1] - pop.neighbourhood_start[h]);
    hood_factor_[h] =
        hood_demand_[h] > 0 ? rules::shared_capacity_factor(rates_.hood_capacity * residents, hood_demand_[h]) : 1.0;
  }
}

// Organisers pick residents from the state at the start of the step, so the
// order in which organisers act does not matter. A development meeting with
// a leader may recruit them as a volunteer organiser (an intent, applied in
// organiser order afterwards).
std::int64_t Organising::organisers_meet(const StepContext& ctx) {
  std::int64_t held = 0, working = 0, volunteers = 0, trained = 0, started = 0, new_listened = 0, new_paid = 0;
  const auto count = static_cast<std::int64_t>(roster_.size());
  const auto from_cohorts = static_cast<std::int64_t>(roster_.from_cohorts);
  competition_factors(ctx.step);
#pragma omp parallel for schedule(dynamic, 8) \
    reduction(+ : held, working, volunteers, trained, started, new_listened, new_paid) if (count > 64)
  for (std::int64_t o = 0; o < count; ++o) {
    roster_.pending[o] = none;
    if (o < from_cohorts && ctx.step == roster_.start[o] + 1) ++started;
    const double capacity = ctx.step > rates_.stop_after ? 0.0 : roster_.capacity(o, ctx.step);
    if (capacity <= 0) continue;
    Stream quit(ctx.seed, ctx.replicate, ctx.step, static_cast<std::uint32_t>(o), organiser_quits);
    if (quit.bernoulli(roster_.quit_hazard[o])) {
      roster_.gone[o] = 1;
      continue;
    }
    ++working;
    volunteers += roster_.volunteer[o];
    // Trained: through the ramp-up, or through the whole term if it has one.
    if (o < from_cohorts && (roster_.end[o] == UINT32_MAX ? ctx.step - roster_.start[o] == roster_.ramp[o] + 1
                                                          : ctx.step == roster_.end[o]))
      ++trained;
    const double shared = hood_factor_.empty() ? capacity : capacity * hood_factor_[roster_.home[o]];
    held += organiser_one_to_ones(ctx, static_cast<std::size_t>(o), shared, new_listened, new_paid);
  }
  organisers_working_ = working;
  volunteers_working_ = volunteers;
  tally_.listened_n += new_listened;
  tally_.paid += new_paid;
  trained_ += trained;
  started_ += started;
  return held;
}

// Organiser o's one-to-ones this week at `capacity` of full rate; counts
// those who listened to an organiser (a paid one) for the first time.
std::int64_t Organising::organiser_one_to_ones(const StepContext& ctx, std::size_t o, double capacity,
                                               std::int64_t& new_listened, std::int64_t& new_paid) {
  const Population& pop = world_.population;
  Stream rng(ctx.seed, ctx.replicate, ctx.step, static_cast<std::uint32_t>(o), organiser_meetings);
  const std::uint32_t h = roster_.home[o];
  const std::uint64_t first = pop.neighbourhood_start[h], size = pop.neighbourhood_start[h + 1] - first;
  const bool recruiting = roster_.to_recruit[o] > 0 && rates_.volunteer_recruit_chance > 0;
  std::uint32_t* circle = &roster_.circle[o * Roster::circle_size];
  std::int64_t held = 0;
  for (std::uint32_t m = how_many(rng, roster_.rate[o] * capacity); m > 0; --m) {
    const bool develop = rng.bernoulli(rates_.development_share);
    const std::uint64_t chosen =
        develop ? choose_to_develop(rng, circle, first, size) : choose_for_outreach(rng, circle, first, size);
    if (chosen == UINT64_MAX) continue;
    meet(chosen, true);
    // Flags are only ever set, so the tally counts each the first time.
    const std::uint8_t bits = roster_.volunteer[o] ? listened : listened | listened_paid;
    const std::uint8_t had = std::atomic_ref<std::uint8_t>(flags_[chosen]).fetch_or(bits, std::memory_order_relaxed);
    new_listened += !(had & listened);
    new_paid += (bits & listened_paid) && !(had & listened_paid);
    ++held;
    // A developed person with enough one-to-ones may become a volunteer organiser.
    if (develop && recruiting && roster_.pending[o] == none &&
        meetings_[chosen] + 1u >= rates_.volunteer_min_meetings &&
        !(std::atomic_ref<std::uint8_t>(flags_[chosen]).load(std::memory_order_relaxed) & is_organiser) &&
        rng.bernoulli(rates_.volunteer_recruit_chance))
      roster_.pending[o] = static_cast<std::uint32_t>(chosen);
  }
  return held;
}

// Development: someone from the circle who still takes part, else a
// participant found by asking around; UINT64_MAX if nobody is found.
std::uint64_t Organising::choose_to_develop(Stream& rng, const std::uint32_t* circle, std::uint64_t first,
                                            std::uint64_t size) const {
  std::uint64_t chosen = UINT64_MAX;
  std::uint32_t in_circle = 0;
  for (std::size_t i = 0; i < Roster::circle_size; ++i) in_circle += circle[i] != none && state_[circle[i]] != inactive;
  if (in_circle > 0) {
    auto pick = rng.below(in_circle);
    for (std::size_t i = 0; i < Roster::circle_size && chosen == UINT64_MAX; ++i)
      if (circle[i] != none && state_[circle[i]] != inactive && pick-- == 0) chosen = circle[i];
  }
  for (int t = 0; t < rates_.search_tries && chosen == UINT64_MAX; ++t) {
    const std::uint64_t v = first + rng.below(size);
    if (state_[v] != inactive) chosen = v;
  }
  return chosen;
}

// Outreach: inactive people with participating contacts first, else any
// inactive person found; whoever is met joins the circle, in a free slot or
// one whose person dropped out. UINT64_MAX if nobody is found.
std::uint64_t Organising::choose_for_outreach(Stream& rng, std::uint32_t* circle, std::uint64_t first,
                                              std::uint64_t size) {
  std::uint64_t chosen = UINT64_MAX, fallback = UINT64_MAX;
  for (int t = 0; t < rates_.search_tries && chosen == UINT64_MAX; ++t) {
    const std::uint64_t v = first + rng.below(size);
    if (state_[v] != inactive) continue;
    if (active_contacts_[v] > 0)
      chosen = v;
    else if (fallback == UINT64_MAX)
      fallback = v;
  }
  if (chosen == UINT64_MAX) chosen = fallback;
  if (chosen != UINT64_MAX)
    for (std::size_t i = 0; i < Roster::circle_size; ++i)
      if (circle[i] == none || state_[circle[i]] == inactive) {
        circle[i] = static_cast<std::uint32_t>(chosen);
        break;
      }
  return chosen;
}

// Serial, in organiser order: two organisers may pick the same leader.
void Organising::recruit_volunteer_organisers() {
  const std::size_t count = roster_.size();
  for (std::size_t o = 0; o < count; ++o) {
    const std::uint32_t v = roster_.pending[o];
    if (v == none || (flags_[v] & is_organiser)) continue;
    flags_[v] |= is_organiser;
    --roster_.to_recruit[o];
    for (std::size_t i = 0; i < Roster::circle_size; ++i)
      if (roster_.circle[o * Roster::circle_size + i] == v) roster_.circle[o * Roster::circle_size + i] = none;
    // They start work next week, in their own neighbourhood.
    CohortPlan kind = recruited_kind_;
    kind.start = current_step_;
    const std::uint32_t h = world_.population.neighbourhood[v];
    placement_.add_recruit(h);
    roster_.add(h, kind);
    ++volunteers_recruited_;
  }
}

// Leaders as listed after the last pass over citizens (the state at the
// start of this step); each leader's draws are their own and meet() adds
// commutatively, so the order does not matter.
std::int64_t Organising::leaders_meet(const StepContext& ctx) {
  if (rates_.leader_rate <= 0) return 0;
  std::int64_t held = 0;
  const auto count = static_cast<std::int64_t>(leaders_.size());
#pragma omp parallel for schedule(static, 64) reduction(+ : held) if (count > 512)
  for (std::int64_t l = 0; l < count; ++l) {
    const NodeId v = leaders_[static_cast<std::size_t>(l)];
    const auto contacts = world_.graph.neighbours(v);
    if (contacts.empty()) continue;
    Stream rng(ctx.seed, ctx.replicate, ctx.step, v, leader_meetings);
    for (std::uint32_t m = how_many(rng, rates_.leader_rate); m > 0; --m) {
      const NodeId u = contacts[rng.below(contacts.size())];
      if (state_[u] == leader) continue;
      meet(u, false);
      ++held;
    }
  }
  return held;
}

}  // namespace gs::organising
