// Community organising. Citizens are inactive, participants or leaders, with
// an efficacy in [0, 1]: their belief that acting together changes things.
// Organisers (paid or volunteer, in cohorts) hold one-to-one meetings in their
// neighbourhood, following relationships; meetings raise efficacy, recruit and
// keep people in; participation spreads through contacts and fades without
// them; people met repeatedly become leaders, who hold one-to-ones of their
// own and may be recruited as volunteer organisers; neighbourhoods with enough
// participation run campaigns whose wins and losses move everyone's efficacy.
// Defaults, sources and the order of events: docs/models/organising.md (ODD).
#include <algorithm>
#include <atomic>
#include <cmath>

#include <omp.h>

#include "models/organising/batch_draws.hpp"
#include "models/organising/parameters.hpp"
#include "models/organising/roster.hpp"
#include "sim/engine/model.hpp"
#include "sim/engine/random.hpp"

namespace gs::organising {
namespace {

enum State : std::uint8_t { inactive = 0, participant = 1, leader = 2 };
// Random-number purposes. Citizens' decisions are keyed by citizen id, step
// and purpose only, so two scenarios that differ only in organisers draw the
// same numbers for the same decision (common random numbers).
enum : Purpose {
  draw_efficacy = 1,
  draw_initial,
  draw_join,
  draw_stay,
  draw_promote,
  organiser_meetings = 7,
  leader_meetings,
  organiser_quits,
  campaign_draws
};
// Bits of a citizen's flags.
enum : std::uint8_t { listened = 1, mobilised = 2, is_organiser = 4, listened_paid = 8, reached_any = 16 };
inline constexpr std::uint8_t no_campaign = 255;
inline constexpr std::uint32_t never_met = 0;

// Everything change_chances needs besides the citizens' own arrays.
struct ChanceRates {
  double leader_extra, influence, mobilisation, dropout, reinforcement, leader_dropout, after_meeting;
  std::uint32_t memory, step;
};
struct CitizenArrays {
  const std::uint8_t* state;
  const std::uint64_t* offsets;
  const std::uint8_t* degree;  // degrees below 255, or nullptr: take them from offsets
  const std::int32_t *active, *leaders;  // leaders nullptr: all 0
  const float* efficacy;
  const Group* group;
  const std::uint32_t* last_met;
};

// chance[i] that citizen i of one neighbourhood (arrays offset to its
// first) changes state: joins if inactive, leaves if not, as if nobody had
// been met this week. Each expression is the one-citizen-at-a-time formula
// in the same order, so every chance is bitwise the same; every operation is
// done for every citizen and the unwanted result dropped (a division by a
// zero degree included), so there is no branch to mispredict and the loop
// vectorises.
//
// Compiled for AVX-512 (with 512-bit vectors and mask registers: at GCC's
// default 256 bits, widening the byte-sized states into 64-bit blend masks
// took most of the time), AVX2 and the baseline, chosen at run time, with
// two options that change no value. No contraction into fused multiply-adds
// (AVX-512 implies FMA, which rounds once where the formula rounds twice).
// No trapping: otherwise GCC sinks a conversion or division used by one arm
// of a select into a branch, as it might trap, and does not vectorise; IEEE
// results are the same, only exception flags are not kept exact. The function
// attribute does not take these options, the pragma does (and std::min,
// compiled outside it, is not inlined here: hence the written-out minimums).
// clang (TSan and fuzz builds) takes the plain loop.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math", "fp-contract=off")
#define GROUNDSWELL_KERNEL inline __attribute__((always_inline))
#define GROUNDSWELL_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,prefer-vector-width=512")))
#define GROUNDSWELL_AVX2 __attribute__((target("avx2")))
#else
#define GROUNDSWELL_KERNEL inline
#endif
// Met: someone in the run was ever met by an organiser (else last_met and
// meetings are never_met and 0 throughout and are not read: less memory
// traffic, which bounds the pass at national scale).
// LeadersNear: someone in the run has a leader among their contacts (else
// leader_contacts is 0 throughout and is not read; the same expression is
// evaluated with a 0, so the result is the same).
template <bool Met, bool SmallDegrees, bool LeadersNear>
GROUNDSWELL_KERNEL void change_chances_kernel(const CitizenArrays& c, int len, std::uint8_t campaign, float typical,
                                              double spontaneous, const ChanceRates& r, double* __restrict chance) {
  const std::uint8_t* __restrict state = c.state;
  const std::uint64_t* __restrict offsets = c.offsets;
  const std::uint8_t* __restrict degree = c.degree;
  const std::int32_t* __restrict active = c.active;
  const std::int32_t* __restrict leaders = c.leaders;
  const float* __restrict efficacy = c.efficacy;
  const Group* __restrict group = c.group;
  const std::uint32_t* __restrict last_met = c.last_met;
  const double leader_extra = r.leader_extra, influence = r.influence, mobilisation = r.mobilisation;
  const double dropout = r.dropout, reinforcement = r.reinforcement, leader_dropout = r.leader_dropout;
  const double after_meeting = r.after_meeting;
  const std::uint32_t memory = r.memory, step = r.step;
  for (int i = 0; i < len; ++i) {
    // Degrees fit 31 bits; int32 converts to double in one instruction.
    std::int32_t k;
    if constexpr (SmallDegrees)
      k = degree[i];
    else
      k = static_cast<std::int32_t>(offsets[i + 1] - offsets[i]);
    std::int32_t leader_contacts = 0;
    if constexpr (LeadersNear) leader_contacts = leaders[i];
    const double weighted = active[i] + leader_extra * leader_contacts;
    const double ratio = weighted / static_cast<double>(k == 0 ? 1 : k);
    const double share_any = ratio < 1.0 ? ratio : 1.0;  // std::min(1.0, ratio)
    const double share = k == 0 ? 0.0 : share_any;
    const double g = efficacy[i] / typical;
    const bool affected = campaign == static_cast<std::uint8_t>(group[i]);
    const double own_raw = g * (spontaneous + influence * share + (affected ? mobilisation : 0.0));
    const double own = own_raw < 1.0 ? own_raw : 1.0;
    const double join = 1.0 - (1.0 - own);
    const double hazard = dropout * (1.0 - reinforcement * share) * (state[i] == leader ? leader_dropout : 1.0);
    const double hazard_recent = hazard * after_meeting;
    bool recent = false;
    if constexpr (Met) {
      const std::uint32_t since = step - last_met[i];
      recent = (last_met[i] != never_met) & (since <= memory);
    }
    const double stay = recent ? hazard_recent : hazard;
    chance[i] = state[i] == inactive ? join : stay;
  }
}
template <bool Met, bool SmallDegrees>
GROUNDSWELL_KERNEL void change_chances_leaders(const CitizenArrays& c, int len, std::uint8_t campaign, float typical,
                                               double spontaneous, const ChanceRates& r, double* __restrict chance) {
  if (c.leaders)
    change_chances_kernel<Met, SmallDegrees, true>(c, len, campaign, typical, spontaneous, r, chance);
  else
    change_chances_kernel<Met, SmallDegrees, false>(c, len, campaign, typical, spontaneous, r, chance);
}

// The kernel specialised for what this run needs to read.
GROUNDSWELL_KERNEL void change_chances_variants(const CitizenArrays& c, int len, std::uint8_t campaign, float typical,
                                                double spontaneous, const ChanceRates& r, double* __restrict chance) {
  if (c.last_met) {
    if (c.degree)
      change_chances_leaders<true, true>(c, len, campaign, typical, spontaneous, r, chance);
    else
      change_chances_leaders<true, false>(c, len, campaign, typical, spontaneous, r, chance);
  } else {
    if (c.degree)
      change_chances_leaders<false, true>(c, len, campaign, typical, spontaneous, r, chance);
    else
      change_chances_leaders<false, false>(c, len, campaign, typical, spontaneous, r, chance);
  }
}

// Bits of decide()'s verdict per citizen.
inline constexpr std::uint8_t changes_state = 1, may_be_promoted = 2;

// The decisions that need no further draw, for everyone, without branches:
// who joins or leaves (draw below chance), weeks in (reset by a change,
// counted up while in, saturating), and who is eligible for promotion (in,
// staying, enough one-to-ones and weeks). Returns nonzero if anyone changes
// or is eligible, so that most runs need no second look.
template <bool Met>
GROUNDSWELL_KERNEL unsigned decide_kernel(int len, const double* __restrict draw, const double* __restrict chance,
                                          const std::uint8_t* __restrict state, std::uint16_t* __restrict weeks,
                                          const std::uint8_t* __restrict meetings, std::uint8_t min_meetings,
                                          std::uint16_t min_weeks, std::uint8_t* __restrict verdict) {
  unsigned any = 0;
  for (int i = 0; i < len; ++i) {
    const bool change = draw[i] < chance[i];
    const std::uint8_t s = state[i];
    const std::uint16_t w = weeks[i];
    const auto stay = static_cast<std::uint16_t>(w + ((s != inactive) & (w < 65535)));
    const std::uint16_t next = change ? std::uint16_t{0} : stay;
    weeks[i] = next;
    std::uint8_t met = 0;
    if constexpr (Met) met = meetings[i];
    const bool eligible = !change & (s == participant) & (met >= min_meetings) & (next >= min_weeks);
    const auto v = static_cast<std::uint8_t>((change ? changes_state : 0) | (eligible ? may_be_promoted : 0));
    verdict[i] = v;
    any |= v;
  }
  return any;
}
#if defined(__GNUC__) && !defined(__clang__)
GROUNDSWELL_AVX512 void change_chances_avx512(const CitizenArrays& c, int len, std::uint8_t campaign, float typical,
                                              double spontaneous, const ChanceRates& r, double* __restrict chance) {
  change_chances_variants(c, len, campaign, typical, spontaneous, r, chance);
}
GROUNDSWELL_AVX2 void change_chances_avx2(const CitizenArrays& c, int len, std::uint8_t campaign, float typical,
                                          double spontaneous, const ChanceRates& r, double* __restrict chance) {
  change_chances_variants(c, len, campaign, typical, spontaneous, r, chance);
}
void change_chances_baseline(const CitizenArrays& c, int len, std::uint8_t campaign, float typical, double spontaneous,
                             const ChanceRates& r, double* __restrict chance) {
  change_chances_variants(c, len, campaign, typical, spontaneous, r, chance);
}
GROUNDSWELL_AVX512 unsigned decide_avx512(int len, const double* draw, const double* chance, const std::uint8_t* state,
                                          std::uint16_t* weeks, const std::uint8_t* meetings, std::uint8_t min_meetings,
                                          std::uint16_t min_weeks, std::uint8_t* verdict) {
  return meetings ? decide_kernel<true>(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict)
                  : decide_kernel<false>(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict);
}
GROUNDSWELL_AVX2 unsigned decide_avx2(int len, const double* draw, const double* chance, const std::uint8_t* state,
                                      std::uint16_t* weeks, const std::uint8_t* meetings, std::uint8_t min_meetings,
                                      std::uint16_t min_weeks, std::uint8_t* verdict) {
  return meetings ? decide_kernel<true>(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict)
                  : decide_kernel<false>(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict);
}
unsigned decide_baseline(int len, const double* draw, const double* chance, const std::uint8_t* state,
                         std::uint16_t* weeks, const std::uint8_t* meetings, std::uint8_t min_meetings,
                         std::uint16_t min_weeks, std::uint8_t* verdict) {
  return meetings ? decide_kernel<true>(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict)
                  : decide_kernel<false>(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict);
}
#pragma GCC pop_options

// Which of the kernels above this CPU runs: 2 AVX-512, 1 AVX2, 0 neither.
int vector_level() {
  static const int level = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                                   __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")
                               ? 2
                           : __builtin_cpu_supports("avx2") ? 1
                                                            : 0;
  return level;
}
void change_chances(const CitizenArrays& c, int len, std::uint8_t campaign, float typical, double spontaneous,
                    const ChanceRates& r, double* __restrict chance) {
  switch (vector_level()) {
    case 2: return change_chances_avx512(c, len, campaign, typical, spontaneous, r, chance);
    case 1: return change_chances_avx2(c, len, campaign, typical, spontaneous, r, chance);
    default: return change_chances_baseline(c, len, campaign, typical, spontaneous, r, chance);
  }
}
unsigned decide(int len, const double* draw, const double* chance, const std::uint8_t* state, std::uint16_t* weeks,
                const std::uint8_t* meetings, std::uint8_t min_meetings, std::uint16_t min_weeks,
                std::uint8_t* verdict) {
  switch (vector_level()) {
    case 2: return decide_avx512(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict);
    case 1: return decide_avx2(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict);
    default: return decide_baseline(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict);
  }
}
#else
void change_chances(const CitizenArrays& c, int len, std::uint8_t campaign, float typical, double spontaneous,
                    const ChanceRates& r, double* __restrict chance) {
  change_chances_variants(c, len, campaign, typical, spontaneous, r, chance);
}
unsigned decide(int len, const double* draw, const double* chance, const std::uint8_t* state, std::uint16_t* weeks,
                const std::uint8_t* meetings, std::uint8_t min_meetings, std::uint16_t min_weeks,
                std::uint8_t* verdict) {
  return meetings ? decide_kernel<true>(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict)
                  : decide_kernel<false>(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict);
}
#endif

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Counts behind measure(), per citizen: kept up to date by the step's pass
// over citizens instead of a pass of measure()'s own.
struct Tally {
  std::int64_t active = 0, leaders = 0, reached = 0, listened_n = 0, paid = 0, mobilised_n = 0;
  std::int64_t q_active[5] = {0, 0, 0, 0, 0}, g_active[4] = {0, 0, 0, 0};
  void add(std::uint8_t state, std::uint8_t f, std::uint8_t quintile, Group g) {
    const bool in = state != inactive;
    active += in;
    leaders += state == leader;
    reached += (f & reached_any) != 0;
    listened_n += (f & listened) != 0;
    paid += (f & listened_paid) != 0;
    mobilised_n += (f & mobilised) != 0;
    q_active[quintile] += in;
    g_active[static_cast<int>(g)] += in;
  }
  Tally& operator+=(const Tally& o) {
    active += o.active;
    leaders += o.leaders;
    reached += o.reached;
    listened_n += o.listened_n;
    paid += o.paid;
    mobilised_n += o.mobilised_n;
    for (int q = 0; q < 5; ++q) q_active[q] += o.q_active[q];
    for (int g = 0; g < 4; ++g) g_active[g] += o.g_active[g];
    return *this;
  }
};
#pragma omp declare reduction(+ : Tally : omp_out += omp_in)

// A citizen whose state changed in a step.
struct Change {
  NodeId v;
  std::uint8_t before, after;
};

// One thread's list, on a cache line of its own: threads append to their
// lists side by side, and each append writes the vector's end pointer.
template <class T>
struct alignas(64) ThreadList : std::vector<T> {};

// A change to a count owned by another thread: a citizen's contact counts,
// or (hood) a neighbourhood's participants.
struct Push {
  std::uint32_t target;
  std::int8_t d_active, d_leader;
  bool hood;
};

// Citizens per block of the fused pass; must equal ordered_sum's block so that
// the efficacy total is bitwise what ordered_sum gives.
inline constexpr std::int64_t tally_block = 8192;

class Organising final : public Model {
 public:
  Organising(const ParamValues& p, const World& world)
      : world_(world), placement_(p, world.population, world.graph.nodes()), plans_(cohort_plans(p)) {
    baseline_ = p.real("baseline_participation");
    gap_ = p.real("deprivation_gap");
    efficacy_mean_ = p.real("efficacy.mean");
    efficacy_spread_ = p.real("efficacy.spread");
    efficacy_deprivation_ = p.real("efficacy.deprivation_effect");
    dropout_ = p.real("weekly_dropout");
    reinforcement_ = p.real("reinforcement");
    influence_ = p.real("social_influence");
    after_meeting_ = p.real("attrition.after_one_to_one");
    memory_ = static_cast<std::uint32_t>(p.integer("attrition.memory_steps"));
    development_share_ = p.real("organisers.development_share");
    search_tries_ = static_cast<int>(p.integer("organisers.search_tries"));
    cost_ = p.real("organisers.cost_per_organiser");
    recruited_kind_ = {0,
                       true,
                       p.real("kinds.volunteer.one_to_ones_per_step"),
                       0,
                       static_cast<std::uint32_t>(p.integer("kinds.volunteer.training_steps")),
                       0,
                       p.real("kinds.volunteer.turnover_per_year"),
                       p.integer("kinds.volunteer.volunteers_to_recruit")};
    multiply_ = p.real("multiplication.recruit_chance");
    multiply_meetings_ = static_cast<unsigned>(p.integer("multiplication.min_meetings"));
    gain_ = p.real("one_to_one.efficacy_gain");
    recruit_ = p.real("one_to_one.recruit_chance");
    leader_meetings_needed_ = static_cast<std::uint8_t>(p.integer("leaders.min_meetings"));
    leader_weeks_needed_ = static_cast<std::uint16_t>(std::min<std::int64_t>(p.integer("leaders.min_weeks"), 65535));
    leader_chance_ = p.real("leaders.chance");
    leader_rate_ = p.real("leaders.one_to_ones_per_step");
    leader_weight_ = p.real("leaders.influence_weight");
    leader_dropout_ = p.real("leaders.dropout_factor");
    campaigns_ = p.boolean("campaigns.enabled");
    campaign_threshold_ = p.real("campaigns.threshold");
    campaign_start_ = p.real("campaigns.start_chance");
    campaign_steps_ = static_cast<std::uint32_t>(p.integer("campaigns.steps"));
    campaign_rest_ = static_cast<std::uint32_t>(p.integer("campaigns.rest_steps"));
    opposition_ = p.real("campaigns.opposition");
    mobilisation_ = p.real("campaigns.mobilisation");
    win_gain_ = p.real("campaigns.win_efficacy_gain");
    loss_ = p.real("campaigns.loss_efficacy_loss");

    const std::size_t n = world.graph.nodes();
    state_.assign(n, inactive);
    efficacy_.assign(n, 0.0f);
    meetings_.assign(n, 0);
    met_now_.assign(n, 0);
    flags_.assign(n, 0);
    weeks_in_.assign(n, 0);
    last_met_.assign(n, never_met);
    active_contacts_.assign(n, 0);
    leader_contacts_.assign(n, 0);
    const std::size_t hoods = world.population.neighbourhoods();
    typical_efficacy_.assign(hoods, 0.5f);
    spontaneous_.assign(hoods, 0.0);
    hood_active_.assign(hoods, 0);
    campaign_group_.assign(hoods, no_campaign);
    campaign_end_.assign(hoods, 0);
    rest_until_.assign(hoods, 0);
    outcome_now_.assign(hoods, 0);
    hood_met_.assign(hoods, 0);
    hood_leader_contacts_.assign(hoods, 0);
    degree_.resize(n);
    high_degree_.assign(hoods, 0);
#pragma omp parallel for schedule(dynamic, 64)
    for (std::int64_t h = 0; h < static_cast<std::int64_t>(hoods); ++h)
      for (std::uint64_t v = world.population.neighbourhood_start[h]; v < world.population.neighbourhood_start[h + 1];
           ++v) {
        const std::uint32_t k = world.graph.degree(static_cast<NodeId>(v));
        degree_[v] = static_cast<std::uint8_t>(std::min<std::uint32_t>(k, 255));
        high_degree_[h] |= k >= 255;
      }
    // Quintile 0 = most deprived; sizes of quintiles and groups never change.
    hood_quintile_.resize(hoods);
    for (std::size_t h = 0; h < hoods; ++h) {
      hood_quintile_[h] =
          static_cast<std::uint8_t>(4 - world.population.deprivation_quintile(static_cast<std::uint32_t>(h)));
      q_size_[hood_quintile_[h]] += static_cast<std::int64_t>(world.population.neighbourhood_start[h + 1] -
                                                              world.population.neighbourhood_start[h]);
    }
    for (std::size_t v = 0; v < n; ++v) ++g_size_[static_cast<int>(world.population.group[v])];
    efficacy_partial_.assign(static_cast<std::size_t>((static_cast<std::int64_t>(n) + tally_block - 1) / tally_block),
                             0.0);
    efficacy_dirty_.assign(efficacy_partial_.size(), 1);
    std::int64_t planned = 0, recruits = 0;
    for (const CohortPlan& c : plans_) {
      planned += c.count;
      recruits += c.count * c.recruits;
    }
    // Recruited volunteers are appended during the run: reserve once so the
    // arrays never reallocate mid-run (recruits of recruits may exceed this).
    roster_.reserve(static_cast<std::size_t>(planned + std::min<std::int64_t>(recruits, static_cast<std::int64_t>(n))));
  }

