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
#include <string>

#include "models/organising/model.hpp"
#include "models/organising/parameters.hpp"
#include "models/organising/rules.hpp"
#include "sim/core/input_error.hpp"
#include "sim/core/parallel_errors.hpp"

namespace gs::organising {

Rates::Rates(const ParamValues& p)
    : baseline(p.real("baseline_participation")),
      gap(p.real("deprivation_gap")),
      efficacy_mean(p.real("efficacy.mean")),
      efficacy_spread(p.real("efficacy.spread")),
      efficacy_deprivation(p.real("efficacy.deprivation_effect")),
      dropout(p.real("weekly_dropout")),
      reinforcement(p.real("reinforcement")),
      influence(p.text("contagion.form") == "complex" ? p.real("contagion.influence") : p.real("social_influence")),
      after_meeting(p.real("attrition.after_one_to_one")),
      memory(static_cast<std::uint32_t>(p.integer("attrition.memory_steps"))),
      development_share(p.real("organisers.development_share")),
      search_tries(static_cast<int>(p.integer("organisers.search_tries"))),
      cost(p.real("organisers.cost_per_organiser")),
      volunteer_recruit_chance(p.real("multiplication.recruit_chance")),
      volunteer_min_meetings(static_cast<unsigned>(p.integer("multiplication.min_meetings"))),
      gain(p.real("one_to_one.efficacy_gain")),
      recruit(p.real("one_to_one.recruit_chance")),
      leader_meetings_needed(static_cast<std::uint8_t>(p.integer("leaders.min_meetings"))),
      leader_weeks_needed(static_cast<std::uint16_t>(std::min<std::int64_t>(p.integer("leaders.min_weeks"), 65535))),
      leader_chance(p.real("leaders.chance")),
      leader_rate(p.real("leaders.one_to_ones_per_step")),
      leader_weight(p.real("leaders.influence_weight")),
      leader_dropout(p.real("leaders.dropout_factor")),
      campaigns(p.boolean("campaigns.enabled")),
      campaign_threshold(p.real("campaigns.threshold")),
      campaign_start(p.real("campaigns.start_chance")),
      campaign_steps(static_cast<std::uint32_t>(p.integer("campaigns.steps"))),
      campaign_rest(static_cast<std::uint32_t>(p.integer("campaigns.rest_steps"))),
      opposition(p.real("campaigns.opposition")),
      mobilisation(p.real("campaigns.mobilisation")),
      win_gain(p.real("campaigns.win_efficacy_gain")),
      loss(p.real("campaigns.loss_efficacy_loss")),
      stop_after(p.integer("organisers.stop_at_step") > 0
                     ? static_cast<std::uint32_t>(p.integer("organisers.stop_at_step"))
                     : UINT32_MAX),
      leaders_per_organiser(static_cast<std::uint32_t>(p.integer("leaders.per_organiser"))),
      complex(p.text("contagion.form") == "complex"),
      weighted(p.boolean("contagion.tie_weights")),
      threshold(p.real("contagion.threshold")),
      steepness(p.real("contagion.steepness")),
      at_zero(rules::logistic_response(0.0, threshold, steepness)),
      unit(1.0),
      tie_weight{1, 1, 1, 1},
      hood_capacity(p.real("organisers.neighbourhood_capacity")),
      next_event(p.text("schedule") == "next_event") {
  if (!weighted) return;
  const char* layers[] = {"household", "close", "friends", "acquaintance"};
  for (int l = 0; l < 4; ++l) {
    tie_weight[l] = static_cast<std::int32_t>(p.integer(std::string("contagion.weights.") + layers[l]));
    unit = std::max(unit, static_cast<double>(tie_weight[l]));
  }
}

Organising::Organising(const ParamValues& p, const World& world)
    : world_(world), rates_(p), placement_(p, world.population, world.graph.nodes()), plans_(cohort_plans(p)) {
  recruited_kind_ = {0,
                     true,
                     p.real("kinds.volunteer.one_to_ones_per_step"),
                     0,
                     static_cast<std::uint32_t>(p.integer("kinds.volunteer.training_steps")),
                     0,
                     p.real("kinds.volunteer.turnover_per_year"),
                     p.integer("kinds.volunteer.volunteers_to_recruit")};
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
  unmatched_.assign(hoods, -1.0);
  hood_active_.assign(hoods, 0);
  campaign_group_.assign(hoods, no_campaign);
  campaign_end_.assign(hoods, 0);
  rest_until_.assign(hoods, 0);
  outcome_now_.assign(hoods, CampaignOutcome::none);
  hood_met_.assign(hoods, 0);
  hood_leader_contacts_.assign(hoods, 0);
  count_sizes();
  std::int64_t planned = 0, recruits = 0;
  for (const CohortPlan& c : plans_) {
    planned += c.count;
    recruits += c.count * c.recruits;
  }
  // Recruited volunteers are appended during the run: reserve once so the
  // arrays never reallocate mid-run (recruits of recruits may exceed this).
  roster_.reserve(static_cast<std::size_t>(planned + std::min<std::int64_t>(recruits, static_cast<std::int64_t>(n))));
}

namespace {
// Participating contacts are counted in 16 bits (ContactCount).
void check_contact_count(std::int64_t most, const char* what) {
  if (most > max_contact_count)
    throw InputError("graph: a citizen has " + std::to_string(most) + " " + what +
                     " but the organising model counts a citizen's participating contacts in 16 bits; allowed: at "
                     "most " +
                     std::to_string(max_contact_count) + " per citizen (with tie weights, use smaller whole weights)");
}
}  // namespace

// What never changes in a run: degrees (below 255 in a byte), quintiles and
// the sizes of quintiles and groups.
void Organising::count_sizes() {
  const Population& pop = world_.population;
  const std::size_t n = world_.graph.nodes(), hoods = pop.neighbourhoods();
  degree_.resize(n);
  high_degree_.assign(hoods, 0);
  std::uint32_t most_ties = 0;
#pragma omp parallel for schedule(dynamic, 64) reduction(max : most_ties)
  for (std::int64_t h = 0; h < static_cast<std::int64_t>(hoods); ++h)
    for (std::uint64_t v = pop.neighbourhood_start[h]; v < pop.neighbourhood_start[h + 1]; ++v) {
      const std::uint32_t k = world_.graph.degree(static_cast<NodeId>(v));
      degree_[v] = static_cast<std::uint8_t>(std::min<std::uint32_t>(k, 255));
      high_degree_[h] |= k >= 255;
      most_ties = std::max(most_ties, k);
    }
  check_contact_count(most_ties, "ties");
  if (rates_.weighted) {
    if (world_.graph.layers.empty())
      throw InputError(
          "model.contagion.tie_weights: true needs a graph with tie layers (graph.type: community with "
          "graph.fabric: clustered); this graph has none");
    weighted_degree_.resize(n);
#pragma omp parallel for schedule(dynamic, 4096)
    for (std::int64_t v = 0; v < static_cast<std::int64_t>(n); ++v) {
      std::int32_t w = 0;
      for (std::uint64_t e = world_.graph.offsets[v]; e < world_.graph.offsets[v + 1]; ++e) w += tie_weight(e);
      weighted_degree_[static_cast<std::size_t>(v)] = w;
    }
    if (n > 0)
      check_contact_count(*std::max_element(weighted_degree_.begin(), weighted_degree_.end()),
                          "ties, weighted by model.contagion.weights.*,");
  }
  if (rates_.complex) {
    std::int32_t most = 0;
    for (std::size_t v = 0; v < n; ++v)
      most = std::max(most, rates_.weighted ? weighted_degree_[v]
                                            : static_cast<std::int32_t>(world_.graph.degree(static_cast<NodeId>(v))));
    pull_by_count_ = pull_by_count_table(most, rates_.leader_weight - 1, rates_.threshold, rates_.steepness,
                                         rates_.at_zero, rates_.unit);
  }
  if (rates_.hood_capacity > 0) {
    hood_factor_.assign(hoods, 1.0);
    hood_demand_.assign(hoods, 0.0);
  }
  hood_quintile_.resize(hoods);
  for (std::size_t h = 0; h < hoods; ++h) {
    hood_quintile_[h] = static_cast<std::uint8_t>(pop.deprivation_quintile(static_cast<std::uint32_t>(h)));
    q_size_[hood_quintile_[h] - 1] +=
        static_cast<std::int64_t>(pop.neighbourhood_start[h + 1] - pop.neighbourhood_start[h]);
  }
  for (std::size_t v = 0; v < n; ++v) ++g_size_[static_cast<int>(pop.group[v])];
  efficacy_partial_.assign(static_cast<std::size_t>((static_cast<std::int64_t>(n) + tally_block - 1) / tally_block),
                           0.0);
  efficacy_dirty_.assign(efficacy_partial_.size(), 1);
}

void Organising::initialise(const StepContext& ctx) {
  const auto hoods = static_cast<std::int64_t>(world_.population.neighbourhoods());
  ParallelErrors errors;  // fitting a neighbourhood's baseline allocates
#pragma omp parallel for schedule(dynamic, 16)
  for (std::int64_t h = 0; h < hoods; ++h) errors.run([&] { start_neighbourhood(ctx, static_cast<std::uint32_t>(h)); });
  errors.rethrow();
  refuse_unmatched_baseline();
  std::fill(meetings_.begin(), meetings_.end(), 0);
  std::fill(met_now_.begin(), met_now_.end(), 0);
  std::fill(flags_.begin(), flags_.end(), 0);
  std::fill(last_met_.begin(), last_met_.end(), never_met);
  std::fill(hood_met_.begin(), hood_met_.end(), 0);
  recount_contacts();
  list_leaders();
  place_organisers(ctx);
  current_step_ = ctx.step;  // 0: measure_neighbourhoods counts the organisers in post at the start
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
  start_schedule(ctx);
}

// Each week, in this order: campaigns end or start; organisers and leaders
// hold one-to-ones (from the state at the start of the week) and organisers
// recruit volunteer organisers; then every citizen decides (or, under
// schedule next_event, those whose turn it is: next_event.cpp). Small loops
// (campaigns over few neighbourhoods, few organisers or leaders) stay on one
// thread: each parallel region costs a barrier, which is dear when the
// machine is shared. met_now_ is all zero here: update_citizens resets it as
// it reads it.
void Organising::step(const StepContext& ctx) {
  current_step_ = ctx.step;
  run_campaigns(ctx);
  meetings_held_ = organisers_meet(ctx) + leaders_meet(ctx);
  recruit_volunteer_organisers();
  if (rates_.leaders_per_organiser > 0) limit_promotions();
  update_citizens(ctx);
}

void Organising::measure(std::span<double> out) const {
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
  out[m_spend] = rates_.cost * static_cast<double>(started_);
}

// Participation per neighbourhood from the integer counts apply_changes()
// keeps (no pass over citizens): the same for any thread count. Then the
// organisers at work by the neighbourhood they are based in, from the roster
// (one pass over organisers): those organisers_meet() counted as working this
// week, so they add up to organisers_active. At step 0, as initialise()
// counts, those starting at once.
void Organising::measure_neighbourhoods(std::span<double> out) const {
  const Population& pop = world_.population;
  const std::size_t hoods = hood_active_.size();
  for (std::size_t h = 0; h < hoods; ++h) {
    const std::uint64_t size = pop.neighbourhood_start[h + 1] - pop.neighbourhood_start[h];
    out[h] = size ? static_cast<double>(hood_active_[h]) / static_cast<double>(size) : 0.0;
  }
  const std::span<double> based = out.subspan(hoods, hoods);
  std::fill(based.begin(), based.end(), 0.0);
  const std::uint32_t t = current_step_;
  for (std::size_t o = 0; o < roster_.size(); ++o) {
    const bool working = t == 0 ? roster_.start[o] == 0 : t <= rates_.stop_after && roster_.capacity(o, t) > 0;
    if (working) based[roster_.home[o]] += 1.0;
  }
}

// Everything step() carries from one week to the next; the rest is rebuilt
// by initialise() from the seed or recounted by restored().
std::vector<StateArray> Organising::state_arrays() {
  Roster& r = roster_;
  std::vector<StateArray> arrays = {state_vector("state", state_),
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
  if (rates_.next_event) {
    arrays.push_back(state_vector("next_week", next_week_));
  }
  return arrays;
}
void Organising::restored() {
  recount_contacts();
  const Population& pop = world_.population;
  for (std::size_t v = 0; v < last_met_.size(); ++v)
    if (last_met_[v] != never_met) hood_met_[pop.neighbourhood[v]] = 1;
  list_leaders();
  tally_all();
}

namespace {

// organisers.count (the single-cohort form, paid) plus every cohort's count.
OrganiserFacts organiser_facts(const ParamValues& p) {
  OrganiserFacts facts;
  facts.count = p.integer("organisers.count");
  bool paid = facts.count > 0, volunteer = false;
  for (const ParamValues& cohort : p.records("organisers.cohorts")) {
    const std::int64_t n = cohort.integer("count");
    facts.count += n;
    bool& seen = cohort.text("kind") == "volunteer" ? volunteer : paid;
    seen = seen || n > 0;
  }
  facts.kinds = paid && volunteer ? "paid and volunteer" : paid ? "paid" : volunteer ? "volunteer" : "";
  facts.cost_per_organiser = p.real("organisers.cost_per_organiser");
  return facts;
}

}  // namespace

}  // namespace gs::organising

GROUNDSWELL_REGISTER_MODEL(
    organising, "organising",
    "Organisers' one-to-ones, social influence, drop-out, leaders, volunteer organisers, campaigns",
    gs::organising::parameters(), gs::organising::metrics(),
    [](const gs::ParamValues& p, const gs::World& w) -> std::unique_ptr<gs::Model> {
      return std::make_unique<gs::organising::Organising>(p, w);
    },
    gs::organising::neighbourhood_metrics(), gs::organising::organiser_facts)
