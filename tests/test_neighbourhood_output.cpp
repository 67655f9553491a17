// Per-neighbourhood output (output.neighbourhoods: true): the engine records
// the model's neighbourhood series beside the national ones, the series agree
// with the national participation, do not depend on the thread count, survive
// a checkpoint file, and the scenario refuses combinations that cannot work.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "organising_helpers.hpp"
#include "sim/engine/run.hpp"
#include "sim/io/checkpoint.hpp"
#include "sim/io/output.hpp"
#include "sim/run/execute.hpp"
#include "sim/scenario/scenario.hpp"

using namespace gs;

namespace {

const char* town = R"(name: neighbourhoods
seed: 9
steps: 20
replicates: 2
graph: {type: community, population: 20000, neighbourhood_size: 1500}
model: {type: organising, organisers: {count: 6}}
output: {neighbourhoods: true}
)";

RunResult run_with_threads(const Scenario& s, const World& world, int threads) {
  RunPlan plan = plan_for(s);
  plan.side_by_side_below = plan.one_thread_below = 0;  // split each step, even on a small world
  return gs::testing::with_threads(threads, [&] { return run(plan, world); });
}

const std::vector<double>& national(const RunResult& r, const std::string& name) {
  for (std::size_t m = 0; m < r.metrics.size(); ++m)
    if (r.metrics[m].name == name) return r.values[m];
  throw std::logic_error("no metric " + name);
}

bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// The message of the InputError loading `text` with `overrides` throws, or "" when it loads.
std::string load_error(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    load_scenario_text(text, "t.yaml", overrides);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(NeighbourhoodOutput, PopulationWeightedSumIsTheNationalParticipation) {
  const Scenario s = load_scenario_text(town, "t.yaml");
  const World world = s.graph->generate(s.graph_params, s.seed);
  const RunResult r = run_with_threads(s, world, 1);
  const Population& pop = world.population;
  const std::size_t hoods = pop.neighbourhoods(), points = s.steps + 1;
  ASSERT_GT(hoods, 10u);
  ASSERT_EQ(r.neighbourhood_metrics.size(), 2u);
  EXPECT_EQ(r.neighbourhood_metrics[0].name, "participation_by_neighbourhood");
  EXPECT_EQ(r.neighbourhood_metrics[1].name, "organisers_by_neighbourhood");
  ASSERT_EQ(r.neighbourhoods.size(), hoods);
  const auto& per_hood = r.neighbourhood_values[0];
  ASSERT_EQ(per_hood.size(), s.replicates * points * hoods);
  const auto& participation = national(r, "participation");
  const auto& q1 = national(r, "participation_q1");
  for (std::uint32_t rep = 0; rep < s.replicates; ++rep)
    for (std::size_t t = 0; t < points; ++t) {
      // Residents taking part, from the shares and the population's own
      // neighbourhood sizes (not the table's): each share times its size is a whole count.
      double active = 0, active_q1 = 0, people_q1 = 0;
      for (std::size_t h = 0; h < hoods; ++h) {
        const auto size = static_cast<double>(pop.neighbourhood_start[h + 1] - pop.neighbourhood_start[h]);
        const double share = per_hood[(rep * points + t) * hoods + h];
        ASSERT_GE(share, 0.0);
        ASSERT_LE(share, 1.0);
        ASSERT_NEAR(share * size, std::round(share * size), 1e-6) << "neighbourhood " << h;
        active += std::round(share * size);
        if (pop.deprivation[h] >= 0.8f) {  // the most deprived fifth of ranks
          active_q1 += std::round(share * size);
          people_q1 += size;
        }
      }
      EXPECT_NEAR(active / static_cast<double>(world.graph.nodes()), participation[rep * points + t], 1e-12)
          << "replicate " << rep << " step " << t;
      EXPECT_NEAR(active_q1 / people_q1, q1[rep * points + t], 1e-12) << "replicate " << rep << " step " << t;
    }
  // Organisers make the neighbourhoods differ by the end.
  double lo = 1, hi = 0;
  for (std::size_t h = 0; h < hoods; ++h) {
    lo = std::min(lo, per_hood[(points - 1) * hoods + h]);
    hi = std::max(hi, per_hood[(points - 1) * hoods + h]);
  }
  EXPECT_LT(lo, hi);
}

// Organisers by the neighbourhood they are based in add up, at every step of
// every replicate, to organisers_active (and leave it unchanged): through
// ramp-ups, terms, turnover, volunteers recruited during the run and
// organisers.stop_at_step.
TEST(NeighbourhoodOutput, OrganisersByNeighbourhoodAddUpToOrganisersActive) {
  const char* cohorts = R"(name: organisers
seed: 5
steps: 30
replicates: 3
graph: {type: community, population: 20000, neighbourhood_size: 1500}
model:
  type: organising
  organisers:
    count: 3
    stop_at_step: 24
    cohorts:
      - {count: 6, kind: paid, start_step: 2, training_steps: 3, active_steps: 12}
      - {count: 12, kind: volunteer, start_step: 4, turnover_per_year: 0.9}
  kinds: {paid: {volunteers_to_recruit: 5}}
  multiplication: {recruit_chance: 1, min_meetings: 1}
output: {neighbourhoods: true}
)";
  const Scenario s = load_scenario_text(cohorts, "t.yaml");
  const World world = s.graph->generate(s.graph_params, s.seed);
  const RunResult on = run_with_threads(s, world, 2);
  ASSERT_EQ(on.neighbourhood_values.size(), 2u);
  const auto& based = on.neighbourhood_values[1];
  const auto& active = national(on, "organisers_active");
  const std::size_t hoods = world.population.neighbourhoods(), points = s.steps + 1;
  double most = 0, recruited = national(on, "volunteers_recruited").back();
  for (std::uint32_t rep = 0; rep < s.replicates; ++rep)
    for (std::size_t t = 0; t < points; ++t) {
      double sum = 0;
      for (std::size_t h = 0; h < hoods; ++h) {
        const double n = based[(rep * points + t) * hoods + h];
        ASSERT_EQ(n, std::round(n));
        ASSERT_GE(n, 0.0);
        sum += n;
      }
      EXPECT_EQ(sum, active[rep * points + t]) << "replicate " << rep << " step " << t;
      most = std::max(most, sum);
    }
  EXPECT_EQ(active[0], 3.0);  // at step 0 those starting at once
  EXPECT_GT(most, 3 + 6);  // cohorts and recruits at work
  EXPECT_GT(recruited, 0.0);
  EXPECT_EQ(active[points - 1], 0.0);  // after stop_at_step
  // Asking for the series changes none of the national ones.
  const RunResult off =
      run_with_threads(load_scenario_text(cohorts, "t.yaml", {"output.neighbourhoods=false"}), world, 2);
  ASSERT_EQ(off.values.size(), on.values.size());
  for (std::size_t m = 0; m < on.values.size(); ++m)
    EXPECT_TRUE(bitwise_equal(on.values[m], off.values[m])) << on.metrics[m].name;
}

TEST(NeighbourhoodOutput, TableDescribesThePopulation) {
  const Scenario s = load_scenario_text(town, "t.yaml");
  const World world = s.graph->generate(s.graph_params, s.seed);
  const NeighbourhoodTable t = neighbourhood_table(world.population);
  const Population& pop = world.population;
  ASSERT_EQ(t.size(), pop.neighbourhoods());
  std::int64_t people = 0;
  int per_quintile[6] = {0, 0, 0, 0, 0, 0};
  for (std::size_t h = 0; h < t.size(); ++h) {
    people += t.population[h];
    EXPECT_EQ(t.region[h], pop.region[h]);
    EXPECT_EQ(t.deprivation[h], static_cast<double>(pop.deprivation[h]));
    ASSERT_GE(t.deprivation_quintile[h], 1);
    ASSERT_LE(t.deprivation_quintile[h], 5);
    ++per_quintile[t.deprivation_quintile[h]];
    // Quintile 1 is the most deprived fifth of ranks, 5 the least.
    EXPECT_EQ(t.deprivation_quintile[h] == 1, t.deprivation[h] >= 0.8) << h;
    EXPECT_EQ(t.deprivation_quintile[h] == 5, t.deprivation[h] < 0.2) << h;
  }
  EXPECT_EQ(people, static_cast<std::int64_t>(world.graph.nodes()));
  // Ranks are uniform: about a fifth of the neighbourhoods in each quintile.
  for (int q = 1; q <= 5; ++q) EXPECT_NEAR(per_quintile[q], static_cast<double>(t.size()) / 5, 1.0) << q;
}

