// Campaigns: neighbourhoods where enough people take part take up one
// group's issue; the campaign's end moves residents' efficacy (rules.hpp).
#include "models/organising/model.hpp"
#include "models/organising/rules.hpp"

namespace gs::organising {

// Neighbourhoods above the threshold start campaigns on one group's issue;
// a campaign ends in a win or a loss that moves residents' efficacy (applied
// in update_citizens through outcome_now_).
void Organising::run_campaigns(const StepContext& ctx) {
  std::int64_t won = 0, lost = 0;
  if (rates_.campaigns) {
    const Population& pop = world_.population;
    const auto hoods = static_cast<std::int64_t>(pop.neighbourhoods());
#pragma omp parallel for schedule(static, 256) reduction(+ : won, lost) if (hoods > 4096)
    for (std::int64_t h = 0; h < hoods; ++h) {
      outcome_now_[h] = CampaignOutcome::none;
      const auto size = static_cast<double>(pop.neighbourhood_start[h + 1] - pop.neighbourhood_start[h]);
      const double p = size > 0 ? hood_active_[h] / size : 0.0;
      Stream rng(ctx.seed, ctx.replicate, ctx.step, static_cast<std::uint32_t>(h), campaign_draws);
      if (campaign_group_[h] != no_campaign) {
        if (ctx.step < campaign_end_[h]) continue;
        const bool win = rng.bernoulli(rules::campaign_win_chance(p, rates_.opposition));
        outcome_now_[h] = win ? CampaignOutcome::won : CampaignOutcome::lost;
        won += win;
        lost += !win;
        campaign_group_[h] = no_campaign;
        rest_until_[h] = ctx.step + rates_.campaign_rest;
      } else if (ctx.step >= rest_until_[h] && p > rates_.campaign_threshold && rng.bernoulli(rates_.campaign_start)) {
        // Issues of patients, parents or tenants (not "other").
        campaign_group_[h] = static_cast<std::uint8_t>(rng.below(3));
        campaign_end_[h] = ctx.step + rates_.campaign_steps;
      }
    }
  }
  won_ = won;
  lost_ = lost;
}

}  // namespace gs::organising