  void initialise(const StepContext& ctx) override {
    const Population& pop = world_.population;
    const auto hoods = static_cast<std::int64_t>(pop.neighbourhoods());
#pragma omp parallel for schedule(dynamic, 16)
    for (std::int64_t h = 0; h < hoods; ++h) {
      const std::uint64_t first = pop.neighbourhood_start[h], last = pop.neighbourhood_start[h + 1];
      const double d = pop.deprivation[h];
      const double centre = std::log(efficacy_mean_ / (1 - efficacy_mean_)) - efficacy_deprivation_ * (d - 0.5);
      double sum = 0;
      for (std::uint64_t v = first; v < last; ++v) {
        Stream rng(ctx.seed, ctx.replicate, 0, static_cast<std::uint32_t>(v), draw_efficacy);
        efficacy_[v] = static_cast<float>(logistic(centre + efficacy_spread_ * rng.normal()));
        sum += efficacy_[v];
      }
      typical_efficacy_[h] = last > first ? static_cast<float>(sum / static_cast<double>(last - first)) : 0.5f;
      const double p0 = area_baseline(d);
      // Each person is a two-state chain: in with chance join / (join + out)
      // at equilibrium, join = g (a + influence s) and out = dropout (1 - r s),
      // g their efficacy factor and s the participating share of their k
      // contacts, about Binomial(k, p0) / k. Choose the spontaneous rate a so
      // that the area's mean is p0, on a sample of residents (bisection: the
      // mean rises with a).
      const std::uint64_t stride = std::max<std::uint64_t>(1, (last - first) / 64);
      // The binomial weights, shares and drop-out rates depend on the degree
      // only: tabulated once per degree in this neighbourhood, with the same
      // operations as when they were recomputed for every resident and every
      // step of the bisection (three divisions and a pow per term, then).
      std::vector<std::int64_t> table_at;  // by degree: start in the tables, -1 if not yet made
      std::vector<double> weights, shares, outs;
      auto table = [&](std::uint32_t k) {
        if (k >= table_at.size()) table_at.resize(static_cast<std::size_t>(k) + 1, -1);
        if (table_at[k] < 0) {
          table_at[k] = static_cast<std::int64_t>(weights.size());
          double term = std::pow(1 - p0, k);  // P(j = 0)
          for (std::uint32_t j = 0; j <= k; ++j) {
            const double share = k ? static_cast<double>(j) / k : 0.0;
            weights.push_back(term);
            shares.push_back(share);
            outs.push_back(dropout_ * (1 - reinforcement_ * share));
            if (j < k) term *= (p0 < 1 ? p0 / (1 - p0) : 0.0) * static_cast<double>(k - j) / (j + 1);
          }
        }
        return static_cast<std::size_t>(table_at[k]);
      };
      auto in_chance = [&](std::uint64_t v, double a) {
        const std::uint32_t k = world_.graph.degree(static_cast<NodeId>(v));
        const double g = efficacy_factor(v);
        const std::size_t t = table(k);
        double chance = 0;
        for (std::uint32_t j = 0; j <= k; ++j) {
          const double join = std::min(1.0, g * (a + influence_ * shares[t + j]));
          const double out = outs[t + j];
          chance += weights[t + j] * (join + out > 0 ? join / (join + out) : p0);
        }
        return chance;
      };
      auto mean_in = [&](double a) {
        double in = 0;
        std::uint64_t count = 0;
        for (std::uint64_t v = first; v < last; v += stride, ++count) in += in_chance(v, a);
        return count ? in / static_cast<double>(count) : 0.0;
      };
      double lo = 0, hi = 1;
      if (mean_in(0) >= p0) hi = 0;
      for (int i = 0; i < 24 && hi > 0; ++i) (mean_in(0.5 * (lo + hi)) < p0 ? lo : hi) = 0.5 * (lo + hi);
      spontaneous_[h] = hi;
      std::int32_t active = 0;
      for (std::uint64_t v = first; v < last; ++v) {
        Stream rng(ctx.seed, ctx.replicate, 0, static_cast<std::uint32_t>(v), draw_initial);
        const bool joins = rng.bernoulli(in_chance(v, spontaneous_[h]));
        state_[v] = joins ? participant : inactive;
        weeks_in_[v] = joins ? 52 : 0;
        active += joins;
      }
      hood_active_[h] = active;
      campaign_group_[h] = no_campaign;
      campaign_end_[h] = rest_until_[h] = 0;
      outcome_now_[h] = 0;
    }
    std::fill(meetings_.begin(), meetings_.end(), 0);
    std::fill(met_now_.begin(), met_now_.end(), 0);
    std::fill(flags_.begin(), flags_.end(), 0);
    std::fill(last_met_.begin(), last_met_.end(), never_met);
    std::fill(hood_met_.begin(), hood_met_.end(), 0);
    recount_contacts();
    list_leaders();
    place_organisers(ctx);
    meetings_held_ = 0;
    // At step 0 the organisers in post are those starting at once.
    organisers_working_ = volunteers_working_ = 0;
    for (std::size_t o = 0; o < roster_.size(); ++o)
      if (roster_.start[o] == 0) {
        ++organisers_working_;
        volunteers_working_ += roster_.volunteer[o];
      }
    volunteers_recruited_ = trained_ = started_ = 0;
    won_ = lost_ = 0;
    tally_all();
  }

