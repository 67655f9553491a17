// Cohort lists in scenarios (validation, scaling) and organiser placement.
#include <gtest/gtest.h>

#include <set>

#include "models/organising/roster.hpp"
#include "organising_helpers.hpp"

using namespace gs;
using namespace gs::testing;

namespace {

const char* with_cohorts = R"(name: c
seed: 3
population_scale: 0.01
graph: {type: community, population: 1000000}
model:
  type: organising
  organisers:
    count: 200
    cohorts:
      - {count: 500, kind: paid}
      - count: 4500
        kind: volunteer
        start_step: 26
)";

std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    load_scenario_text(text, "s.yaml", overrides);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(OrganisingCohorts, PopulationScaleScalesEveryCohortKeepingDensities) {
  const Scenario s = load_scenario_text(with_cohorts, "s.yaml");
  const auto& cohorts = s.model_params.records("organisers.cohorts");
  ASSERT_EQ(cohorts.size(), 2u);
  EXPECT_EQ(cohorts[0].integer("count"), 5);
  EXPECT_EQ(cohorts[1].integer("count"), 45);
  EXPECT_EQ(cohorts[1].integer("start_step"), 26);  // not a count of people
  EXPECT_EQ(cohorts[0].text("kind"), "paid");
  EXPECT_EQ(cohorts[1].real("one_to_ones_per_step"), -1.0);  // default: the kind's rate
  EXPECT_EQ(s.model_params.integer("organisers.count"), 2);
  EXPECT_EQ(s.graph_params.integer("population"), 10000);
  // The resolved scenario keeps the values as given, so it reruns the same.
  EXPECT_NE(s.resolved_yaml.find("4500"), std::string::npos);
  const Scenario again = load_scenario_text(s.resolved_yaml, "resolved.yaml");
  EXPECT_EQ(again.model_params.records("organisers.cohorts")[1].integer("count"), 45);
}

TEST(OrganisingCohorts, UkScenariosAtOnePercentKeepTheirDensities) {
  for (const char* name : {"uk_1000_organisers", "uk_10000_organisers", "uk_big_society_5000"}) {
    const Scenario full = load_scenario(source(std::string("scenarios/policy/") + name + ".yaml"));
    const Scenario small =
        load_scenario(source(std::string("scenarios/policy/") + name + ".yaml"), {"population_scale=0.01"});
    auto organisers = [](const Scenario& s) {
      std::int64_t n = s.model_params.integer("organisers.count");
      for (const auto& c : s.model_params.records("organisers.cohorts")) n += c.integer("count");
      return static_cast<double>(n);
    };
    const double density_full = organisers(full) / static_cast<double>(full.graph_params.integer("population"));
    const double density_small = organisers(small) / static_cast<double>(small.graph_params.integer("population"));
    EXPECT_NEAR(density_small / density_full, 1.0, 0.01) << name;
  }
}

TEST(OrganisingCohorts, ErrorsNameTheItemAndItsKey) {
  std::string text = with_cohorts;
  text.replace(text.find("start_step"), 10, "start_stpe");
  std::string e = error_of(text);
  EXPECT_NE(e.find("s.yaml:13:9: model.organisers.cohorts[1].start_stpe: unknown key (did you mean 'start_step'?)"),
            std::string::npos)
      << e;
  text = with_cohorts;
  text.replace(text.find("kind: paid"), 10, "kind: paed");
  e = error_of(text);
  EXPECT_NE(e.find("s.yaml:10:28: model.organisers.cohorts[0].kind: 'paed' is not allowed (did you mean 'paid'?)"),
            std::string::npos)
      << e;
  text = with_cohorts;
  text.replace(text.find("count: 4500"), 11, "count: many");
  e = error_of(text);
  EXPECT_NE(e.find("model.organisers.cohorts[1].count: expected an integer"), std::string::npos) << e;
  e = error_of(with_cohorts, {"model.organisers.cohorts=[{count: -1}]"});
  EXPECT_NE(
      e.find(
          "--set model.organisers.cohorts=[{count: -1}]: model.organisers.cohorts[0].count: value -1 is out of range"),
      std::string::npos)
      << e;
  e = error_of(with_cohorts, {"model.organisers.cohorts=5"});
  EXPECT_NE(e.find("expected a list of mappings with keys count, kind"), std::string::npos) << e;
  e = error_of(with_cohorts, {"model.organisers.cohorts=[7]"});
  EXPECT_NE(e.find("model.organisers.cohorts[0]: expected a mapping"), std::string::npos) << e;
}