TEST(NeighbourhoodOutput, BitwiseIdenticalForOneAndTwoThreads) {
  const Scenario s = load_scenario_text(town, "t.yaml");
  const World world = s.graph->generate(s.graph_params, s.seed);
  const RunResult one = run_with_threads(s, world, 1), two = run_with_threads(s, world, 2);
  ASSERT_EQ(one.neighbourhood_values.size(), 2u);
  ASSERT_EQ(two.neighbourhood_values.size(), 2u);
  EXPECT_TRUE(bitwise_equal(one.neighbourhood_values[0], two.neighbourhood_values[0]));
  EXPECT_TRUE(bitwise_equal(one.neighbourhood_values[1], two.neighbourhood_values[1]));
  EXPECT_TRUE(one.neighbourhoods == two.neighbourhoods);
}

TEST(NeighbourhoodOutput, NothingRecordedWhenOff) {
  const Scenario s = load_scenario_text(town, "t.yaml", {"output.neighbourhoods=false"});
  EXPECT_FALSE(s.output.boolean("neighbourhoods"));
  const World world = s.graph->generate(s.graph_params, s.seed);
  const RunResult r = run_with_threads(s, world, 1);
  EXPECT_TRUE(r.neighbourhood_metrics.empty());
  EXPECT_TRUE(r.neighbourhood_values.empty());
  EXPECT_EQ(r.neighbourhoods.size(), 0u);
  // The default is off too.
  EXPECT_FALSE(
      load_scenario_text("name: x\ngraph: {type: community, population: 3000}\nmodel: {type: organising}\n", "t.yaml")
          .output.boolean("neighbourhoods"));
}

