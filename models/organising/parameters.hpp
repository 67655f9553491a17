#pragma once
// The organising model's parameters and metrics, declared once. Each default's
// source or reasoning is in its description and in docs/models/organising.md
// (whose table is generated from this list and checked by a test).
#include <iterator>
#include <string>
#include <vector>

#include "sim/engine/model.hpp"

namespace gs::organising {

inline std::vector<ParamSpec> cohort_fields() {
  // Parameter declarations read as a table, one per entry.
  // clang-format off
  return {
      ParamSpec::integer("count", 0).range(0, 100000000).scales().units("organisers")
          .describe("Organisers in the cohort"),
      ParamSpec::choice("kind", "paid", {"paid", "volunteer"})
          .describe("paid: full-time trainee (Big Society); volunteer: part-time activist (Movement for Change)"),
      ParamSpec::real("one_to_ones_per_step", -1).range(-1, 200).units("meetings per week")
          .describe("One-to-ones per organiser per week at full capacity; -1: the kind's rate (kinds.*)"),
      ParamSpec::integer("start_step", 0).range(0, 100000).units("weeks").describe("Week the cohort starts work"),
      ParamSpec::integer("training_steps", -1).range(-1, 100000).units("weeks")
          .describe("Ramp-up: capacity rises linearly to full over these weeks; -1: the kind's value"),
      ParamSpec::integer("active_steps", 0).range(0, 100000).units("weeks")
          .describe("Weeks the cohort works before its term ends (0: until the end of the run)"),
      ParamSpec::real("turnover_per_year", -1).range(-1, 1).units("share per year")
          .describe("Share of the cohort leaving per year; -1: the kind's value"),
  };
  // clang-format on
}

// Parameter declarations read as a table, one per entry, in groups.
// Everyone: baseline participation, efficacy, drop-out, social influence.
inline std::vector<ParamSpec> population_parameters() {
  // clang-format off
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
      ParamSpec::real("attrition.after_one_to_one", 0.5).range(0, 1)
          .describe("Drop-out hazard multiplier for people who had a one-to-one in the last attrition.memory_steps weeks"),
      ParamSpec::integer("attrition.memory_steps", 12).range(0, 10000).units("weeks")
          .describe("How long a one-to-one keeps lowering the drop-out hazard (a quarter)"),
  };
  // clang-format on
}

// Organisers: the single-cohort form, further cohorts, where they are based, cost.
inline std::vector<ParamSpec> organiser_parameters() {
  // clang-format off
  return {
      ParamSpec::integer("organisers.count", 0).range(0, 100000000).scales().units("organisers")
          .describe("Trained organisers of the single-cohort form (kind paid, from week 0), each based in one neighbourhood"),
      ParamSpec::real("organisers.one_to_ones_per_step", 6).range(0, 200).units("meetings per week")
          .describe("One-to-ones per organiser per week in the single-cohort form (Big Society trainees' achieved rate, as "
                    "in the calibration; their target, 500 people in a 51-week year, was about 10; 10 up to 0.1.0)"),
      ParamSpec::records("organisers.cohorts", cohort_fields())
          .describe("Further cohorts of organisers (added to organisers.count), numbered after it"),
      ParamSpec::choice("organisers.placement", "proportional",
                        {"proportional", "uniform", "most_deprived_first", "concentrated"})
          .describe("Where organisers are based: with population, one neighbourhood as likely as another, "
                    "the most deprived neighbourhoods first, or in organisers.regions regions only"),
      ParamSpec::integer("organisers.regions", 1).range(1, 100000000)
          .describe("Regions used by placement concentrated (chosen at random)"),
      ParamSpec::integer("organisers.max_per_neighbourhood", 0).range(0, 100000000).units("organisers")
          .describe("Cap on organisers based in one neighbourhood (0: no cap; ignored once every eligible one is full)"),
      ParamSpec::real("organisers.cost_per_organiser", 0).range(0, 1e9).units("GBP")
          .describe("Cost of one organiser for the whole run, for cost comparisons (0: unknown; Big Society: "
                    "GBP 15m / 500 = 30,000)"),
      ParamSpec::real("organisers.development_share", 0.3).range(0, 1)
          .describe("Share of an organiser's one-to-ones spent developing existing participants"),
      ParamSpec::integer("organisers.search_tries", 8).range(1, 1000)
          .describe("Residents an organiser considers per meeting, preferring inactive people with participating contacts"),
  };
  // clang-format on
}

