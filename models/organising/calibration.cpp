// The state at step 0: efficacy drawn around the neighbourhood's mean, and a
// spontaneous joining rate per neighbourhood chosen so that the expected
// share taking part matches the declared baseline for its deprivation; then
// who takes part, drawn from each person's long-run chance of being in.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "models/organising/model.hpp"
#include "models/organising/rules.hpp"
#include "sim/core/input_error.hpp"

namespace gs::organising {
namespace {

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

// The declared baseline participation of an area of this deprivation rank:
// mean 1 over areas (ranks are uniform), most/least deprived = 1 - gap.
double Organising::area_baseline(double deprivation) const {
  return rates_.baseline * (1 - rates_.gap * deprivation) / (1 - rates_.gap / 2);
}

void Organising::start_neighbourhood(const StepContext& ctx, std::uint32_t h) {
  const Population& pop = world_.population;
  const std::uint64_t first = pop.neighbourhood_start[h], last = pop.neighbourhood_start[h + 1];
  const double d = pop.deprivation[h];
  const double centre =
      std::log(rates_.efficacy_mean / (1 - rates_.efficacy_mean)) - rates_.efficacy_deprivation * (d - 0.5);
  double sum = 0;
  for (std::uint64_t v = first; v < last; ++v) {
    Stream rng(ctx.seed, ctx.replicate, 0, static_cast<std::uint32_t>(v), draw_efficacy);
    efficacy_[v] = static_cast<float>(logistic(centre + rates_.efficacy_spread * rng.normal()));
    sum += efficacy_[v];
  }
  typical_efficacy_[h] = last > first ? static_cast<float>(sum / static_cast<double>(last - first)) : 0.5f;
  const double p0 = area_baseline(d);
  BaselineFit fit = fit_spontaneous_rate(p0, first, last);
  spontaneous_[h] = fit.spontaneous;
  unmatched_[h] = fit.without_spontaneous > p0 * (1 + 1e-9) ? fit.without_spontaneous : -1.0;
  std::int32_t active = 0;
  for (std::uint64_t v = first; v < last; ++v) {
    Stream rng(ctx.seed, ctx.replicate, 0, static_cast<std::uint32_t>(v), draw_initial);
    const bool joins = rng.bernoulli(fit.in_chance(v, spontaneous_[h]));
    state_[v] = joins ? participant : inactive;
    weeks_in_[v] = joins ? 52 : 0;
    active += joins;
  }
  hood_active_[h] = active;
  campaign_group_[h] = no_campaign;
  campaign_end_[h] = rest_until_[h] = 0;
  outcome_now_[h] = CampaignOutcome::none;
}

// Each person is a two-state chain: in with chance join / (join + out) at
// equilibrium (rules::equilibrium_in), join and out being the rules' joining
// chance and drop-out hazard with no organisers, and s the participating
// share of their k contacts, about Binomial(k, p0) / k. The spontaneous rate
// a is chosen so that the area's mean is p0, on a sample of residents
// (bisection: the mean rises with a). The binomial weights, shares and
// drop-out hazards depend on the degree only: tabulated once per degree.
// Under complex contagion the pull is that of the j participating ties;
// with tie weights each counts v's mean tie weight, and the share is taken
// as j / k, its expectation (an approximation: the fit is checked against
// the simulated baseline in docs/models/organising.md).
Organising::BaselineFit Organising::fit_spontaneous_rate(double p0, std::uint64_t first, std::uint64_t last) const {
  BaselineFit fit;
  fit.model = this;
  fit.p0 = p0;
  const std::uint64_t stride = std::max<std::uint64_t>(1, (last - first) / 64);
  auto mean_in = [&](double a) {
    double in = 0;
    std::uint64_t count = 0;
    for (std::uint64_t v = first; v < last; v += stride, ++count) in += fit.in_chance(v, a);
    return count ? in / static_cast<double>(count) : 0.0;
  };
  double lo = 0, hi = 1;
  fit.without_spontaneous = mean_in(0);
  if (fit.without_spontaneous >= p0) hi = 0;
  for (int i = 0; i < 24 && hi > 0; ++i) (mean_in(0.5 * (lo + hi)) < p0 ? lo : hi) = 0.5 * (lo + hi);
  fit.spontaneous = hi;
  return fit;
}

std::size_t Organising::BaselineFit::table(std::uint32_t k) {
  if (k >= table_at.size()) table_at.resize(static_cast<std::size_t>(k) + 1, -1);
  if (table_at[k] < 0) {
    table_at[k] = static_cast<std::int64_t>(weights.size());
    double term = std::pow(1 - p0, k);  // P(j = 0)
    for (std::uint32_t j = 0; j <= k; ++j) {
      const double share = k ? static_cast<double>(j) / k : 0.0;
      weights.push_back(term);
      shares.push_back(share);
      outs.push_back(
          rules::dropout_hazard(model->rates_.dropout, model->rates_.reinforcement, share, false, 1.0, false, 1.0));
      if (j < k) term *= (p0 < 1 ? p0 / (1 - p0) : 0.0) * static_cast<double>(k - j) / (j + 1);
    }
  }
  return static_cast<std::size_t>(table_at[k]);
}

// The long-run chance that resident v takes part, given spontaneous rate a.
double Organising::BaselineFit::in_chance(std::uint64_t v, double a) {
  const std::uint32_t k = model->world_.graph.degree(static_cast<NodeId>(v));
  const double g = model->efficacy_factor(v);
  const std::size_t t = table(k);
  const Rates& r = model->rates_;
  // Complex contagion: j participating ties, each of v's mean tie weight.
  const double tie = r.weighted && k ? model->weighted_degree_[v] / (k * r.unit) : 1.0;
  double chance = 0;
  for (std::uint32_t j = 0; j <= k; ++j) {
    const double pull = r.complex ? rules::complex_pull(j * tie, r.threshold, r.steepness, r.at_zero) : shares[t + j];
    const double join = rules::own_joining_chance(g, a, r.influence, pull, 0.0);
    chance += weights[t + j] * rules::equilibrium_in(join, outs[t + j], p0);
  }
  return chance;
}

// A baseline that social influence alone exceeds cannot be matched (the
// spontaneous rate cannot go below 0): refused, naming the parameters.
void Organising::refuse_unmatched_baseline() const {
  const Population& pop = world_.population;
  for (std::size_t h = 0; h < unmatched_.size(); ++h) {
    if (unmatched_[h] < 0) continue;
    char message[700];
    const char* influence_key = rates_.complex ? "model.contagion.influence" : "model.social_influence";
    std::snprintf(message, sizeof message,
                  "model.baseline_participation=%g cannot be matched: with %s=%g, "
                  "model.weekly_dropout=%g and model.reinforcement=%g, social influence alone keeps %.4f taking "
                  "part in neighbourhood %zu (deprivation rank %.3f), where the baseline and "
                  "model.deprivation_gap=%g declare %.4f. Lower %s or model.reinforcement, or "
                  "raise model.baseline_participation or model.weekly_dropout",
                  rates_.baseline, influence_key, rates_.influence, rates_.dropout, rates_.reinforcement, unmatched_[h],
                  h, static_cast<double>(pop.deprivation[h]), rates_.gap, area_baseline(pop.deprivation[h]),
                  influence_key);
    throw InfeasibleParameters(message);
  }
}

}  // namespace gs::organising
