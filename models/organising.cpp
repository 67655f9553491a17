// Community organising (first version). Citizens are inactive, participants
// or leaders, with an efficacy in [0, 1]: their belief that acting together
// changes things. Trained organisers hold one-to-one meetings in their
// neighbourhood, following relationships; meetings raise efficacy and recruit;
// participation spreads through contacts and fades without them; people met
// repeatedly become leaders who hold one-to-ones of their own.
// Defaults, sources and the order of events: docs/models/organising.md.
#include <algorithm>
#include <atomic>
#include <cmath>

#include "sim/engine/model.hpp"
#include "sim/engine/random.hpp"

namespace gs {
namespace {

enum State : std::uint8_t { inactive = 0, participant = 1, leader = 2 };
enum : Purpose { draw_efficacy = 1, draw_initial, draw_join, draw_stay, draw_promote, place_organiser,
                 organiser_meetings, leader_meetings };

std::vector<ParamSpec> organising_params() {
  return {
      ParamSpec::real("baseline_participation", 0.16).range(0, 0.95)
          .describe("Share taking part with no organisers (Community Life Survey 2019/20: 16% in local social action)"),
      ParamSpec::real("deprivation_gap", 0.3).range(0, 0.99)
          .describe("1 - (baseline in the most deprived / least deprived area); CLS 2016/17: 34% vs 48% gives 0.3"),
      ParamSpec::real("efficacy.mean", 0.5).range(0.01, 0.99).describe("Median initial efficacy in an average area"),
      ParamSpec::real("efficacy.spread", 1.0).range(0, 5).units("logit s.d.")
          .describe("Spread of initial efficacy between people (logit-normal)"),
      ParamSpec::real("efficacy.deprivation_effect", 0.6).range(0, 5).units("logit")
          .describe("How much lower initial efficacy is in the most deprived area than in the least"),
      ParamSpec::real("weekly_dropout", 0.0062).range(0, 1).units("per week")
          .describe("Drop-out hazard without participating contacts: 0.0062/week is 28% a year (surveys: 20-36%)"),
      ParamSpec::real("reinforcement", 0.6).range(0, 1)
          .describe("How far participating contacts cut drop-out: hazard x (1 - reinforcement x contact share)"),
      ParamSpec::real("social_influence", 0.005).range(0, 1).units("per week")
          .describe("Weekly chance of joining per unit share of participating contacts, at average efficacy"),
      ParamSpec::integer("organisers.count", 0).range(0, 100000000).scales().units("organisers")
          .describe("Trained organisers, each based in one neighbourhood"),
      ParamSpec::real("organisers.one_to_ones_per_step", 10).range(0, 200).units("meetings per week")
          .describe("One-to-ones per organiser per week (Big Society target: 500 people in a 51-week year)"),
      ParamSpec::real("organisers.development_share", 0.3).range(0, 1)
          .describe("Share of an organiser's one-to-ones spent developing existing participants"),
      ParamSpec::integer("organisers.search_tries", 8).range(1, 1000)
          .describe("Residents an organiser considers per meeting, preferring inactive people with participating contacts"),
      ParamSpec::real("one_to_one.efficacy_gain", 0.15).range(0, 1)
          .describe("A meeting closes this share of the gap between a person's efficacy and 1"),
      ParamSpec::real("one_to_one.recruit_chance", 0.25).range(0, 1)
          .describe("Chance a one-to-one recruits an inactive person of average efficacy"),
      ParamSpec::integer("leaders.min_meetings", 3).range(1, 255)
          .describe("One-to-ones a participant needs before they can become a leader"),
      ParamSpec::integer("leaders.min_weeks", 12).range(0, 10000).units("weeks")
          .describe("Weeks of participation before they can become a leader"),
      ParamSpec::real("leaders.chance", 0.05).range(0, 1).units("per week")
          .describe("Weekly chance an eligible participant becomes a leader"),
      ParamSpec::real("leaders.one_to_ones_per_step", 0.5).range(0, 50).units("meetings per week")
          .describe("One-to-ones a leader holds with their own contacts each week"),
      ParamSpec::real("leaders.influence_weight", 2.0).range(1, 100)
          .describe("A leader counts this many times a participant in their contacts' influence"),
      ParamSpec::real("leaders.dropout_factor", 0.5).range(0, 1)
          .describe("Leaders' drop-out hazard as a multiple of participants'"),
  };
}

std::vector<MetricSpec> organising_metrics() {
  std::vector<MetricSpec> m = {
      {"participation", "Share of citizens who are participants or leaders", "share"},
      {"leaders", "Share of citizens who are leaders", "share"},
      {"mean_efficacy", "Mean efficacy over all citizens", "efficacy"},
      {"one_to_ones", "One-to-one meetings held in the step (organisers and leaders)", "meetings"},
      {"organisers_active", "Organisers working in the step", "organisers"},
      {"reached", "Share of citizens who have had at least one one-to-one (cumulative)", "share"},
  };
  for (int q = 1; q <= 5; ++q)
    m.push_back({"participation_q" + std::to_string(q),
                 "Participation in deprivation quintile " + std::to_string(q) + " (1 = most deprived fifth)", "share"});
  return m;
}

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

class Organising final : public Model {
 public:
  Organising(const ParamValues& p, const World& world) : world_(world) {
    baseline_ = p.real("baseline_participation");
    gap_ = p.real("deprivation_gap");
    efficacy_mean_ = p.real("efficacy.mean");
    efficacy_spread_ = p.real("efficacy.spread");
    efficacy_deprivation_ = p.real("efficacy.deprivation_effect");
    dropout_ = p.real("weekly_dropout");
    reinforcement_ = p.real("reinforcement");
    influence_ = p.real("social_influence");
    organisers_ = static_cast<std::uint32_t>(p.integer("organisers.count"));
    organiser_rate_ = p.real("organisers.one_to_ones_per_step");
    development_share_ = p.real("organisers.development_share");
    search_tries_ = static_cast<int>(p.integer("organisers.search_tries"));
    gain_ = p.real("one_to_one.efficacy_gain");
    recruit_ = p.real("one_to_one.recruit_chance");
    leader_meetings_needed_ = static_cast<std::uint8_t>(p.integer("leaders.min_meetings"));
    leader_weeks_needed_ = static_cast<std::uint16_t>(std::min<std::int64_t>(p.integer("leaders.min_weeks"), 65535));
    leader_chance_ = p.real("leaders.chance");
    leader_rate_ = p.real("leaders.one_to_ones_per_step");
    leader_weight_ = p.real("leaders.influence_weight");
    leader_dropout_ = p.real("leaders.dropout_factor");

    const std::size_t n = world.graph.nodes();
    state_.assign(n, inactive);
    next_.assign(n, inactive);
    efficacy_.assign(n, 0.0f);
    meetings_.assign(n, 0);
    met_now_.assign(n, 0);
    weeks_in_.assign(n, 0);
    active_contacts_.assign(n, 0);
    leader_contacts_.assign(n, 0);
    const std::size_t hoods = world.population.neighbourhoods();
    typical_efficacy_.assign(hoods, 0.5f);
    spontaneous_.assign(hoods, 0.0);
    organiser_home_.assign(organisers_, 0);
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
      // Spontaneous joining chosen so that p0 is the mean-field equilibrium
      // with no organisers: inflow (1-p0)(a + b p0) = outflow p0 h (1 - r p0).
      spontaneous_[h] = std::max(0.0, p0 * dropout_ * (1 - reinforcement_ * p0) / (1 - p0) - influence_ * p0);
      for (std::uint64_t v = first; v < last; ++v) {
        Stream rng(ctx.seed, ctx.replicate, 0, static_cast<std::uint32_t>(v), draw_initial);
        const bool joins = rng.bernoulli(p0 * efficacy_factor(v));
        state_[v] = joins ? participant : inactive;
        weeks_in_[v] = joins ? 52 : 0;
      }
    }
    recount_contacts();
    // Organisers live where people live: a random citizen's neighbourhood.
    // Keyed by organiser index, so the first N organisers of a larger
    // scenario sit where the N of a smaller one do (common random numbers).
    for (std::uint32_t o = 0; o < organisers_; ++o) {
      Stream rng(ctx.seed, ctx.replicate, 0, o, place_organiser);
      organiser_home_[o] = pop.neighbourhood[rng.below(world_.graph.nodes())];
    }
    meetings_held_ = 0;
  }