// What each kind of organiser (paid, volunteer) does by default.
inline std::vector<ParamSpec> kind_parameters() {
  // clang-format off
  return {
      ParamSpec::real("kinds.paid.one_to_ones_per_step", 6).range(0, 200).units("meetings per week")
          .describe("Paid trainee's one-to-ones per week: the Big Society trainees' achieved rate, as in the "
                    "calibration (about 230 people listened to each against a target of 500 in a 51-week year, "
                    "about 10 a week; 10 up to 0.1.0)"),
      ParamSpec::integer("kinds.paid.training_steps", 4).range(0, 100000).units("weeks")
          .describe("Paid trainee's ramp-up (assumption: about a month of induction and patch mapping)"),
      ParamSpec::real("kinds.paid.turnover_per_year", 0.1).range(0, 1).units("share per year")
          .describe("Paid organisers leaving per year (none found; Big Society: 540 completed of about 600 starts)"),
      ParamSpec::integer("kinds.paid.volunteers_to_recruit", 9).range(0, 1000).units("organisers")
          .describe("Volunteer organisers each paid organiser aims to recruit from leaders (Big Society: 9)"),
      ParamSpec::real("kinds.volunteer.one_to_ones_per_step", 0.34).range(0, 200).units("meetings per week")
          .describe("Volunteer's one-to-ones per week (Movement for Change: 4.4 pledged per trainee over about three "
                    "months; 1 up to 0.1.0); uncertain, calibrated over 0.2-2"),
      ParamSpec::integer("kinds.volunteer.training_steps", 2).range(0, 100000).units("weeks")
          .describe("Volunteer's ramp-up (Movement for Change and COEP trainings took a day or a weekend)"),
      ParamSpec::real("kinds.volunteer.turnover_per_year", 0.28).range(0, 1).units("share per year")
          .describe("Volunteers leaving per year (US 35.5%, UK 20-23% intend to stop; middle of 20-36%)"),
      ParamSpec::integer("kinds.volunteer.volunteers_to_recruit", 0).range(0, 1000).units("organisers")
          .describe("Volunteer organisers each volunteer organiser aims to recruit"),
  };
  // clang-format on
}

// One-to-ones: what a meeting does, and recruiting volunteer organisers in one.
inline std::vector<ParamSpec> one_to_one_parameters() {
  // clang-format off
  return {
      ParamSpec::real("multiplication.recruit_chance", 0.3).range(0, 1)
          .describe("Chance a development one-to-one with a participant who has had multiplication.min_meetings "
                    "makes them a volunteer organiser (while the organiser is short of their target)"),
      ParamSpec::integer("multiplication.min_meetings", 2).range(1, 255)
          .describe("One-to-ones with organisers (this one included) before someone can be asked to become a "
                    "volunteer organiser: a first conversation and a follow-up"),
      ParamSpec::real("one_to_one.efficacy_gain", 0.15).range(0, 1)
          .describe("A meeting closes this share of the gap between a person's efficacy and 1"),
      ParamSpec::real("one_to_one.recruit_chance", 0.08).range(0, 1)
          .describe("Chance a one-to-one recruits an inactive person of average efficacy (calibrated: Big Society "
                    "mobilised about 20,000 of 125,000 listened to)"),
  };
  // clang-format on
}

