#pragma once
// The organising model's state and sub-steps. The class and the order of a
// step: models/organising.cpp; start-up calibration: calibration.cpp;
// organisers' and leaders' one-to-ones and recruiting volunteer organisers:
// meetings.cpp; campaigns: campaigns.cpp; the pass over citizens:
// citizens.cpp (its vector kernels: kernels.cpp); which thread updates which
// counts, and the tallies behind measure(): tallies.cpp. The rules
// themselves: rules.hpp.
#include <cstdint>
#include <span>
#include <vector>

#include "models/organising/batch_draws.hpp"
#include "models/organising/kernels.hpp"
#include "models/organising/roster.hpp"
#include "sim/core/random.hpp"
#include "sim/engine/model.hpp"

namespace gs::organising {

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
  campaign_draws,
  draw_next_event
};
// Bits of a citizen's flags.
// redraw (schedule next_event): no candidate change for as long as
// next_week_ can say; a fresh one is drawn in the week it names.
enum : std::uint8_t { listened = 1, mobilised = 2, is_organiser = 4, listened_paid = 8, reached_any = 16, redraw = 32 };
inline constexpr std::uint8_t no_campaign = 255;
enum class CampaignOutcome : std::uint8_t { none, won, lost };

// Counts behind measure(), per citizen: kept up to date by the step's pass
// over citizens instead of a pass of measure()'s own. Quintile 1 (most
// deprived) is q_active[0].
struct Tally {
  std::int64_t active = 0, leaders = 0, reached = 0, listened_n = 0, paid = 0, mobilised_n = 0;
  std::int64_t q_active[5] = {0, 0, 0, 0, 0}, g_active[4] = {0, 0, 0, 0};
  void add(std::uint8_t state, std::uint8_t f, int quintile, Group g);
  Tally& operator+=(const Tally& o);
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

// The parameters, read once.
struct Rates {
  double baseline, gap, efficacy_mean, efficacy_spread, efficacy_deprivation;
  double dropout, reinforcement, influence, after_meeting;
  std::uint32_t memory;
  double development_share;
  int search_tries;
  double cost;
  double volunteer_recruit_chance;  // per development one-to-one with someone eligible
  unsigned volunteer_min_meetings;
  double gain, recruit;
  std::uint8_t leader_meetings_needed;
  std::uint16_t leader_weeks_needed;
  double leader_chance, leader_rate, leader_weight, leader_dropout;
  bool campaigns;
  double campaign_threshold, campaign_start;
  std::uint32_t campaign_steps, campaign_rest;
  double opposition, mobilisation, win_gain, loss;
  std::uint32_t stop_after;  // last week organisers work (UINT32_MAX: never)
  std::uint32_t leaders_per_organiser;  // 0: no limit on promotions
  // Contagion (contagion.*): complex or linear; tie weights by layer (all 1
  // without them) and the largest, the unit of a tie for complex contagion.
  bool complex, weighted;
  double threshold, steepness, at_zero, unit;
  std::int32_t tie_weight[4];
  // organisers.neighbourhood_capacity (0: no limit).
  double hood_capacity;
  // schedule: next_event (else weekly).
  bool next_event;
  explicit Rates(const ParamValues& p);
};

class Organising final : public Model {
 public:
  Organising(const ParamValues& p, const World& world);
  void initialise(const StepContext& ctx) override;
  void step(const StepContext& ctx) override;
  void measure(std::span<double> out) const override;
  void measure_neighbourhoods(std::span<double> out) const override;
  std::vector<StateArray> state_arrays() override;
  void restored() override;