  // Small loops (campaigns over few neighbourhoods, few organisers or
  // leaders) stay on one thread: each parallel region costs a barrier, which
  // is dear when the machine is shared.
  // met_now_ is all zero here: update_citizens resets it as it reads it.
  void step(const StepContext& ctx) override {
    current_step_ = ctx.step;
    run_campaigns(ctx);
    meetings_held_ = organisers_meet(ctx) + leaders_meet(ctx);
    recruit_volunteer_organisers();
    update_citizens(ctx);
  }

  void measure(std::span<double> out) const override {
    const double n = static_cast<double>(world_.graph.nodes());
    const Tally& t = tally_;
    const auto& q_active = t.q_active;
    const auto& g_active = t.g_active;
    const auto& q_size = q_size_;
    const auto& g_size = g_size_;
    auto share = [](std::int64_t part, std::int64_t whole) {
      return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
    };
    out[m_participation] = static_cast<double>(t.active) / n;
    out[m_leaders] = static_cast<double>(t.leaders) / n;
    double efficacy_total = 0.0;  // in block order, as ordered_sum adds
    for (double s : efficacy_partial_) efficacy_total += s;
    out[m_mean_efficacy] = efficacy_total / n;
    out[m_one_to_ones] = static_cast<double>(meetings_held_);
    out[m_organisers_active] = static_cast<double>(organisers_working_);
    out[m_reached] = static_cast<double>(t.reached) / n;
    for (int q = 0; q < 5; ++q) out[m_q1 + q] = share(q_active[q], q_size[q]);
    out[m_gap] = out[m_q5] - out[m_q1];
    for (int g = 0; g < 4; ++g) out[m_patient + g] = share(g_active[g], g_size[g]);
    out[m_people_reached] = static_cast<double>(t.reached);
    out[m_people_listened] = static_cast<double>(t.listened_n);
    out[m_people_listened_paid] = static_cast<double>(t.paid);
    out[m_people_mobilised] = static_cast<double>(t.mobilised_n);
    out[m_volunteer_organisers] = static_cast<double>(volunteers_working_);
    out[m_volunteers_recruited] = static_cast<double>(volunteers_recruited_);
    out[m_organisers_trained] = static_cast<double>(trained_);
    out[m_campaigns_won] = static_cast<double>(won_);
    out[m_campaigns_lost] = static_cast<double>(lost_);
    out[m_spend] = cost_ * static_cast<double>(started_);
  }