  void step(const StepContext& ctx) override {
    std::fill(met_now_.begin(), met_now_.end(), 0);
    meetings_held_ = organisers_meet(ctx) + leaders_meet(ctx);
    update_citizens(ctx);
    apply_changes();
    state_.swap(next_);
  }

  void measure(std::span<double> out) const override {
    const Population& pop = world_.population;
    const double n = static_cast<double>(world_.graph.nodes());
    std::int64_t active = 0, leaders = 0, reached = 0;
    std::int64_t q_active[5] = {0, 0, 0, 0, 0}, q_size[5] = {0, 0, 0, 0, 0};
    const auto hoods = static_cast<std::int64_t>(pop.neighbourhoods());
#pragma omp parallel for schedule(dynamic, 16) reduction(+ : active, leaders, reached, q_active[:5], q_size[:5])
    for (std::int64_t h = 0; h < hoods; ++h) {
      const int q = 4 - pop.deprivation_quintile(static_cast<std::uint32_t>(h));  // 0 = most deprived
      std::int64_t a = 0;
      for (std::uint64_t v = pop.neighbourhood_start[h]; v < pop.neighbourhood_start[h + 1]; ++v) {
        a += state_[v] != inactive;
        leaders += state_[v] == leader;
        reached += meetings_[v] > 0;
      }
      active += a;
      q_active[q] += a;
      q_size[q] += static_cast<std::int64_t>(pop.neighbourhood_start[h + 1] - pop.neighbourhood_start[h]);
    }
    out[0] = static_cast<double>(active) / n;
    out[1] = static_cast<double>(leaders) / n;
    out[2] = ordered_sum(world_.graph.nodes(), [&](std::size_t v) { return double{efficacy_[v]}; }) / n;
    out[3] = static_cast<double>(meetings_held_);
    out[4] = organisers_;
    out[5] = static_cast<double>(reached) / n;
    for (int q = 0; q < 5; ++q)
      out[6 + q] = q_size[q] ? static_cast<double>(q_active[q]) / static_cast<double>(q_size[q]) : 0.0;
  }

