// Adding a rule is one file: a rule defined only in this test source,
// registered exactly as models/*.cpp do, is found by name, validated from a
// scenario and run by the engine. And the CLI lists every rule and prints
// each one's declared parameters.
#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "sim/engine/model.hpp"
#include "sim/engine/run.hpp"
#include "sim/scenario/scenario.hpp"

namespace {

// Test-only rule: every node counts steps; metric = steps * per_step.
class StepCounter final : public gs::Model {
 public:
  StepCounter(const gs::ParamValues& p, const gs::World& w) : per_step_(p.real("per_step")), nodes_(w.graph.nodes()) {}
  void initialise(const gs::StepContext&) override { steps_ = 0; }
  void step(const gs::StepContext&) override { ++steps_; }
  void measure(std::span<double> out) const override {
    out[0] = steps_ * per_step_;
    out[1] = static_cast<double>(nodes_);
  }

 private:
  double per_step_;
  std::size_t nodes_;
  int steps_ = 0;
};

}  // namespace

GROUNDSWELL_REGISTER_MODEL(test_only_step_counter, "test_only_step_counter", "Counts steps (test only)",
                           {gs::ParamSpec::real("per_step", 1.0).range(0, 10).describe("Added each step")},
                           {{"total", "steps x per_step", ""}, {"nodes", "graph nodes", "nodes"}},
                           [](const gs::ParamValues& p, const gs::World& w) -> std::unique_ptr<gs::Model> {
                             return std::make_unique<StepCounter>(p, w);
                           })

TEST(ModelRegistry, RuleDefinedInTestSourceRegistersAndRuns) {
  ASSERT_NE(gs::ModelRegistry::instance().find("test_only_step_counter"), nullptr);
  const gs::Scenario s = gs::load_scenario_text(
      "name: t\nsteps: 4\nreplicates: 2\ngraph: {type: community, population: 500}\n"
      "model: {type: test_only_step_counter, per_step: 2.5}\n",
      "test");
  EXPECT_EQ(s.model->name, "test_only_step_counter");
  const gs::World world = s.graph->generate(s.graph_params, s.seed);
  const gs::RunResult r = gs::run(gs::RunPlan{s.model, s.model_params, s.seed, s.steps, s.replicates}, world);
  ASSERT_EQ(r.metrics.size(), 2u);
  for (std::uint32_t rep = 0; rep < 2; ++rep)
    for (std::uint32_t t = 0; t <= 4; ++t) {
      EXPECT_DOUBLE_EQ(r.values[0][rep * 5 + t], 2.5 * t);
      EXPECT_DOUBLE_EQ(r.values[1][rep * 5 + t], static_cast<double>(world.graph.nodes()));
    }
}

TEST(ModelRegistry, DeclaredParametersAreValidated) {
  EXPECT_THROW(gs::load_scenario_text("name: t\ngraph: {type: community}\n"
                                      "model: {type: test_only_step_counter, per_step: 11}\n",
                                      "test"),
               gs::InputError);
  EXPECT_THROW(gs::load_scenario_text("name: t\ngraph: {type: community}\n"
                                      "model: {type: test_only_step_counter, per_stp: 1}\n",
                                      "test"),
               gs::InputError);
}

namespace {
std::string run_cli(const std::string& args) {
  const std::string command = std::string(GROUNDSWELL_BINARY) + " " + args + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::string out;
  std::array<char, 4096> buf{};
  while (pipe && fgets(buf.data(), buf.size(), pipe.get())) out += buf.data();
  return out;
}
}  // namespace

// The executable holds every rule in models/ (the test exe additionally has
// the test-only one above, which the executable must not know about).
TEST(ModelsCommand, ListsEveryRuleAndPrintsItsParameters) {
  const std::string list = run_cli("models");
  for (const auto& [name, info] : gs::ModelRegistry::instance().entries()) {
    if (name.rfind("test_only_", 0) == 0) {
      EXPECT_EQ(list.find(name), std::string::npos);
      continue;
    }
    EXPECT_NE(list.find(name), std::string::npos) << name;
    EXPECT_NE(list.find(info.summary), std::string::npos) << name;
    const std::string help = run_cli("models " + name);
    for (const auto& p : info.params) EXPECT_NE(help.find(p.name), std::string::npos) << name << "." << p.name;
    for (const auto& m : info.metrics) EXPECT_NE(help.find(m.name), std::string::npos) << name << " metric " << m.name;
    EXPECT_EQ(run_cli("models " + name + " --markdown"), gs::parameter_table(info.params, true)) << name;
  }
  for (const char* rule : {"threshold", "bass", "virus_on_network", "organising"})
    EXPECT_NE(gs::ModelRegistry::instance().find(rule), nullptr) << rule;
}