  // Participation per neighbourhood from the integer counts apply_changes()
  // keeps (no pass over citizens): the same for any thread count.
  void measure_neighbourhoods(std::span<double> out) const override {
    const Population& pop = world_.population;
    for (std::size_t h = 0; h < hood_active_.size(); ++h) {
      const std::uint64_t size = pop.neighbourhood_start[h + 1] - pop.neighbourhood_start[h];
      out[h] = size ? static_cast<double>(hood_active_[h]) / static_cast<double>(size) : 0.0;
    }
  }

  // Everything step() carries from one week to the next; the rest is rebuilt
  // by initialise() from the seed or recounted by restored().
  std::vector<StateArray> state_arrays() override {
    Roster& r = roster_;
    return {state_vector("state", state_),
            state_vector("efficacy", efficacy_),
            state_vector("meetings", meetings_),
            state_vector("flags", flags_),
            state_vector("weeks_in", weeks_in_),
            state_vector("last_met", last_met_),
            state_vector("hood_active", hood_active_),
            state_vector("campaign_group", campaign_group_),
            state_vector("campaign_end", campaign_end_),
            state_vector("rest_until", rest_until_),
            state_vector("placement_occupancy", placement_.occupancy()),
            state_growing("organiser_home", r.home),
            state_growing("organiser_start", r.start),
            state_growing("organiser_ramp", r.ramp),
            state_growing("organiser_end", r.end),
            state_growing("organiser_citizen", r.citizen),
            state_growing("organiser_pending", r.pending),
            state_growing("organiser_circle", r.circle),
            state_growing("organiser_rate", r.rate),
            state_growing("organiser_quit_hazard", r.quit_hazard),
            state_growing("organiser_to_recruit", r.to_recruit),
            state_growing("organiser_volunteer", r.volunteer),
            state_growing("organiser_gone", r.gone),
            state_value("organisers_from_cohorts", r.from_cohorts),
            state_value("current_step", current_step_),
            state_value("meetings_held", meetings_held_),
            state_value("organisers_working", organisers_working_),
            state_value("volunteers_working", volunteers_working_),
            state_value("volunteers_recruited", volunteers_recruited_),
            state_value("organisers_trained", trained_),
            state_value("organisers_started", started_),
            state_value("campaigns_won", won_),
            state_value("campaigns_lost", lost_)};
  }
  void restored() override {
    recount_contacts();
    const Population& pop = world_.population;
    for (std::size_t v = 0; v < last_met_.size(); ++v)
      if (last_met_[v] != never_met) hood_met_[pop.neighbourhood[v]] = 1;
    list_leaders();
    tally_all();
  }

