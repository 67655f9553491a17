#include "sim/scenario/scenario.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace gs;

namespace {

const char* valid = R"(name: small
seed: 3
steps: 5
graph:
  type: community
  population: 2000
model:
  type: organising
  organisers:
    count: 4
)";

// The message of the InputError that loading `text` throws, or "" if none.
std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    load_scenario_text(text, "s.yaml", overrides);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST(Scenario, ValidFileFillsDefaults) {
  Scenario s = load_scenario_text(valid, "s.yaml");
  EXPECT_EQ(s.name, "small");
  EXPECT_EQ(s.seed, 3u);
  EXPECT_EQ(s.steps, 5u);
  EXPECT_EQ(s.replicates, 1u);
  EXPECT_EQ(s.graph->name, "community");
  EXPECT_EQ(s.graph_params.integer("population"), 2000);
  EXPECT_EQ(s.graph_params.integer("neighbourhood_size"), 1670);
  EXPECT_EQ(s.model_params.integer("organisers.count"), 4);
  EXPECT_DOUBLE_EQ(s.model_params.real("organisers.one_to_ones_per_step"), 6.0);
}

TEST(Scenario, UnknownKeySuggestsTheNearestName) {
  const std::string msg = error_of(replace(valid, "    count: 4", "    cuont: 4"));
  EXPECT_NE(msg.find("s.yaml:10:5"), std::string::npos) << msg;
  EXPECT_NE(msg.find("model.organisers.cuont"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unknown key"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'organisers.count'"), std::string::npos) << msg;
}

TEST(Scenario, UnknownTopLevelKey) {
  const std::string msg = error_of(std::string(valid) + "stpes: 4\n");
  EXPECT_NE(msg.find("s.yaml:11:1: stpes: unknown key (did you mean 'steps'?)"), std::string::npos) << msg;
}

