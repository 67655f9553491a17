// Edge-list files: names relabelled densely in order of first appearance,
// comments and blank lines skipped, repeated ties and self loops dropped, a
// bad line reported with file and line number, relative paths resolved
// against the scenario file's directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "graph_testing.hpp"
#include "sim/scenario/scenario.hpp"

using namespace gs;
namespace fs = std::filesystem;

namespace {
fs::path scratch_dir() {
  fs::path dir = fs::path(::testing::TempDir()) / "groundswell_edgelist_test";
  fs::create_directories(dir);
  return dir;
}

std::string write_file(const std::string& name, const std::string& text) {
  const fs::path p = scratch_dir() / name;
  std::ofstream(p) << text;
  return p.string();
}

World read(const std::string& path) { return gs::testing::make_graph("edgelist", {{"path", path}}); }

std::string error_of(const std::string& path) {
  try {
    read(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST(Edgelist, RelabelsInOrderOfFirstAppearance) {
  const std::string path = write_file("names.txt",
                                      "# a small graph\n"
                                      "\n"
                                      "100 alice   # trailing comment\n"
                                      "alice\t7\n"
                                      "7 100\n"
                                      "100 7\n"  // repeated tie, other direction
                                      "bob bob\n");  // self loop: bob exists but has no ties
  const World w = read(path);
  gs::testing::expect_valid_csr(w.graph);
  ASSERT_EQ(w.graph.nodes(), 4u);  // 100 -> 0, alice -> 1, 7 -> 2, bob -> 3
  EXPECT_EQ(w.graph.edges(), 3u);
  auto row0 = w.graph.neighbours(0);
  EXPECT_EQ(std::vector<NodeId>(row0.begin(), row0.end()), (std::vector<NodeId>{1, 2}));
  EXPECT_EQ(w.graph.degree(3), 0u);
  EXPECT_EQ(w.population.neighbourhood.size(), 4u);
}

TEST(Edgelist, BadLinesNameFileLineAndProblem) {
  const std::string one = write_file("one_field.txt", "1 2\n2 3\n# fine\n4\n");
  const std::string e1 = error_of(one);
  EXPECT_NE(e1.find(one + ":4:"), std::string::npos) << e1;
  EXPECT_NE(e1.find("expected two node names"), std::string::npos) << e1;
  EXPECT_NE(e1.find("got 1 field"), std::string::npos) << e1;

  const std::string three = write_file("weights.txt", "1 2\n1 3 0.5\n");
  const std::string e3 = error_of(three);
  EXPECT_NE(e3.find(three + ":2:"), std::string::npos) << e3;
  EXPECT_NE(e3.find("got 3 fields"), std::string::npos) << e3;
  EXPECT_NE(e3.find("weights"), std::string::npos) << e3;

  const std::string empty = write_file("empty.txt", "# nothing\n\n");
  EXPECT_NE(error_of(empty).find("no ties"), std::string::npos) << error_of(empty);
  const std::string missing = (scratch_dir() / "missing.txt").string();
  EXPECT_NE(error_of(missing).find("cannot read edge list '" + missing + "'"), std::string::npos) << error_of(missing);
}

TEST(Edgelist, RelativePathIsResolvedAgainstTheScenarioDirectory) {
  const fs::path dir = scratch_dir() / "scenario_dir";
  fs::create_directories(dir / "data");
  std::ofstream(dir / "data" / "ties.txt") << "a b\nb c\n";
  std::ofstream(dir / "s.yaml")
      << "name: t\ngraph:\n  type: edgelist\n  path: data/ties.txt\nmodel:\n  type: organising\n";
  const Scenario s = load_scenario((dir / "s.yaml").string());
  EXPECT_EQ(fs::path(s.graph_params.text("path")), (dir / "data" / "ties.txt").lexically_normal());
  EXPECT_EQ(s.graph->generate(s.graph_params, s.seed).graph.edges(), 2u);
  EXPECT_NE(s.resolved_yaml.find((dir / "data" / "ties.txt").lexically_normal().string()), std::string::npos)
      << "the resolved scenario records the file actually read";
  // The same scenario read from another working directory finds the same file.
  const fs::path cwd = fs::current_path();
  fs::current_path(scratch_dir());
  EXPECT_NO_THROW(load_scenario("scenario_dir/s.yaml").graph->generate(s.graph_params, 1));
  fs::current_path(cwd);
}

TEST(Edgelist, PathIsRequired) {
  try {
    load_scenario_text("name: t\ngraph:\n  type: edgelist\nmodel:\n  type: organising\n", "x.yaml");
    FAIL() << "a missing path must be an error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("graph.path: missing required key"), std::string::npos) << e.what();
  }
}

TEST(Edgelist, MissingFileFailsWhenTheScenarioIsLoaded) {
  // validate loads the scenario only: a path that names no file must fail there, not only at run.
  const std::string missing = (scratch_dir() / "no_such_ties.txt").string();
  try {
    load_scenario_text("name: t\ngraph:\n  type: edgelist\n  path: " + missing + "\nmodel:\n  type: organising\n",
                       "x.yaml");
    FAIL() << "a missing edge-list file must be an error at load";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("x.yaml:4:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("graph.path"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'" + missing + "' does not exist"), std::string::npos) << msg;
  }
  const std::string present = write_file("present.txt", "1 2\n");
  EXPECT_NO_THROW(load_scenario_text(
      "name: t\ngraph:\n  type: edgelist\n  path: " + present + "\nmodel:\n  type: organising\n", "x.yaml"));
}

TEST(Edgelist, CsvAndHeaderLinesSayTheFormatIsWhitespaceSeparated) {
  const std::string csv = write_file("ties.csv", "1,2\n2,3\n");
  const std::string e1 = error_of(csv);
  EXPECT_NE(e1.find(csv + ":1:"), std::string::npos) << e1;
  EXPECT_NE(e1.find("whitespace-separated, not CSV"), std::string::npos) << e1;
  // A header of words above numbered ties would silently add two people and a tie.
  const std::string header = write_file("header.txt", "source target\n1 2\n2 3\n");
  const std::string e2 = error_of(header);
  EXPECT_NE(e2.find(header + ":1: 'source target' looks like a header"), std::string::npos) << e2;
  EXPECT_NE(e2.find("'#'"), std::string::npos) << e2;
  // Names throughout are a graph of named people, not a header.
  EXPECT_EQ(read(write_file("named.txt", "alice bob\nbob carol\n")).graph.nodes(), 3u);
}