 private:
  double area_baseline(double deprivation) const {
    // Mean 1 over areas (deprivation ranks are uniform); most/least = 1 - gap.
    return baseline_ * (1 - gap_ * deprivation) / (1 - gap_ / 2);
  }
  double efficacy_factor(std::uint64_t v) const {
    return efficacy_[v] / typical_efficacy_[world_.population.neighbourhood[v]];
  }
  double contact_share(std::uint64_t v) const {
    const std::uint32_t k = world_.graph.degree(static_cast<NodeId>(v));
    if (k == 0) return 0.0;
    const double weighted = active_contacts_[v] + (leader_weight_ - 1) * leader_contacts_[v];
    return std::min(1.0, weighted / k);
  }
  static std::uint32_t how_many(Stream& rng, double rate) {
    const double whole = std::floor(rate);
    return static_cast<std::uint32_t>(whole) + (rng.bernoulli(rate - whole) ? 1u : 0u);
  }
  // met_now_ counts this week's one-to-ones: organisers' in the high four
  // bits, leaders' in the low four, each saturating at 15.
  void meet(std::uint64_t v, bool by_organiser) {
    std::atomic_ref<std::uint8_t> slot(met_now_[v]);
    std::uint8_t seen = slot.load(std::memory_order_relaxed);
    for (;;) {
      const unsigned part = by_organiser ? seen >> 4 : seen & 15u;
      if (part == 15) return;
      const auto next = static_cast<std::uint8_t>(seen + (by_organiser ? 16 : 1));
      if (slot.compare_exchange_weak(seen, next, std::memory_order_relaxed)) return;
    }
  }

  void place_organisers(const StepContext& ctx) {
    roster_.clear();
    placement_.reset(ctx.seed, ctx.replicate);
    for (const CohortPlan& c : plans_) {
      for (std::int64_t i = 0; i < c.count; ++i) {
        const auto o = static_cast<std::uint32_t>(roster_.size());
        roster_.add(placement_.place(o), c, none);
      }
    }
    roster_.from_cohorts = roster_.size();
  }

  // Neighbourhoods above the threshold start campaigns on one group's issue;
  // a campaign ends in a win or a loss that moves residents' efficacy (applied
  // in update_citizens through outcome_now_).
  void run_campaigns(const StepContext& ctx) {
    std::int64_t won = 0, lost = 0;
    if (campaigns_) {
      const Population& pop = world_.population;
      const auto hoods = static_cast<std::int64_t>(pop.neighbourhoods());
#pragma omp parallel for schedule(static, 256) reduction(+ : won, lost) if (hoods > 4096)
      for (std::int64_t h = 0; h < hoods; ++h) {
        outcome_now_[h] = 0;
        const auto size = static_cast<double>(pop.neighbourhood_start[h + 1] - pop.neighbourhood_start[h]);
        const double p = size > 0 ? hood_active_[h] / size : 0.0;
        Stream rng(ctx.seed, ctx.replicate, ctx.step, static_cast<std::uint32_t>(h), campaign_draws);
        if (campaign_group_[h] != no_campaign) {
          if (ctx.step < campaign_end_[h]) continue;
          const bool win = rng.bernoulli(p / (p + opposition_ + 1e-12));
          outcome_now_[h] = win ? 1 : 2;
          won += win;
          lost += !win;
          campaign_group_[h] = no_campaign;
          rest_until_[h] = ctx.step + campaign_rest_;
        } else if (ctx.step >= rest_until_[h] && p > campaign_threshold_ && rng.bernoulli(campaign_start_)) {
          // Issues of patients, parents or tenants (not "other").
          campaign_group_[h] = static_cast<std::uint8_t>(rng.below(3));
          campaign_end_[h] = ctx.step + campaign_steps_;
        }
      }
    }
    won_ = won;
    lost_ = lost;
  }

  // Organisers pick residents from the state at the start of the step, so the
  // order in which organisers act does not matter. A development meeting with
  // a leader may recruit them as a volunteer organiser (an intent, applied in
  // organiser order afterwards).
  std::int64_t organisers_meet(const StepContext& ctx) {
    const Population& pop = world_.population;
    std::int64_t held = 0, working = 0, volunteers = 0, trained = 0, started = 0, new_listened = 0, new_paid = 0;
    const auto count = static_cast<std::int64_t>(roster_.size());
    const auto from_cohorts = static_cast<std::int64_t>(roster_.from_cohorts);
#pragma omp parallel for schedule(dynamic, 8) \
    reduction(+ : held, working, volunteers, trained, started, new_listened, new_paid) if (count > 64)
    for (std::int64_t o = 0; o < count; ++o) {
      roster_.pending[o] = none;
      if (o < from_cohorts && ctx.step == roster_.start[o] + 1) ++started;
      const double capacity = roster_.capacity(o, ctx.step);
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
      Stream rng(ctx.seed, ctx.replicate, ctx.step, static_cast<std::uint32_t>(o), organiser_meetings);
      const std::uint32_t h = roster_.home[o];
      const std::uint64_t first = pop.neighbourhood_start[h], size = pop.neighbourhood_start[h + 1] - first;
      const bool recruiting = roster_.to_recruit[o] > 0 && multiply_ > 0;
      std::uint32_t* circle = &roster_.circle[static_cast<std::size_t>(o) * Roster::circle_size];
      for (std::uint32_t m = how_many(rng, roster_.rate[o] * capacity); m > 0; --m) {
        std::uint64_t chosen = UINT64_MAX;
        const bool develop = rng.bernoulli(development_share_);
        if (develop) {
          // Develop someone from the circle who still takes part, else a
          // participant found by asking around.
          std::uint32_t in_circle = 0;
          for (std::size_t i = 0; i < Roster::circle_size; ++i)
            in_circle += circle[i] != none && state_[circle[i]] != inactive;
          if (in_circle > 0) {
            auto pick = rng.below(in_circle);
            for (std::size_t i = 0; i < Roster::circle_size && chosen == UINT64_MAX; ++i)
              if (circle[i] != none && state_[circle[i]] != inactive && pick-- == 0) chosen = circle[i];
          }
          for (int t = 0; t < search_tries_ && chosen == UINT64_MAX; ++t) {
            const std::uint64_t v = first + rng.below(size);
            if (state_[v] != inactive) chosen = v;
          }
        } else {
          // Outreach: inactive people with participating contacts first.
          std::uint64_t fallback = UINT64_MAX;
          for (int t = 0; t < search_tries_ && chosen == UINT64_MAX; ++t) {
            const std::uint64_t v = first + rng.below(size);
            if (state_[v] != inactive) continue;
            if (active_contacts_[v] > 0)
              chosen = v;
            else if (fallback == UINT64_MAX)
              fallback = v;
          }
          if (chosen == UINT64_MAX) chosen = fallback;
          // Whoever is met joins the circle in a slot whose person dropped out.
          if (chosen != UINT64_MAX)
            for (std::size_t i = 0; i < Roster::circle_size; ++i)
              if (circle[i] == none || state_[circle[i]] == inactive) {
                circle[i] = static_cast<std::uint32_t>(chosen);
                break;
              }
        }
        if (chosen == UINT64_MAX) continue;
        meet(chosen, true);
        // Flags are only ever set, so the tally counts each the first time.
        const std::uint8_t bits = roster_.volunteer[o] ? listened : listened | listened_paid;
        const std::uint8_t had =
            std::atomic_ref<std::uint8_t>(flags_[chosen]).fetch_or(bits, std::memory_order_relaxed);
        new_listened += !(had & listened);
        new_paid += (bits & listened_paid) && !(had & listened_paid);
        ++held;
        // A developed person with enough one-to-ones may become a volunteer organiser.
        if (develop && recruiting && roster_.pending[o] == none && meetings_[chosen] + 1u >= multiply_meetings_ &&
            !(std::atomic_ref<std::uint8_t>(flags_[chosen]).load(std::memory_order_relaxed) & is_organiser) &&
            rng.bernoulli(multiply_))
          roster_.pending[o] = static_cast<std::uint32_t>(chosen);
      }
    }
    organisers_working_ = working;
    volunteers_working_ = volunteers;
    tally_.listened_n += new_listened;
    tally_.paid += new_paid;
    trained_ += trained;
    started_ += started;
    return held;
  }