namespace {

World grid_world(std::uint32_t hoods, std::uint32_t per_hood, std::uint32_t per_region) {
  World w;
  auto& pop = w.population;
  pop.neighbourhood_start.resize(hoods + 1);
  for (std::uint32_t h = 0; h <= hoods; ++h) pop.neighbourhood_start[h] = std::uint64_t{h} * per_hood;
  for (std::uint32_t h = 0; h < hoods; ++h) {
    pop.deprivation.push_back(static_cast<float>((h * 7919u) % hoods) / static_cast<float>(hoods));
    pop.region.push_back(h / per_region);
  }
  for (std::uint32_t v = 0; v < hoods * per_hood; ++v) {
    pop.neighbourhood.push_back(v / per_hood);
    pop.group.push_back(Group::other);
  }
  w.graph.offsets.assign(hoods * per_hood + 1, 0);
  return w;
}

ParamValues placement_params(const std::string& rule, std::int64_t regions, std::int64_t cap) {
  ParamValues p;
  p.set("organisers.placement", rule);
  p.set("organisers.regions", regions);
  p.set("organisers.max_per_neighbourhood", cap);
  return p;
}

}  // namespace

TEST(OrganisingPlacement, MostDeprivedFirstFillsTheMostDeprivedNeighbourhoods) {
  const World w = grid_world(100, 10, 10);
  organising::Placement place(placement_params("most_deprived_first", 1, 1), w.population, 1000);
  place.reset(1, 0);
  for (std::uint32_t o = 0; o < 20; ++o) {
    const std::uint32_t h = place.place(o);
    // Deprivation ranks are k/100: the o-th organiser gets rank 99 - o.
    EXPECT_FLOAT_EQ(w.population.deprivation[h], static_cast<float>(99 - o) / 100.0f) << o;
  }
}

TEST(OrganisingPlacement, ConcentratedStaysInTheChosenRegionsAndRespectsTheCap) {
  const World w = grid_world(100, 10, 10);  // 10 regions of 10 neighbourhoods
  organising::Placement place(placement_params("concentrated", 2, 3), w.population, 1000);
  place.reset(5, 0);
  std::map<std::uint32_t, int> per_hood;
  std::set<std::uint32_t> regions;
  for (std::uint32_t o = 0; o < 60; ++o) {
    const std::uint32_t h = place.place(o);
    ++per_hood[h];
    regions.insert(w.population.region[h]);
  }
  EXPECT_EQ(regions.size(), 2u);
  for (const auto& [h, n] : per_hood) EXPECT_LE(n, 3) << h;
  EXPECT_EQ(per_hood.size(), 20u);  // 60 organisers, 3 each, in 20 neighbourhoods
}

TEST(OrganisingPlacement, UniformAndProportionalSpreadOverNeighbourhoods) {
  const World w = grid_world(50, 20, 10);
  for (const char* rule : {"uniform", "proportional"}) {
    organising::Placement place(placement_params(rule, 1, 0), w.population, 1000);
    place.reset(9, 0);
    std::vector<int> per_hood(50, 0);
    for (std::uint32_t o = 0; o < 5000; ++o) ++per_hood[place.place(o)];
    // Equal neighbourhoods: 100 each on average, Poisson-like spread.
    for (int n : per_hood) EXPECT_NEAR(n, 100, 45) << rule;
  }
}

TEST(OrganisingPlacement, TheFirstOrganisersSitWhereASmallerScenarioPutsThem) {
  const World w = grid_world(50, 20, 10);
  organising::Placement a(placement_params("proportional", 1, 0), w.population, 1000);
  organising::Placement b(placement_params("proportional", 1, 0), w.population, 1000);
  a.reset(9, 2);
  b.reset(9, 2);
  std::vector<std::uint32_t> small, large;
  for (std::uint32_t o = 0; o < 10; ++o) small.push_back(a.place(o));
  for (std::uint32_t o = 0; o < 100; ++o) large.push_back(b.place(o));
  EXPECT_TRUE(std::equal(small.begin(), small.end(), large.begin()));
}