 private:
  void count_sizes();
  // Calibration (calibration.cpp).
  double area_baseline(double deprivation) const;
  void start_neighbourhood(const StepContext& ctx, std::uint32_t h);
  // A neighbourhood's spontaneous rate and what it was fitted with.
  struct BaselineFit {
    const Organising* model = nullptr;
    double p0 = 0;  // the declared baseline participation of the neighbourhood
    double spontaneous = 0, without_spontaneous = 0;
    std::vector<std::int64_t> table_at;  // by degree: start in the tables, -1 if not yet made
    std::vector<double> weights, shares, outs;
    std::size_t table(std::uint32_t k);
    double in_chance(std::uint64_t v, double a);
  };
  BaselineFit fit_spontaneous_rate(double p0, std::uint64_t first, std::uint64_t last) const;
  void refuse_unmatched_baseline() const;
  // One-to-ones (meetings.cpp).
  double efficacy_factor(std::uint64_t v) const;
  double contact_share(std::uint64_t v) const;
  double social_pull(std::uint64_t v) const;
  std::int32_t tie_weight(std::uint64_t entry) const {
    return rates_.tie_weight[static_cast<int>(world_.graph.layers.at(entry))];
  }
  void competition_factors(std::uint32_t step);
  void meet(std::uint64_t v, bool by_organiser);
  void place_organisers(const StepContext& ctx);
  std::int64_t organisers_meet(const StepContext& ctx);
  std::uint64_t choose_to_develop(Stream& rng, const std::uint32_t* circle, std::uint64_t first,
                                  std::uint64_t size) const;
  std::int64_t organiser_one_to_ones(const StepContext& ctx, std::size_t o, double capacity, std::int64_t& new_listened,
                                     std::int64_t& new_paid);
  std::uint64_t choose_for_outreach(Stream& rng, std::uint32_t* circle, std::uint64_t first, std::uint64_t size);
  void recruit_volunteer_organisers();
  std::int64_t leaders_meet(const StepContext& ctx);
  // Campaigns (campaigns.cpp).
  void run_campaigns(const StepContext& ctx);
  // The pass over citizens (citizens.cpp).
  void update_citizens(const StepContext& ctx);
  void citizen_block(const StepContext& ctx, std::int64_t b, Tally& t, std::vector<Change>& changes);
  bool citizen_run(const StepContext& ctx, std::uint32_t h, std::int64_t a, std::int64_t e, const double* draw,
                   Tally& t, std::vector<Change>& changes);
  // Who was met this week in a run of citizens, and by how many one-to-ones.
  struct MetThisWeek {
    int index[draw_batch];
    std::uint8_t count[draw_batch];
    int n = 0;
    unsigned any = 0;  // nonzero if anyone was met
  };
  bool rare_events(std::uint32_t h, std::int64_t a, int len, std::uint32_t step, Tally& t, MetThisWeek& met,
                   bool& met_ever);
  std::int64_t take_one_to_ones(std::uint32_t h, std::int64_t a, int len, std::uint32_t step, MetThisWeek& met);
  void apply_campaign_outcome(CampaignOutcome outcome, std::int64_t a, int len);
  void chances_of_change(std::uint32_t h, std::int64_t a, int len, std::uint32_t step, const MetThisWeek& met,
                         bool met_ever, double* chance) const;
  void change_states(const StepContext& ctx, std::uint32_t h, std::int64_t a, int len, const std::uint8_t* verdict,
                     Tally& t, std::vector<Change>& changes);
  bool weekly_segment(const StepContext& ctx, std::uint32_t h, std::int64_t a, std::int64_t e, Tally& t,
                      std::vector<Change>& changes);
  // Next-event scheduling (next_event.cpp).
  void start_schedule(const StepContext& ctx);
  bool event_segment(const StepContext& ctx, std::uint32_t h, std::int64_t a, std::int64_t e, Tally& t,
                     std::vector<Change>& changes);
  bool event_run(const StepContext& ctx, std::uint32_t h, std::int64_t a, int len, bool everyone, Tally& t,
                 std::vector<Change>& changes);
  int whose_turn(std::uint32_t step, std::int64_t a, int len, const MetThisWeek& met, bool met_ever, bool everyone,
                 std::uint8_t* turn, int* who) const;
  double chance_bound(std::uint32_t h, std::uint64_t v) const;
  void schedule_candidate(std::uint32_t from, std::uint64_t v, double bound, double u);
  bool campaign_moved(std::uint32_t h, std::uint32_t step) const;
  LeaderCount count_leaders_in(std::uint32_t h, std::uint32_t step) const;
  // Thread ownership and tallies (tallies.cpp).
  void sum_efficacy(std::int64_t b0, std::int64_t b1);
  void tally_all();
  void apply_changes(std::int64_t lo, std::int64_t hi, int me);
  void apply_inbox(std::int64_t lo, std::int64_t hi, int me, int threads);
  void add_contact(NodeId u, std::int32_t d_active, std::int32_t d_leader);
  void list_leaders();
  void limit_promotions();
  void recount_contacts();