  // Serial, in organiser order: two organisers may pick the same leader.
  void recruit_volunteer_organisers() {
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
      roster_.add(h, kind, v);
      ++volunteers_recruited_;
    }
  }

  // Leaders as listed after the last pass over citizens (the state at the
  // start of this step); each leader's draws are their own and meet() adds
  // commutatively, so the order does not matter.
  std::int64_t leaders_meet(const StepContext& ctx) {
    if (leader_rate_ <= 0) return 0;
    std::int64_t held = 0;
    const auto count = static_cast<std::int64_t>(leaders_.size());
#pragma omp parallel for schedule(static, 64) reduction(+ : held) if (count > 512)
    for (std::int64_t l = 0; l < count; ++l) {
      const NodeId v = leaders_[static_cast<std::size_t>(l)];
      const auto contacts = world_.graph.neighbours(v);
      if (contacts.empty()) continue;
      Stream rng(ctx.seed, ctx.replicate, ctx.step, v, leader_meetings);
      for (std::uint32_t m = how_many(rng, leader_rate_); m > 0; --m) {
        const NodeId u = contacts[rng.below(contacts.size())];
        if (state_[u] == leader) continue;
        meet(u, false);
        ++held;
      }
    }
    return held;
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
  void update_citizens(const StepContext& ctx) {
    const auto n = static_cast<std::int64_t>(world_.graph.nodes());
    const auto blocks = (n + tally_block - 1) / tally_block, groups = (blocks + 3) / 4;
    const auto max_threads = static_cast<std::size_t>(omp_get_max_threads());
    if (changes_.size() < max_threads) changes_.resize(max_threads);
    if (outboxes_.size() < max_threads) outboxes_.resize(max_threads);
    for (auto& list : changes_) list.clear();
    for (auto& list : outboxes_) list.clear();
    Tally t;
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
        for (std::int64_t b = g0; b < g1; ++b) citizen_block(ctx, b, t, changes);
        sum_efficacy(g0, g1);
      }
      // Counts are owned by equal ranges of blocks, whoever found the changes.
      const std::int64_t lo = std::min(n, b0 * tally_block), hi = std::min(n, b1 * tally_block);
      apply_changes(lo, hi, me);
#pragma omp barrier
      apply_inbox(lo, hi, me, threads);
    }
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

  // Citizens of block b, in batches of draw_batch (their join / stay draws),
  // each cut into runs of one neighbourhood.
  void citizen_block(const StepContext& ctx, std::int64_t b, Tally& t, std::vector<Change>& changes) {
    const Population& pop = world_.population;
    const auto n = static_cast<std::int64_t>(world_.graph.nodes());
    const std::int64_t begin = b * tally_block, end = std::min(n, begin + tally_block);
    alignas(64) std::uint32_t purpose[draw_batch];
    alignas(64) double draw[draw_batch];
    bool efficacy_changed = false;
    std::uint32_t h = pop.neighbourhood[static_cast<std::size_t>(begin)];
    for (std::int64_t first = begin; first < end; first += static_cast<std::int64_t>(draw_batch)) {
      const auto count = std::min<std::int64_t>(static_cast<std::int64_t>(draw_batch), end - first);
      for (std::int64_t i = 0; i < count; ++i) purpose[i] = state_[first + i] == inactive ? draw_join : draw_stay;
      first_uniforms(ctx.seed, ctx.replicate, ctx.step, static_cast<std::uint32_t>(first), purpose,
                     static_cast<std::size_t>(count), draw);
      for (std::int64_t a = first; a < first + count;) {
        while (pop.neighbourhood_start[h + 1] <= static_cast<std::uint64_t>(a)) ++h;
        const std::int64_t e =
            std::min<std::int64_t>(first + count, static_cast<std::int64_t>(pop.neighbourhood_start[h + 1]));
        efficacy_changed |= citizen_run(ctx, h, a, e, draw + (a - first), t, changes);
        a = e;
      }
    }
    if (efficacy_changed) efficacy_dirty_[static_cast<std::size_t>(b)] = 1;
  }