// Killed after a checkpoint file was written and resumed from that file: the
// per-neighbourhood series are those of an uninterrupted run.
TEST(NeighbourhoodOutput, SurvivesACheckpointFile) {
  struct Stop {};
  const Scenario s = load_scenario_text(town, "t.yaml", {"steps=8"});
  const World world = s.graph->generate(s.graph_params, s.seed);
  const RunResult whole = run(plan_for(s), world);
  const auto dir = std::filesystem::temp_directory_path() / ("gs-nbhd-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "out.h5.checkpoint").string();
  for (const auto& [kill_replicate, kill_step] : {std::pair{0u, 5u}, std::pair{0u, 8u}, std::pair{1u, 3u}}) {
    // Plain copies: lambdas cannot capture structured bindings before clang 16.
    const std::uint32_t replicate = kill_replicate, step = kill_step;
    SCOPED_TRACE("killed after step " + std::to_string(step) + " of replicate " + std::to_string(replicate));
    RunPlan plan = plan_for(s);
    plan.checkpoint_every = 1;
    plan.checkpoint = [&](std::uint32_t r, std::uint32_t t, const RunResult& so_far, Model& model) {
      if (r != replicate || t != step) return;
      write_checkpoint(path, "identity", r, t, so_far, model);
      throw Stop{};
    };
    EXPECT_THROW(run(plan, world), Stop);
    std::string identity;
    const RunState saved = read_checkpoint(path, identity);
    ASSERT_EQ(saved.neighbourhood_values.size(), 2u);
    RunPlan again = plan_for(s);
    again.resume = &saved;
    const RunResult resumed = run(again, world);
    ASSERT_EQ(resumed.neighbourhood_values.size(), 2u);
    EXPECT_TRUE(bitwise_equal(resumed.neighbourhood_values[0], whole.neighbourhood_values[0]));
    EXPECT_TRUE(bitwise_equal(resumed.neighbourhood_values[1], whole.neighbourhood_values[1]));
    EXPECT_TRUE(bitwise_equal(resumed.values[0], whole.values[0]));
    EXPECT_TRUE(resumed.neighbourhoods == whole.neighbourhoods);
    // A checkpoint without the series cannot resume a run that records them.
    RunState stripped = saved;
    stripped.neighbourhood_values.clear();
    again.resume = &stripped;
    EXPECT_THROW(run(again, world), std::runtime_error);
  }
  std::filesystem::remove_all(dir);
}

TEST(NeighbourhoodOutput, ImpossibleCombinationsAreInputErrors) {
  const std::string base = "name: x\nreplicates: 2\ngraph: {type: community, population: 3000}\n";
  const std::string organising = base + "model: {type: organising}\n";
  EXPECT_EQ(load_error(organising, {"output.neighbourhoods=true"}), "");

  // A model without neighbourhood series: named at the key's line and column.
  std::string e = load_error(base + "model: {type: threshold}\noutput:\n  neighbourhoods: true\n");
  EXPECT_NE(e.find("t.yaml:6:19: output.neighbourhoods: model 'threshold' reports nothing per neighbourhood"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("organising"), std::string::npos) << e;

  // Through --set: the message names the --set argument.
  e = load_error(base + "model: {type: threshold}\n", {"output.neighbourhoods=true"});
  EXPECT_NE(e.find("output.neighbourhoods"), std::string::npos) << e;
  EXPECT_NE(e.find("threshold"), std::string::npos) << e;

  // A graph without neighbourhoods.
  e = load_error("name: x\ngraph: {type: erdos_renyi, nodes: 500, mean_degree: 4}\nmodel: {type: organising}\n",
                 {"output.neighbourhoods=true"});
  EXPECT_NE(e.find("output.neighbourhoods: graph 'erdos_renyi' has no neighbourhoods"), std::string::npos) << e;

  // A new graph for some replicates: the table would differ between them.
  e = load_error(organising + "new_graph_every: 1\n", {"output.neighbourhoods=true"});
  EXPECT_NE(e.find("output.neighbourhoods: needs one graph for all replicates"), std::string::npos) << e;
  EXPECT_EQ(load_error(organising + "new_graph_every: 2\n", {"output.neighbourhoods=true"}), "");

  // Not a boolean.
  e = load_error(organising + "output: {neighbourhoods: maybe}\n");
  EXPECT_NE(e.find("output.neighbourhoods"), std::string::npos) << e;
}

// The disk-space check before a run counts on this bound: the option adds
// no more to an uncompressed file than expected_neighbourhood_bytes says.
TEST(NeighbourhoodOutput, AddsNoMoreThanTheExpectedBytes) {
  const Scenario s = load_scenario_text(town, "t.yaml", {"output.compression=0"});
  const World world = s.graph->generate(s.graph_params, s.seed);
  const RunResult on = run(plan_for(s), world);
  RunResult off = on;
  off.neighbourhood_metrics.clear();
  off.neighbourhood_values.clear();
  off.neighbourhoods = {};
  const auto dir = std::filesystem::temp_directory_path() / ("gs-nbhd-size-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  OutputHeader header;
  header.scenario_yaml = s.resolved_yaml;
  header.steps = s.steps;
  header.replicates = s.replicates;
  header.compression = 0;
  write_output((dir / "on.h5").string(), header, on);
  write_output((dir / "off.h5").string(), header, off);
  const auto added = std::filesystem::file_size(dir / "on.h5") - std::filesystem::file_size(dir / "off.h5");
  const std::size_t hoods = world.population.neighbourhoods();
  EXPECT_GT(added, std::uint64_t{s.replicates} * (s.steps + 1) * hoods * 8 * 2);  // the series, uncompressed
  EXPECT_LE(added, expected_neighbourhood_bytes(on.neighbourhood_metrics.size(), s.replicates, s.steps, hoods));
  std::filesystem::remove_all(dir);
}