  std::vector<StateArray> state_arrays() override {
    return {{"state", state_.data(), state_.size()},
            {"efficacy", efficacy_.data(), efficacy_.size() * sizeof(float)},
            {"meetings", meetings_.data(), meetings_.size()},
            {"weeks_in", weeks_in_.data(), weeks_in_.size() * sizeof(std::uint16_t)}};
  }
  void restored() override { recount_contacts(); }

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
  void meet(std::uint64_t v) {
    std::atomic_ref<std::uint8_t> slot(met_now_[v]);
    std::uint8_t seen = slot.load(std::memory_order_relaxed);
    while (seen < 255 && !slot.compare_exchange_weak(seen, static_cast<std::uint8_t>(seen + 1), std::memory_order_relaxed)) {
    }
  }

  // Organisers pick residents from the state at the start of the step, so the
  // order in which organisers act does not matter.
  std::int64_t organisers_meet(const StepContext& ctx) {
    const Population& pop = world_.population;
    std::int64_t held = 0;
    const auto count = static_cast<std::int64_t>(organisers_);
#pragma omp parallel for schedule(dynamic, 8) reduction(+ : held)
    for (std::int64_t o = 0; o < count; ++o) {
      Stream rng(ctx.seed, ctx.replicate, ctx.step, static_cast<std::uint32_t>(o), organiser_meetings);
      const std::uint32_t h = organiser_home_[o];
      const std::uint64_t first = pop.neighbourhood_start[h], size = pop.neighbourhood_start[h + 1] - first;
      for (std::uint32_t m = how_many(rng, organiser_rate_); m > 0; --m) {
        const bool develop = rng.bernoulli(development_share_);
        std::uint64_t chosen = UINT64_MAX, fallback = UINT64_MAX;
        for (int t = 0; t < search_tries_ && chosen == UINT64_MAX; ++t) {
          const std::uint64_t v = first + rng.below(size);
          if (develop) {
            if (state_[v] == participant) chosen = v;
          } else if (state_[v] == inactive) {
            if (active_contacts_[v] > 0) chosen = v;
            else if (fallback == UINT64_MAX) fallback = v;
          }
        }
        if (chosen == UINT64_MAX) chosen = fallback;
        if (chosen != UINT64_MAX) {
          meet(chosen);
          ++held;
        }
      }
    }
    return held;
  }

  std::int64_t leaders_meet(const StepContext& ctx) {
    if (leader_rate_ <= 0) return 0;
    std::int64_t held = 0;
    const auto n = static_cast<std::int64_t>(world_.graph.nodes());
#pragma omp parallel for schedule(dynamic, 4096) reduction(+ : held)
    for (std::int64_t v = 0; v < n; ++v) {
      if (state_[v] != leader) continue;
      const auto contacts = world_.graph.neighbours(static_cast<NodeId>(v));
      if (contacts.empty()) continue;
      Stream rng(ctx.seed, ctx.replicate, ctx.step, static_cast<std::uint32_t>(v), leader_meetings);
      for (std::uint32_t m = how_many(rng, leader_rate_); m > 0; --m) {
        const NodeId u = contacts[rng.below(contacts.size())];
        if (state_[u] == leader) continue;
        meet(u);
        ++held;
      }
    }
    return held;
  }