  // Citizens [a, e) of neighbourhood h (at most draw_batch). Three stages, so
  // that the common case has no branch on a random outcome: the rare events
  // (one-to-ones, campaign outcomes); every citizen's chance of changing
  // state, without branches; the decisions, where changes are rare. The
  // arithmetic is the same, operation for operation, as one citizen at a
  // time, so every probability is bitwise the same. Returns whether some
  // efficacy changed.
  bool citizen_run(const StepContext& ctx, std::uint32_t h, std::int64_t a, std::int64_t e, const double* draw,
                   Tally& t, std::vector<Change>& changes) {
    const Population& pop = world_.population;
    const auto len = static_cast<int>(e - a);
    const std::uint32_t step = ctx.step;
    std::uint8_t* __restrict met_now = met_now_.data() + a;
    std::uint8_t* __restrict state = state_.data() + a;
    std::uint8_t* __restrict flags = flags_.data() + a;
    std::uint8_t* __restrict meetings = meetings_.data() + a;
    float* __restrict efficacy = efficacy_.data() + a;
    std::uint32_t* __restrict last_met = last_met_.data() + a;
    const Group* __restrict group = pop.group.data() + a;

    // Stage 1: this week's one-to-ones. Leaders' one-to-ones raise efficacy
    // and recruit like organisers'; only organisers' count towards leadership
    // and lower attrition for weeks after, so leaders cannot breed leaders
    // without organisers.
    int met_index[draw_batch];
    std::uint8_t met_count[draw_batch];
    int met_n = 0;
    unsigned any_met = 0;
    for (int i = 0; i < len; ++i) any_met |= met_now[i];
    if (any_met != 0) {
      const double keep_gain = 1.0 - gain_;
      for (int i = 0; i < len; ++i) {
        const std::uint8_t met_bits = met_now[i];
        if (met_bits == 0) continue;
        met_now[i] = 0;
        const unsigned by_organisers = met_bits >> 4u;
        const unsigned met = by_organisers + (met_bits & 15u);
        efficacy[i] = static_cast<float>(1.0 - (1.0 - efficacy[i]) * std::pow(keep_gain, met));
        t.reached += !(flags[i] & reached_any);
        flags[i] |= reached_any;
        if (by_organisers > 0) {
          meetings[i] = static_cast<std::uint8_t>(std::min(255u, meetings[i] + by_organisers));
          last_met[i] = step;
          // A neighbourhood split between two threads may be flagged by both.
          std::atomic_ref<std::uint8_t>(hood_met_[h]).store(1, std::memory_order_relaxed);
        }
        met_index[met_n] = i;
        met_count[met_n++] = static_cast<std::uint8_t>(met);
      }
    }
    const std::uint8_t outcome = outcome_now_[h];
    if (outcome == 1)
      for (int i = 0; i < len; ++i) efficacy[i] = static_cast<float>(1.0 - (1.0 - efficacy[i]) * (1.0 - win_gain_));
    else if (outcome == 2)
      for (int i = 0; i < len; ++i) efficacy[i] = static_cast<float>(efficacy[i] * (1.0 - loss_));

    // Stage 2: the chance of changing state (joining for the inactive,
    // leaving for the others), as if nobody had been met this week.
    alignas(64) double chance[draw_batch];
    const std::uint8_t campaign = campaign_group_[h];
    const double spontaneous = spontaneous_[h];
    // Whoever set the flag for a citizen of this run was this thread.
    const bool met_ever = std::atomic_ref<std::uint8_t>(hood_met_[h]).load(std::memory_order_relaxed) != 0;
    const CitizenArrays arrays{state,
                               world_.graph.offsets.data() + a,
                               high_degree_[h] ? nullptr : degree_.data() + a,
                               active_contacts_.data() + a,
                               hood_leader_contacts_[h] != 0 ? leader_contacts_.data() + a : nullptr,
                               efficacy,
                               group,
                               met_ever ? last_met : nullptr};
    const ChanceRates rates{leader_weight_ - 1, influence_,     mobilisation_, dropout_, reinforcement_,
                            leader_dropout_,    after_meeting_, memory_,       step};
    change_chances(arrays, len, campaign, typical_efficacy_[h], spontaneous, rates, chance);
    // Those met: a one-to-one may recruit the inactive and keeps the others in.
    for (int j = 0; j < met_n; ++j) {
      const int i = met_index[j];
      const std::int64_t v = a + i;
      if (state[i] != inactive) {
        chance[i] = 0.0;
        continue;
      }
      const double g = efficacy_factor(static_cast<std::uint64_t>(v));
      const bool affected = campaign != no_campaign && campaign == static_cast<std::uint8_t>(group[i]);
      const double share = contact_share(static_cast<std::uint64_t>(v));
      const double own = std::min(1.0, g * (spontaneous + influence_ * share + (affected ? mobilisation_ : 0.0)));
      const unsigned met = met_count[j];
      const double recruited = 1.0 - std::pow(1.0 - std::min(1.0, recruit_ * g), met);
      chance[i] = 1.0 - (1.0 - own) * (1.0 - recruited);
    }

    // Stage 3: decisions, draw[i] being Stream(..., v, draw_join or
    // draw_stay).uniform(); first for everyone without branches (weeks in,
    // who changes, who may be promoted), then the few who change.
    alignas(64) std::uint8_t decision[draw_batch];
    if (decide(len, draw, chance, state, weeks_in_.data() + a, met_ever ? meetings : nullptr, leader_meetings_needed_,
               leader_weeks_needed_, decision) == 0)
      return any_met != 0 || outcome != 0;
    for (int i = 0; i < len; ++i) {
      if (decision[i] == 0) [[likely]]
        continue;
      const std::int64_t v = a + i;
      const std::uint8_t before = state[i];
      std::uint8_t s = before;
      if (decision[i] & changes_state) {
        if (s == inactive) {
          s = participant;
          // Mobilised: joined within the memory of a one-to-one, or in a campaign on their issue.
          const bool affected = campaign != no_campaign && campaign == static_cast<std::uint8_t>(group[i]);
          if (affected || (last_met[i] != never_met && step - last_met[i] <= memory_)) {
            t.mobilised_n += !(flags[i] & mobilised);
            flags[i] |= mobilised;
          }
        } else {
          s = inactive;
        }
      } else if (Stream(ctx.seed, ctx.replicate, step, static_cast<std::uint32_t>(v), draw_promote)
                     .bernoulli(leader_chance_)) {
        s = leader;
      }
      if (s == before) continue;
      state[i] = s;
      changes.push_back({static_cast<NodeId>(v), before, s});
      const std::int64_t d_active = (s != inactive) - (before != inactive);
      t.active += d_active;
      t.leaders += (s == leader) - (before == leader);
      t.q_active[hood_quintile_[h]] += d_active;
      t.g_active[static_cast<int>(group[i])] += d_active;
    }
    return any_met != 0 || outcome != 0;
  }

  // Efficacy sums of this thread's blocks where some efficacy changed, each
  // in citizen order as ordered_sum adds. Each sum is a chain of dependent
  // additions, so four blocks are summed side by side.
  void sum_efficacy(std::int64_t b0, std::int64_t b1) {
    const auto n = static_cast<std::int64_t>(world_.graph.nodes());
    const float* efficacy = efficacy_.data();
    std::int64_t group[4];
    int grouped = 0;
    auto sum_one = [&](std::int64_t b) {
      double sum = 0;
      for (std::int64_t v = b * tally_block; v < std::min(n, (b + 1) * tally_block); ++v) sum += efficacy[v];
      efficacy_partial_[static_cast<std::size_t>(b)] = sum;
    };
    for (std::int64_t b = b0; b < b1; ++b) {
      if (!efficacy_dirty_[static_cast<std::size_t>(b)]) continue;
      efficacy_dirty_[static_cast<std::size_t>(b)] = 0;
      if ((b + 1) * tally_block > n) {
        sum_one(b);  // the short last block
        continue;
      }
      group[grouped++] = b;
      if (grouped < 4) continue;
      grouped = 0;
      const float *e0 = efficacy + group[0] * tally_block, *e1 = efficacy + group[1] * tally_block;
      const float *e2 = efficacy + group[2] * tally_block, *e3 = efficacy + group[3] * tally_block;
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (std::int64_t i = 0; i < tally_block; ++i) {
        s0 += e0[i];
        s1 += e1[i];
        s2 += e2[i];
        s3 += e3[i];
      }
      efficacy_partial_[static_cast<std::size_t>(group[0])] = s0;
      efficacy_partial_[static_cast<std::size_t>(group[1])] = s1;
      efficacy_partial_[static_cast<std::size_t>(group[2])] = s2;
      efficacy_partial_[static_cast<std::size_t>(group[3])] = s3;
    }
    for (int j = 0; j < grouped; ++j) sum_one(group[j]);
  }

  // The same tally by a pass of its own, for the state initialise() leaves.
  void tally_all() {
    const Population& pop = world_.population;
    const auto n = static_cast<std::int64_t>(world_.graph.nodes());
    const auto blocks = (n + tally_block - 1) / tally_block;
    Tally t;
#pragma omp parallel for schedule(static) reduction(+ : t)
    for (std::int64_t b = 0; b < blocks; ++b) {
      double efficacy_sum = 0;
      for (std::int64_t v = b * tally_block; v < std::min(n, (b + 1) * tally_block); ++v) {
        t.add(state_[v], flags_[v], hood_quintile_[pop.neighbourhood[v]], pop.group[v]);
        efficacy_sum += efficacy_[v];
      }
      efficacy_partial_[static_cast<std::size_t>(b)] = efficacy_sum;
    }
    tally_ = t;
    efficacy_dirty_.assign(static_cast<std::size_t>(blocks), 0);
  }

