// groundswell explore's pieces without the server: parameters from the
// declarations, locked keys, allowed Host values, and the results' statistics
// against values computed here. The server itself: tests/python/test_explore_*.py.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/cli/explore/parameters_json.hpp"
#include "sim/cli/explore/results_json.hpp"
#include "sim/cli/explore/server.hpp"

using namespace gs;
using namespace gs::explore;

namespace {

const char* town = R"(name: explore_test
seed: 3
steps: 4
replicates: 3
graph: {type: community, population: 4000, neighbourhood_size: 400}
model: {type: organising, organisers: {count: 7}}
)";

const nlohmann::json* find_param(const nlohmann::json& p, const std::string& key) {
  for (const auto& section : p["sections"])
    for (const auto& q : section["parameters"])
      if (q["key"] == key) return &q;
  return nullptr;
}

}  // namespace

TEST(Explore, ParametersComeFromTheDeclarations) {
  const Scenario s = load_scenario_text(town, "t.yaml");
  const nlohmann::json p = parameters_json(s);
  std::size_t model_params = 0;
  for (const auto& section : p["sections"])
    if (section["section"] == "model") model_params = section["parameters"].size();
  EXPECT_EQ(model_params, s.model->params.size());
  const nlohmann::json* count = find_param(p, "model.organisers.count");
  ASSERT_NE(count, nullptr);
  EXPECT_EQ((*count)["value"], 7);  // the scenario's, before population scaling
  EXPECT_EQ((*count)["default"], 0);
  EXPECT_EQ((*count)["group"], "organisers");
  EXPECT_EQ((*count)["unit"], "organisers");
  const nlohmann::json* placement = find_param(p, "model.organisers.placement");
  ASSERT_NE(placement, nullptr);
  EXPECT_EQ((*placement)["value"], "proportional");
  EXPECT_EQ((*placement)["choices"].size(), 4u);
  EXPECT_EQ((*find_param(p, "steps"))["value"], 4);
  EXPECT_EQ(find_param(p, "name"), nullptr);
}

TEST(Explore, YamlValuesBecomeJson) {
  EXPECT_EQ(yaml_text_to_json("3"), 3);
  EXPECT_EQ(yaml_text_to_json("0.25"), 0.25);
  EXPECT_EQ(yaml_text_to_json("true"), true);
  EXPECT_EQ(yaml_text_to_json("'3'"), "3");
  EXPECT_EQ(yaml_text_to_json("[1, 2.5]"), nlohmann::json::parse("[1, 2.5]"));
  EXPECT_EQ(yaml_text_to_json("[{count: 5, kind: paid}]"), nlohmann::json::parse(R"([{"count": 5, "kind": "paid"}])"));
}

TEST(Explore, LockedKeys) {
  const Scenario s = load_scenario_text("name: e\ngraph: {type: edgelist, path: " GROUNDSWELL_SOURCE_DIR
                                        "/scenarios/graphs/example_ties.txt}\n"
                                        "model: {type: threshold}\n",
                                        "t.yaml");
  for (const char* key : {"graph", "graph.path", "graph.type", "model", "model.type", "output", "output.compression"})
    EXPECT_TRUE(is_locked_key(s, key)) << key;
  for (const char* key : {"steps", "seed", "model.phi", "graph.pathology"}) EXPECT_FALSE(is_locked_key(s, key)) << key;
}

TEST(Explore, AllowedHosts) {
  EXPECT_EQ(allowed_hosts("127.0.0.1", 8050),
            (std::vector<std::string>{"127.0.0.1:8050", "localhost:8050", "[::1]:8050"}));
  EXPECT_EQ(allowed_hosts("192.168.1.5", 80).back(), "192.168.1.5:80");
  EXPECT_EQ(allowed_hosts("fe80::1", 80).back(), "[fe80::1]:80");
  EXPECT_EQ(allowed_hosts("0.0.0.0", 80).size(), 3u);
}

// Means, t intervals and the paired difference, against sums written out here.
TEST(Explore, ResultsStatistics) {
  explore::Run run;
  run.id = "r1";
  for (const char* label : {"A", "B"}) {
    Arm arm;
    arm.label = label;
    arm.scenario = load_scenario_text(town, "t.yaml", {"steps=1"});
    run.arms.push_back(arm);
  }
  auto result = [](std::vector<double> values) {
    RunResult r;
    r.metrics = {{"participation", "", "share"}};
    r.values = {std::move(values)};  // [replicate][step], steps 0 and 1
    return r;
  };
  const std::vector<RunResult> results = {result({0.1, 0.2, 0.1, 0.4, 0.1, 0.3}),
                                          result({0.1, 0.3, 0.1, 0.6, 0.1, 0.3})};
  const nlohmann::json j = results_json(run, results);
  const auto& a = j["arms"][0]["series"]["participation"];
  EXPECT_DOUBLE_EQ(a["mean"][1].get<double>(), 0.3);
  // s.d. of 0.2, 0.4, 0.3 is 0.1; t(0.975, 2) = 4.302652729749464.
  const double half = 4.302652729749464 * 0.1 / std::sqrt(3.0);
  EXPECT_NEAR(a["low"][1].get<double>(), 0.3 - half, 1e-9);
  EXPECT_NEAR(a["high"][1].get<double>(), 0.3 + half, 1e-9);
  EXPECT_DOUBLE_EQ(j["arms"][1]["final"]["participation"].get<double>(), 0.4);
  // Paired differences 0.1, 0.2, 0: mean 0.1, s.d. 0.1.
  const auto& d = j["difference"]["participation"];
  EXPECT_NEAR(d["mean"][1].get<double>(), 0.1, 1e-15);
  EXPECT_NEAR(d["low"][1].get<double>(), 0.1 - half, 1e-9);
  EXPECT_EQ(d["mean"][0].get<double>(), 0.0);
  EXPECT_TRUE(d["low"][0].is_number());  // zero spread: an interval of width 0
  EXPECT_EQ(j["arms"][0]["replicate_series"]["values"][2], nlohmann::json::parse("[0.1, 0.3]"));
}