  const World& world_;
  Rates rates_;
  Placement placement_;
  std::vector<CohortPlan> plans_;
  Roster roster_;
  CohortPlan recruited_kind_{};

  // Per citizen.
  std::vector<std::uint8_t> state_, meetings_, met_now_, flags_;
  std::vector<float> efficacy_;
  std::vector<std::uint16_t> weeks_in_;
  std::vector<std::uint32_t> last_met_;
  std::vector<ContactCount> active_contacts_, leader_contacts_;
  // Per neighbourhood.
  std::vector<float> typical_efficacy_;
  std::vector<double> spontaneous_;
  // The participation social influence alone gives, where it exceeds the
  // declared baseline; -1 elsewhere.
  std::vector<double> unmatched_;
  std::vector<std::int32_t> hood_active_;
  std::vector<std::uint8_t> campaign_group_, hood_quintile_;  // quintile 1 = most deprived .. 5
  std::vector<CampaignOutcome> outcome_now_;
  // Whether anyone in the neighbourhood was ever met by an organiser.
  std::vector<std::uint8_t> hood_met_;
  // Degrees below 255 per citizen (1 byte instead of two 8-byte offsets per
  // pass), and per neighbourhood whether some degree is not.
  std::vector<std::uint8_t> degree_, high_degree_;
  // With tie weights: the sum of each citizen's tie weights (else empty).
  std::vector<std::int32_t> weighted_degree_;
  // Complex contagion: the pull of each participating count with no
  // leaders near, up to the largest (weighted) degree (else empty).
  std::vector<double> pull_by_count_;
  // With organisers.neighbourhood_capacity: this week's share of their rate
  // that each neighbourhood's organisers hold, and their demand (else empty).
  std::vector<double> hood_factor_, hood_demand_;
  // Per neighbourhood, the sum of its residents' leader_contacts_: where it is
  // 0 the pass does not read them.
  std::vector<std::int64_t> hood_leader_contacts_;
  // Per thread of the last pass over citizens: who changed state.
  std::vector<ThreadList<Change>> changes_;
  std::vector<ThreadList<Push>> outboxes_;
  // Leaders, in no particular order.
  std::vector<NodeId> leaders_;
  // With leaders.per_organiser: this week's promotion chance per
  // neighbourhood (empty without the limit: leaders.chance everywhere).
  std::vector<double> promotion_chance_;
  // What measure() reports: counted in full by tally_all(), then kept up to
  // date from each change. Efficacy sums per block, recomputed for the
  // blocks where some efficacy changed (efficacy_dirty_).
  Tally tally_;
  std::vector<double> efficacy_partial_;
  std::vector<std::uint8_t> efficacy_dirty_;
  std::int64_t q_size_[5] = {0, 0, 0, 0, 0}, g_size_[4] = {0, 0, 0, 0};
  std::vector<std::uint32_t> campaign_end_, rest_until_;
  // schedule: next_event (else empty). Per citizen, the week (modulo 2^16)
  // of their next candidate change (next_event.cpp), or of a fresh draw with
  // the redraw flag. weeks_in_ then holds the week each participant joined
  // (modulo 2^16) instead of a count.
  std::vector<std::uint16_t> next_week_;

  std::uint32_t current_step_ = 0;
  std::int64_t meetings_held_ = 0, organisers_working_ = 0, volunteers_working_ = 0;
  std::int64_t volunteers_recruited_ = 0, trained_ = 0, started_ = 0, won_ = 0, lost_ = 0;
};

}  // namespace gs::organising