  // Push this thread's changes to the counts of the citizens in [lo, hi),
  // which this thread owns, and of the neighbourhoods whose first citizen it
  // owns; changes to other threads' counts (ties that cross the boundary, a
  // small share on the community graph) go to this thread's outbox for
  // apply_inbox. Each change's row is read once, by the thread that found
  // it. Integer additions commute, so the result does not depend on the
  // number of threads.
  void apply_changes(std::int64_t lo, std::int64_t hi, int me) {
    const Population& pop = world_.population;
    const Graph& graph = world_.graph;
    const auto own = [lo, hi](std::uint64_t v) {
      return v >= static_cast<std::uint64_t>(lo) && v < static_cast<std::uint64_t>(hi);
    };
    std::vector<Push>& outbox = outboxes_[static_cast<std::size_t>(me)];
    // Changers are scattered over the population, so their rows and their
    // contacts' counts are cache misses: fetch the row eight changes ahead
    // and the counts four ahead, so that the misses overlap.
    constexpr std::size_t row_ahead = 8, counts_ahead = 4;
    const std::vector<Change>& changes = changes_[static_cast<std::size_t>(me)];
    for (std::size_t j = 0; j < changes.size(); ++j) {
      if (j + row_ahead < changes.size()) __builtin_prefetch(&graph.targets[graph.offsets[changes[j + row_ahead].v]]);
      if (j + counts_ahead < changes.size())
        for (NodeId u : graph.neighbours(changes[j + counts_ahead].v))
          if (own(u)) {
            __builtin_prefetch(&active_contacts_[u], 1);
            __builtin_prefetch(&leader_contacts_[u], 1);
          }
      const Change& c = changes[j];
      const auto d_active = static_cast<std::int8_t>((c.after != inactive) - (c.before != inactive));
      const auto d_leader = static_cast<std::int8_t>((c.after == leader) - (c.before == leader));
      const std::uint32_t h = pop.neighbourhood[c.v];
      if (own(pop.neighbourhood_start[h]))
        hood_active_[h] += d_active;
      else
        outbox.push_back({h, d_active, 0, true});
      for (NodeId u : graph.neighbours(c.v))
        if (own(u))
          add_contact(u, d_active, d_leader);
        else
          outbox.push_back({u, d_active, d_leader, false});
    }
  }

  // The other threads' outboxes, for the counts this thread owns.
  void apply_inbox(std::int64_t lo, std::int64_t hi, int me, int threads) {
    const Population& pop = world_.population;
    const auto own = [lo, hi](std::uint64_t v) {
      return v >= static_cast<std::uint64_t>(lo) && v < static_cast<std::uint64_t>(hi);
    };
    for (int list = 0; list < threads; ++list) {
      if (list == me) continue;
      for (const Push& p : outboxes_[static_cast<std::size_t>(list)]) {
        if (p.hood) {
          if (own(pop.neighbourhood_start[p.target])) hood_active_[p.target] += p.d_active;
        } else if (own(p.target)) {
          add_contact(p.target, p.d_active, p.d_leader);
        }
      }
    }
  }

  void add_contact(NodeId u, std::int32_t d_active, std::int32_t d_leader) {
    active_contacts_[u] += d_active;
    leader_contacts_[u] += d_leader;
    // Rare (leaders are few); a neighbourhood may span two threads.
    if (d_leader != 0)
      std::atomic_ref<std::int64_t>(hood_leader_contacts_[world_.population.neighbourhood[u]])
          .fetch_add(d_leader, std::memory_order_relaxed);
  }

  // Leaders for the next leaders_meet, after initialise() or a restore.
  void list_leaders() {
    leaders_.clear();
    for (std::size_t v = 0; v < state_.size(); ++v)
      if (state_[v] == leader) leaders_.push_back(static_cast<NodeId>(v));
  }

  void recount_contacts() {
    const auto n = static_cast<std::int64_t>(world_.graph.nodes());
#pragma omp parallel for schedule(dynamic, 4096)
    for (std::int64_t v = 0; v < n; ++v) {
      std::int32_t a = 0, l = 0;
      for (NodeId u : world_.graph.neighbours(static_cast<NodeId>(v))) {
        a += state_[u] != inactive;
        l += state_[u] == leader;
      }
      active_contacts_[v] = a;
      leader_contacts_[v] = l;
    }
    const Population& pop = world_.population;
    const auto hoods = static_cast<std::int64_t>(pop.neighbourhoods());
#pragma omp parallel for schedule(dynamic, 64)
    for (std::int64_t h = 0; h < hoods; ++h) {
      std::int64_t l = 0;
      for (std::uint64_t v = pop.neighbourhood_start[h]; v < pop.neighbourhood_start[h + 1]; ++v)
        l += leader_contacts_[v];
      hood_leader_contacts_[static_cast<std::size_t>(h)] = l;
    }
  }

  const World& world_;
  Placement placement_;
  std::vector<CohortPlan> plans_;
  Roster roster_;
  CohortPlan recruited_kind_{};
  double baseline_, gap_, efficacy_mean_, efficacy_spread_, efficacy_deprivation_, dropout_, reinforcement_, influence_;
  double after_meeting_;
  std::uint32_t memory_;
  double development_share_;
  int search_tries_;
  double cost_;
  double multiply_, gain_, recruit_;
  unsigned multiply_meetings_;
  std::uint8_t leader_meetings_needed_;
  std::uint16_t leader_weeks_needed_;
  double leader_chance_, leader_rate_, leader_weight_, leader_dropout_;
  bool campaigns_;
  double campaign_threshold_, campaign_start_;
  std::uint32_t campaign_steps_, campaign_rest_;
  double opposition_, mobilisation_, win_gain_, loss_;

  // Per citizen.
  std::vector<std::uint8_t> state_, meetings_, met_now_, flags_;
  std::vector<float> efficacy_;
  std::vector<std::uint16_t> weeks_in_;
  std::vector<std::uint32_t> last_met_;
  std::vector<std::int32_t> active_contacts_, leader_contacts_;
  // Per neighbourhood.
  std::vector<float> typical_efficacy_;
  std::vector<double> spontaneous_;
  std::vector<std::int32_t> hood_active_;
  std::vector<std::uint8_t> campaign_group_, outcome_now_, hood_quintile_;
  // Whether anyone in the neighbourhood was ever met by an organiser.
  std::vector<std::uint8_t> hood_met_;
  // Degrees below 255 per citizen (1 byte instead of two 8-byte offsets per
  // pass), and per neighbourhood whether some degree is not.
  std::vector<std::uint8_t> degree_, high_degree_;
  // Per neighbourhood, the sum of its residents' leader_contacts_: where it is
  // 0 the pass does not read them.
  std::vector<std::int64_t> hood_leader_contacts_;
  // Per thread of the last pass over citizens: who changed state.
  std::vector<ThreadList<Change>> changes_;
  std::vector<ThreadList<Push>> outboxes_;
  // Leaders, in no particular order.
  std::vector<NodeId> leaders_;
  // What measure() reports: counted in full by tally_all(), then kept up to
  // date from each change. Efficacy sums per block, recomputed for the
  // blocks where some efficacy changed (efficacy_dirty_).
  Tally tally_;
  std::vector<double> efficacy_partial_;
  std::vector<std::uint8_t> efficacy_dirty_;
  std::int64_t q_size_[5] = {0, 0, 0, 0, 0}, g_size_[4] = {0, 0, 0, 0};
  std::vector<std::uint32_t> campaign_end_, rest_until_;

  std::uint32_t current_step_ = 0;
  std::int64_t meetings_held_ = 0, organisers_working_ = 0, volunteers_working_ = 0;
  std::int64_t volunteers_recruited_ = 0, trained_ = 0, started_ = 0, won_ = 0, lost_ = 0;
};

}  // namespace
}  // namespace gs::organising

GROUNDSWELL_REGISTER_MODEL(
    organising, "organising",
    "Organisers' one-to-ones, social influence, drop-out, leaders, volunteer organisers, campaigns",
    gs::organising::parameters(), gs::organising::metrics(),
    [](const gs::ParamValues& p, const gs::World& w) -> std::unique_ptr<gs::Model> {
      return std::make_unique<gs::organising::Organising>(p, w);
    },
    gs::organising::neighbourhood_metrics())