  void update_citizens(const StepContext& ctx) {
    const auto n = static_cast<std::int64_t>(world_.graph.nodes());
#pragma omp parallel for schedule(static, 4096)
    for (std::int64_t v = 0; v < n; ++v) {
      const std::uint8_t met = met_now_[v];
      if (met > 0) {
        efficacy_[v] = static_cast<float>(1.0 - (1.0 - efficacy_[v]) * std::pow(1.0 - gain_, met));
        meetings_[v] = static_cast<std::uint8_t>(std::min(255, meetings_[v] + met));
      }
      const double share = contact_share(static_cast<std::uint64_t>(v));
      const auto id = static_cast<std::uint32_t>(v);
      std::uint8_t s = state_[v];
      if (s == inactive) {
        const double g = efficacy_factor(static_cast<std::uint64_t>(v));
        const double own = std::min(1.0, g * (spontaneous_[world_.population.neighbourhood[v]] + influence_ * share));
        const double recruited = 1.0 - std::pow(1.0 - std::min(1.0, recruit_ * g), met);
        if (Stream(ctx.seed, ctx.replicate, ctx.step, id, draw_join).bernoulli(1.0 - (1.0 - own) * (1.0 - recruited))) {
          s = participant;
          weeks_in_[v] = 0;
        }
      } else {
        // A one-to-one in the week keeps a person in; otherwise the hazard
        // falls with the share of participating contacts.
        const double hazard = met > 0 ? 0.0
                                      : dropout_ * (1.0 - reinforcement_ * share) * (s == leader ? leader_dropout_ : 1.0);
        if (Stream(ctx.seed, ctx.replicate, ctx.step, id, draw_stay).bernoulli(hazard)) {
          s = inactive;
          weeks_in_[v] = 0;
        } else {
          if (weeks_in_[v] < 65535) ++weeks_in_[v];
          if (s == participant && meetings_[v] >= leader_meetings_needed_ && weeks_in_[v] >= leader_weeks_needed_ &&
              Stream(ctx.seed, ctx.replicate, ctx.step, id, draw_promote).bernoulli(leader_chance_))
            s = leader;
        }
      }
      next_[v] = s;
    }
  }

  // Push each change to the contact counts of the changed person's contacts.
  // Integer additions commute, so the result does not depend on thread order.
  void apply_changes() {
    const auto n = static_cast<std::int64_t>(world_.graph.nodes());
#pragma omp parallel for schedule(dynamic, 4096)
    for (std::int64_t v = 0; v < n; ++v) {
      const std::uint8_t before = state_[v], after = next_[v];
      if (before == after) continue;
      const std::int32_t d_active = (after != inactive) - (before != inactive);
      const std::int32_t d_leader = (after == leader) - (before == leader);
      for (NodeId u : world_.graph.neighbours(static_cast<NodeId>(v))) {
        if (d_active) std::atomic_ref<std::int32_t>(active_contacts_[u]).fetch_add(d_active, std::memory_order_relaxed);
        if (d_leader) std::atomic_ref<std::int32_t>(leader_contacts_[u]).fetch_add(d_leader, std::memory_order_relaxed);
      }
    }
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
  }

  const World& world_;
  double baseline_, gap_, efficacy_mean_, efficacy_spread_, efficacy_deprivation_, dropout_, reinforcement_, influence_;
  std::uint32_t organisers_;
  double organiser_rate_, development_share_;
  int search_tries_;
  double gain_, recruit_;
  std::uint8_t leader_meetings_needed_;
  std::uint16_t leader_weeks_needed_;
  double leader_chance_, leader_rate_, leader_weight_, leader_dropout_;

  std::vector<std::uint8_t> state_, next_, meetings_, met_now_;
  std::vector<float> efficacy_;
  std::vector<std::uint16_t> weeks_in_;
  std::vector<std::int32_t> active_contacts_, leader_contacts_;
  std::vector<float> typical_efficacy_;
  std::vector<double> spontaneous_;
  std::vector<std::uint32_t> organiser_home_;
  std::int64_t meetings_held_ = 0;
};

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_MODEL(organising, "organising",
                           "Organisers' one-to-ones, social influence, drop-out and leadership development",
                           gs::organising_params(), gs::organising_metrics(),
                           [](const gs::ParamValues& p, const gs::World& w) -> std::unique_ptr<gs::Model> {
                             return std::make_unique<gs::Organising>(p, w);
                           })
