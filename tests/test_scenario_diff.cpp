// What differs between compared scenarios: leaves of the resolved YAML,
// only the differing ones, row labels that say what differs, and refusal to
// compare runs with different steps, models or metrics.
#include <gtest/gtest.h>

#include "analysis/scenario_diff.hpp"
#include "sim/scenario/scenario.hpp"

using namespace gs;

namespace {
OutputInfo info(const std::string& path, const std::string& name, const std::string& yaml) {
  OutputInfo i;
  i.path = path;
  i.scenario_name = name;
  i.scenario_yaml = yaml;
  i.model = "organising";
  i.steps = 104;
  i.metrics = {"leaders", "participation"};
  return i;
}

const std::string town =
    "name: town\nseed: 1\nsteps: 104\nmodel:\n  organisers:\n    count: 2\n"
    "    cohorts:\n      - {count: 5, kind: volunteer}\ngraph:\n  shares: [0.3, 0.7]\n";
}  // namespace

TEST(ScenarioDiff, FlattensToDottedKeysWithNumberedItems) {
  const auto flat = flatten_scenario(town, "t.h5");
  std::map<std::string, std::string> m(flat.begin(), flat.end());
  EXPECT_EQ(m.at("model.organisers.count"), "2");
  EXPECT_EQ(m.at("model.organisers.cohorts[0].kind"), "volunteer");
  EXPECT_EQ(m.at("graph.shares"), "[0.3, 0.7]");
  EXPECT_THROW(flatten_scenario("a: [1,", "bad.h5"), InputError);
}

TEST(ScenarioDiff, OnlyDifferingParametersAndLabelsThatSayWhat) {
  std::string more = town;
  more.replace(more.find("count: 2"), 8, "count: 20");
  std::string other_seed = more;
  other_seed.replace(other_seed.find("seed: 1"), 7, "seed: 9");
  const std::vector<OutputInfo> infos = {info("a.h5", "town", town), info("b.h5", "town", other_seed)};
  const auto diffs = differing_parameters(infos);
  ASSERT_EQ(diffs.size(), 1u) << "seeds differ by design and are left out";
  EXPECT_EQ(diffs[0].key, "model.organisers.count");
  EXPECT_EQ(diffs[0].values, (std::vector<std::string>{"2", "20"}));
  EXPECT_EQ(row_labels(infos, diffs),
            (std::vector<std::string>{"town (model.organisers.count=2)", "town (model.organisers.count=20)"}));
  // Distinct names are labels enough.
  const std::vector<OutputInfo> named = {info("a.h5", "low", town), info("b.h5", "high", more)};
  EXPECT_EQ(row_labels(named, differing_parameters(named)), (std::vector<std::string>{"low", "high"}));
}

TEST(ScenarioDiff, UnlikeRunsAreRefusedUnlessAllowed) {
  OutputInfo a = info("a.h5", "a", town), b = info("b.h5", "b", town);
  std::vector<std::string> warnings;
  EXPECT_NO_THROW(check_comparable({a, b}, false, warnings));
  b.steps = 52;
  b.metrics.emplace_back("reached");
  try {
    check_comparable({a, b}, false, warnings);
    FAIL() << "different steps must be refused";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("steps (104 vs 52)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("metrics (only in one of them: reached)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("--allow-mismatch"), std::string::npos) << msg;
  }
  EXPECT_TRUE(warnings.empty());
  check_comparable({a, b}, true, warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("compared anyway"), std::string::npos);
}
