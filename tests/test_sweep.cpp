#include "sim/sweep/sweep.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

using namespace gs;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "groundswell-test-sweep";
  std::filesystem::create_directories(dir);
  auto path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

const char* inline_base = R"(base:
  name: tiny
  seed: 9
  steps: 3
  graph: {type: community, population: 800}
  model: {type: organising}
)";

}  // namespace

TEST(Sweep, GridTimesZipInRowMajorOrder) {
  const std::string path = write_temp("grid.yaml", std::string(inline_base) + R"(sweep:
  model.organisers.count: [0, 2, 4]
  steps: [1, 2]
zip:
  replicates: [1, 2]
  model.reinforcement: [0.1, 0.2]
)");
  const Sweep sw = load_sweep(path);
  ASSERT_EQ(sw.members.size(), 3u * 2u * 2u);
  EXPECT_EQ(sw.varied_paths,
            (std::vector<std::string>{"model.organisers.count", "steps", "replicates", "model.reinforcement"}));
  // Index 7 = count index 1 (2), steps index 1 (2), zip index 1: 7 = 1*4 + 1*2 + 1.
  const SweepMember& m = sw.members[7];
  EXPECT_EQ(m.values[0].yaml, "2");
  EXPECT_EQ(m.values[1].yaml, "2");
  EXPECT_EQ(m.values[2].yaml, "2");
  EXPECT_EQ(m.values[3].yaml, "0.2");
  const Scenario s = load_member(sw, m);
  EXPECT_EQ(s.model_params.integer("organisers.count"), 2);
  EXPECT_EQ(s.steps, 2u);
  EXPECT_EQ(s.replicates, 2u);
  EXPECT_DOUBLE_EQ(s.model_params.real("reinforcement"), 0.2);
  EXPECT_EQ(s.seed, member_seed(9, 7));  // the base seed is the sweep seed by default
}

TEST(Sweep, NamesAndSeedsAreUniqueAndSeedsInRange) {
  const std::string path = write_temp("many.yaml", std::string(inline_base) + R"(samples:
  n: 500
  ranges: {model.reinforcement: [0, 1]}
seed: 123
)");
  const Sweep sw = load_sweep(path);
  ASSERT_EQ(sw.members.size(), 500u);
  std::set<std::string> names;
  std::set<std::uint64_t> seeds;
  for (const auto& m : sw.members) {
    names.insert(m.name);
    seeds.insert(m.seed);
    EXPECT_LT(m.seed, std::uint64_t{1} << 52);
    EXPECT_EQ(m.seed, member_seed(123, m.index));
  }
  EXPECT_EQ(names.size(), 500u);
  EXPECT_EQ(seeds.size(), 500u);
  EXPECT_EQ(sw.members[42].name, "m0042");
}

TEST(Sweep, SweptValueErrorNamesTheSweepFileLine) {
  const std::string path = write_temp("bad.yaml", std::string(inline_base) + "sweep:\n  steps: [2, 0]\n");
  const Sweep sw = load_sweep(path);
  try {
    load_member(sw, sw.members[1]);
    FAIL() << "steps 0 accepted";
  } catch (const InputError& e) {
    // Line 8 of the file, column of the 0 in "  steps: [2, 0]".
    EXPECT_EQ(std::string(e.what()).rfind(path + ":8:14: steps: ", 0), 0u) << e.what();
  }
}

TEST(Sweep, InlineBaseErrorKeepsItsLine) {
  const std::string path = write_temp("inline.yaml", "sweep:\n  steps: [1]\nbase:\n  name: x\n  stepz: 3\n");
  try {
    load_sweep(path);
    FAIL() << "unknown key accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path + ":5:3: stepz: unknown key", 0), 0u) << e.what();
  }
}