// Leaders: who becomes one and what they do.
inline std::vector<ParamSpec> leader_parameters() {
  // clang-format off
  return {
      ParamSpec::integer("leaders.min_meetings", 3).range(1, 255)
          .describe("One-to-ones with organisers a participant needs before they can become a leader"),
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
  // clang-format on
}

// Campaigns run by neighbourhoods with enough participation.
inline std::vector<ParamSpec> campaign_parameters() {
  // clang-format off
  return {
      ParamSpec::boolean("campaigns.enabled", true).describe("Neighbourhoods with enough participation run campaigns"),
      ParamSpec::real("campaigns.threshold", 0.25).range(0, 1)
          .describe("Neighbourhood participation above which a campaign can start (above every area's baseline, so "
                    "campaigns come from organising)"),
      ParamSpec::real("campaigns.start_chance", 0.1).range(0, 1).units("per week")
          .describe("Weekly chance a neighbourhood above the threshold starts a campaign"),
      ParamSpec::integer("campaigns.steps", 12).range(1, 10000).units("weeks").describe("Length of a campaign"),
      ParamSpec::integer("campaigns.rest_steps", 12).range(0, 10000).units("weeks")
          .describe("Weeks after a campaign before the next can start"),
      ParamSpec::real("campaigns.opposition", 0.2).range(0, 100)
          .describe("Strength of the opposition: a campaign wins with chance p / (p + opposition), p its "
                    "neighbourhood's participation"),
      ParamSpec::real("campaigns.mobilisation", 0.01).range(0, 1).units("per week")
          .describe("Extra weekly chance that an inactive member of the affected group joins during a campaign"),
      ParamSpec::real("campaigns.win_efficacy_gain", 0.05).range(0, 1)
          .describe("A win closes this share of every resident's gap between efficacy and 1"),
      ParamSpec::real("campaigns.loss_efficacy_loss", 0.05).range(0, 1)
          .describe("A loss lowers every resident's efficacy by this share"),
  };
  // clang-format on
}

// Limits on the programme: when it ends, how many leaders a neighbourhood sustains.
inline std::vector<ParamSpec> limit_parameters() {
  // clang-format off
  return {
      ParamSpec::integer("organisers.stop_at_step", 0).range(0, 100000).units("weeks")
          .describe("Last week any organiser works, recruited volunteer organisers included: the programme ends "
                    "(0: never; for withdrawal experiments)"),
      ParamSpec::integer("leaders.per_organiser", 15).range(0, 100000).units("leaders")
          .describe("Leaders a neighbourhood can sustain per organiser who has worked there (a leadership team: "
                    "Ganz's snowflake, Dunbar's sympathy group of about 15; uncertain, 5-50); no promotions beyond "
                    "it (0: no limit, the default up to 0.1.0)"),
  };
  // clang-format on
}

// How participating contacts pull someone in (simple or complex contagion, tie weights).
inline std::vector<ParamSpec> contagion_parameters() {
  // clang-format off
  return {
      ParamSpec::choice("contagion.form", "linear", {"linear", "complex"})
          .describe("How participating contacts pull someone in: linear in their share (simple contagion), or "
                    "complex: a logistic in the number of participating ties (Centola & Macy 2007; Centola 2010)"),
      ParamSpec::real("contagion.threshold", 2).range(0, 1000).units("ties")
          .describe("Complex contagion: participating ties at which the pull is half way (Centola & Macy 2007 "
                    "and Centola 2010 use 2; uncertain, 1-3)"),
      ParamSpec::real("contagion.steepness", 4).range(0, 1000).units("per tie")
          .describe("Complex contagion: steepness of the logistic in the ties (large: a hard threshold; "
                    "uncertain, 1-10)"),
      ParamSpec::real("contagion.influence", 0.0015).range(0, 1).units("per week")
          .describe("Complex contagion: weekly chance of joining at full pull, at average efficacy (replaces "
                    "social_influence; 0.0015 gives the linear form's joining from influence at the 16% baseline "
                    "on a mean degree of 14; uncertain, 0.0005-0.005)"),
      ParamSpec::boolean("contagion.tie_weights", false)
          .describe("Weight each participating contact by its tie's layer (contagion.weights.*; needs a graph "
                    "with tie layers: graph.fabric clustered)"),
      ParamSpec::integer("contagion.weights.household", 4).range(1, 100)
          .describe("Weight of a household tie (strong ties weigh most: Granovetter 1973, Hill & Dunbar 2003; "
                    "uncertain, 2-8 relative to an acquaintance)"),
      ParamSpec::integer("contagion.weights.close", 4).range(1, 100)
          .describe("Weight of a close tie (support clique; uncertain, 2-8 relative to an acquaintance)"),
      ParamSpec::integer("contagion.weights.friends", 2).range(1, 100)
          .describe("Weight of a friendship tie (sympathy group; uncertain, 1-4 relative to an acquaintance)"),
      ParamSpec::integer("contagion.weights.acquaintance", 1).range(1, 100)
          .describe("Weight of an acquaintance tie (the unit)"),
  };
  // clang-format on
}

// How many one-to-ones a neighbourhood's residents take.
inline std::vector<ParamSpec> capacity_parameters() {
  // clang-format off
  return {
      ParamSpec::real("organisers.neighbourhood_capacity", 0.1).range(0, 10).units("one-to-ones per resident per week")
          .describe("One-to-ones a neighbourhood's residents take a week, shared by its organisers: each holds "
                    "capacity / (capacity + demand) of their rate (uncertain, 0.02-0.25; 0: no limit, the default "
                    "up to 0.1.0)"),
  };
  // clang-format on
}

// How citizens' decisions are drawn (docs/models/organising.md, "Scheduling").
inline std::vector<ParamSpec> schedule_parameters() {
  // clang-format off
  return {
      ParamSpec::choice("schedule", "next_event", {"weekly", "next_event"})
          .describe("How citizens' decisions are drawn: next_event (since 0.3.0): candidate weeks drawn at a bound "
                    "on each citizen's chance, a candidate changing state with chance / bound (thinning), and "
                    "weekly draws only for those met, on the way to leading or in a neighbourhood where a campaign "
                    "starts or ends, so that a quiet week costs its changes, not its population; or weekly, one "
                    "draw per citizen per week against that week's chance (every result up to 0.2.0): the same "
                    "process, other random numbers"),
  };
  // clang-format on
}

// Every parameter, in the order of the groups above (the order of
// `groundswell models organising` and of the resolved scenario).
inline std::vector<ParamSpec> parameters() {
  std::vector<ParamSpec> all;
  for (auto* group :
       {population_parameters, organiser_parameters, kind_parameters, one_to_one_parameters, leader_parameters,
        campaign_parameters, limit_parameters, contagion_parameters, capacity_parameters, schedule_parameters}) {
    std::vector<ParamSpec> specs = group();
    all.insert(all.end(), std::make_move_iterator(specs.begin()), std::make_move_iterator(specs.end()));
  }
  return all;
}

// Metric order is the order of values written by measure().
enum Metric : int {
  m_participation,
  m_leaders,
  m_mean_efficacy,
  m_one_to_ones,
  m_organisers_active,
  m_reached,
  m_q1,
  m_q2,
  m_q3,
  m_q4,
  m_q5,
  m_gap,
  m_patient,
  m_parent,
  m_tenant,
  m_other,
  m_people_reached,
  m_people_listened,
  m_people_listened_paid,
  m_people_mobilised,
  m_volunteer_organisers,
  m_volunteers_recruited,
  m_organisers_trained,
  m_campaigns_won,
  m_campaigns_lost,
  m_spend,
  metric_count
};

inline std::vector<MetricSpec> metrics() {
  std::vector<MetricSpec> m = {
      {"participation", "Share of citizens who are participants or leaders", "share"},
      {"leaders", "Share of citizens who are leaders", "share"},
      {"mean_efficacy", "Mean efficacy over all citizens", "efficacy"},
      {"one_to_ones", "One-to-one meetings held in the step (organisers and leaders)", "meetings"},
      {"organisers_active", "Organisers working in the step (cohorts and recruited volunteers)", "organisers"},
      {"reached", "Share of citizens who have had at least one one-to-one (cumulative)", "share"},
  };
  for (int q = 1; q <= 5; ++q)
    m.push_back({"participation_q" + std::to_string(q),
                 "Participation in deprivation quintile " + std::to_string(q) + " (1 = most deprived fifth)", "share"});
  m.push_back(
      {"participation_gap", "Participation in the least deprived fifth minus the most deprived fifth", "share"});
  for (const char* g : {"patient", "parent", "tenant", "other"})
    m.push_back(
        {std::string("participation_") + g, std::string("Participation among citizens of group ") + g, "share"});
  m.push_back({"people_reached", "Citizens who have had at least one one-to-one (cumulative)", "people"});
  m.push_back({"people_listened", "Citizens who have had a one-to-one with an organiser (cumulative)", "people"});
  m.push_back(
      {"people_listened_paid", "Citizens who have had a one-to-one with a paid organiser (cumulative)", "people"});
  m.push_back({"people_mobilised",
               "Citizens who joined within attrition.memory_steps weeks of a one-to-one with an organiser or in a "
               "campaign on their group's issue (cumulative)",
               "people"});
  m.push_back(
      {"volunteer_organisers", "Volunteer organisers working in the step (cohorts and recruited)", "organisers"});
  m.push_back({"volunteers_recruited", "Participants who became volunteer organisers (cumulative)", "organisers"});
  m.push_back({"organisers_trained",
               "Cohort organisers who completed their ramp-up, or their whole term where it has one (cumulative)",
               "organisers"});
  m.push_back({"campaigns_won", "Campaigns won in the step", "campaigns"});
  m.push_back({"campaigns_lost", "Campaigns lost in the step", "campaigns"});
  m.push_back({"organiser_spend", "Cumulative cost of cohort organisers started so far (organisers.cost_per_organiser)",
               "GBP"});
  return m;
}

// Opt-in (output.neighbourhoods: true), written as /timeseries/<name>
// [replicate, step, neighbourhood]; measure_neighbourhoods fills them in this order.
inline std::vector<MetricSpec> neighbourhood_metrics() {
  return {{"participation_by_neighbourhood",
           "Share of the neighbourhood's residents who are participants or leaders (see /neighbourhoods)", "share"},
          {"organisers_by_neighbourhood",
           "Organisers working in the step who are based in the neighbourhood (paid and volunteer; they add up to "
           "organisers_active)",
           "organisers"}};
}

}  // namespace gs::organising