TEST(Scenario, WrongTypeNamesWhatIsAllowed) {
  const std::string msg = error_of(replace(valid, "count: 4", "count: four"));
  EXPECT_NE(msg.find("s.yaml:10:12: model.organisers.count: expected an integer"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'four'"), std::string::npos) << msg;
}

TEST(Scenario, FractionForIntegerIsRejected) {
  const std::string msg = error_of(replace(valid, "steps: 5", "steps: 5.5"));
  EXPECT_NE(msg.find("s.yaml:3:8: steps: expected a whole number"), std::string::npos) << msg;
}

TEST(Scenario, OutOfRangeNamesTheRange) {
  const std::string msg = error_of(replace(valid, "steps: 5", "steps: -1"));
  EXPECT_NE(msg.find("s.yaml:3:8: steps: value -1 is out of range; allowed: an integer from 1 to 100000"),
            std::string::npos)
      << msg;
}

TEST(Scenario, NotANumberIsRejected) {
  const std::string msg = error_of(replace(valid, "    count: 4", "    count: 4\n  baseline_participation: .nan"));
  EXPECT_NE(msg.find("model.baseline_participation"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not a finite number"), std::string::npos) << msg;
}

TEST(Scenario, MissingRequiredKey) {
  const std::string msg = error_of(replace(valid, "name: small\n", ""));
  EXPECT_NE(msg.find("s.yaml:1:1: name: missing required key"), std::string::npos) << msg;
}

TEST(Scenario, MissingSection) {
  const std::string msg = error_of("name: x\ngraph:\n  type: community\n");
  EXPECT_NE(msg.find("model: missing required section"), std::string::npos) << msg;
}

TEST(Scenario, UnknownModelTypeListsKnownOnes) {
  const std::string msg = error_of(replace(valid, "type: organising", "type: organizing"));
  EXPECT_NE(msg.find("s.yaml:8:9: model.type: unknown model type 'organizing' (did you mean 'organising'?)"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("known: "), std::string::npos) << msg;
}

TEST(Scenario, UnknownGraphTypeListsKnownOnes) {
  const std::string msg = error_of(replace(valid, "type: community", "type: village"));
  EXPECT_NE(msg.find("graph.type: unknown graph type 'village'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("community"), std::string::npos) << msg;
}

TEST(Scenario, MalformedYamlGivesLineAndColumn) {
  const std::string msg = error_of("name: x\ngraph: {type: community\nmodel: y\n");
  EXPECT_NE(msg.find("s.yaml:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("malformed YAML"), std::string::npos) << msg;
}

TEST(Scenario, DuplicateKeyIsAnError) {
  const std::string msg = error_of(std::string(valid) + "seed: 4\n");
  EXPECT_NE(msg.find("s.yaml:11:1: seed: duplicate key"), std::string::npos) << msg;
}

TEST(Scenario, EmptyFileIsAnError) {
  EXPECT_NE(error_of("").find("s.yaml: the file is empty"), std::string::npos);
  EXPECT_NE(error_of("- a\n- b\n").find("expected a mapping"), std::string::npos);
}

TEST(Scenario, MissingFileNamesThePath) {
  try {
    load_scenario("/nonexistent/dir/scenario.yaml");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/scenario.yaml: cannot read scenario file"),
              std::string::npos)
        << e.what();
  }
}

TEST(Scenario, OverridesApplyAndAreTypeChecked) {
  Scenario s = load_scenario_text(valid, "s.yaml", {"model.organisers.count=7", "seed=11", "replicates=3"});
  EXPECT_EQ(s.model_params.integer("organisers.count"), 7);
  EXPECT_EQ(s.seed, 11u);
  EXPECT_EQ(s.replicates, 3u);
  // An override may also add a key the file leaves to its default.
  Scenario t = load_scenario_text(valid, "s.yaml", {"model.leaders.chance=0.1"});
  EXPECT_DOUBLE_EQ(t.model_params.real("leaders.chance"), 0.1);

  const std::string bad = error_of(valid, {"model.organisers.count=abc"});
  EXPECT_NE(bad.find("--set model.organisers.count=abc: model.organisers.count: expected an integer"),
            std::string::npos)
      << bad;
  const std::string unknown = error_of(valid, {"model.organisers.cuont=3"});
  EXPECT_NE(unknown.find("--set model.organisers.cuont=3"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("did you mean 'organisers.count'"), std::string::npos) << unknown;
  EXPECT_NE(error_of(valid, {"seed"}).find("expected key.path=value"), std::string::npos);
  EXPECT_NE(error_of(valid, {"name.x=3"}).find("holds a value, not a mapping"), std::string::npos);
}

TEST(Scenario, PopulationScaleScalesPeopleAndKeepsDensity) {
  Scenario s = load_scenario_text(valid, "s.yaml", {"population_scale=0.5"});
  EXPECT_EQ(s.graph_params.integer("population"), 1000);
  EXPECT_EQ(s.model_params.integer("organisers.count"), 2);
  // Rates are not counts of people and stay as given.
  EXPECT_EQ(s.graph_params.integer("neighbourhood_size"), 1670);
  const std::string msg = error_of(valid, {"population_scale=0.0001"});
  EXPECT_NE(msg.find("population_scale 0.0001 turns 2000 into 0"), std::string::npos) << msg;
}

TEST(Scenario, PopulationScaleThatRoundsACountToZeroIsAnError) {
  // 4 organisers at 0.1 would be 0.4, rounded to 0: the run would silently have none.
  const std::string msg = error_of(valid, {"population_scale=0.1"});
  EXPECT_NE(msg.find("s.yaml:10:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("model.organisers.count: population_scale 0.1 turns 4 into 0"), std::string::npos) << msg;
  EXPECT_NE(msg.find("at least 0.125"), std::string::npos) << msg;
  EXPECT_EQ(error_of(valid, {"population_scale=0.125"}), "");  // 0.5 rounds to 1
  EXPECT_EQ(error_of(replace(valid, "count: 4", "count: 0"), {"population_scale=0.1"}), "");  // none was meant
}

TEST(Scenario, ScaledValuesAreCheckedAgainstTheirMaximum) {
  // The UK at population_scale 50 would be 3.4 billion people: above graph.population's maximum.
  const std::string msg =
      error_of(replace(valid, "population: 2000", "population: 68_265_209"), {"population_scale=50"});
  EXPECT_NE(msg.find("graph.population: population_scale 50 turns 68265209 into 3413260450, above its maximum"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("from 1 to 2000000000 after scaling"), std::string::npos) << msg;
}

TEST(Scenario, SetWithoutItsSectionNamesTheSection) {
  const std::string msg = error_of(valid, {"organisers.count=5"});
  EXPECT_NE(msg.find("--set organisers.count=5"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean --set model.organisers.count="), std::string::npos) << msg;
  EXPECT_NE(error_of(valid, {"population=5"}).find("--set graph.population="), std::string::npos);
  EXPECT_NE(error_of(valid, {"neighbourhoods=true"}).find("--set output.neighbourhoods="), std::string::npos);
  const std::string unknown = error_of(valid, {"nonsense.count=1"});
  EXPECT_NE(unknown.find("unknown key"), std::string::npos) << unknown;
}

TEST(Scenario, ResolvedYamlReloadsToTheSameScenario) {
  Scenario s = load_scenario_text(valid, "s.yaml", {"model.organisers.count=9", "population_scale=2"});
  Scenario again = load_scenario_text(s.resolved_yaml, "resolved.yaml");
  EXPECT_EQ(again.resolved_yaml.substr(again.resolved_yaml.find('\n')),
            s.resolved_yaml.substr(s.resolved_yaml.find('\n')));
  EXPECT_EQ(again.model_params.integer("organisers.count"), 18);
  EXPECT_EQ(again.graph_params.all(), s.graph_params.all());
  EXPECT_EQ(again.model_params.all(), s.model_params.all());
  EXPECT_NE(s.resolved_yaml.find("one_to_ones_per_step: 6.0"), std::string::npos) << s.resolved_yaml;
}

TEST(Scenario, UnderscoresGroupDigits) {
  Scenario s = load_scenario_text(
      replace(replace(valid, "population: 2000", "population: 68_265_209"), "count: 4", "count: 40_000"), "s.yaml",
      {"population_scale=0.0001"});
  EXPECT_EQ(s.graph_params.integer("population"), 6827);
}

TEST(Scenario, DidYouMeanStaysQuietForFarWords) {
  EXPECT_EQ(did_you_mean("steps", {"seed", "steps"}), "steps");
  EXPECT_EQ(did_you_mean("zzzzzzzz", {"seed", "steps"}), "");
}
