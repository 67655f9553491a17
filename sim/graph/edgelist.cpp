// A graph read from a text file of ties, one pair of node names per line:
//   # comment lines and trailing "# ..." comments are ignored
//   alice bob
//   17 42
// Names are any whitespace-free text; nodes are numbered 0, 1, 2, ... in order
// of first appearance, so the file's own numbering need not be dense. Self
// loops and repeated ties are dropped. Groundswell's graphs are undirected:
// with `directed: true` each arc a -> b still becomes a tie between a and b
// (a -> b and b -> a become one tie).
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "sim/core/input_error.hpp"
#include "sim/core/text_checks.hpp"
#include "sim/graph/generator.hpp"

namespace gs {
namespace {

std::vector<ParamSpec> edgelist_params() {
  // Parameter declarations read as a table, one per entry.
  // clang-format off
  return {
      ParamSpec::text("path", "").require().file_path()
          .describe("Edge list file: two node names per line, '#' starts a comment"),
      ParamSpec::boolean("directed", false)
          .describe("Whether the file lists arcs (a -> b); either way each line becomes an undirected tie"),
  };
  // clang-format on
}

bool is_number(const std::string& word) {
  return !word.empty() && std::all_of(word.begin(), word.end(), [](unsigned char c) { return std::isdigit(c); });
}

// No line of two node names is this long: a longer one is not an edge list
// (a binary file, a file without newlines) and is refused before it fills memory.
constexpr std::size_t max_line_bytes = 65536;

bool read_line(std::istream& in, std::string& line, const std::string& path, std::uint64_t number) {
  line.clear();
  for (int c; (c = in.get()) != std::char_traits<char>::eof();) {
    if (c == '\n') return true;
    if (line.size() == max_line_bytes)
      throw InputError(path + ":" + std::to_string(number) + ": line longer than " + std::to_string(max_line_bytes) +
                       " bytes; expected two node names per line");
    line += static_cast<char>(c);
  }
  return !line.empty();
}

World read_edgelist(const ParamValues& params, std::uint64_t seed) {
  const std::string& path = params.text("path");
  require_regular_file(path, "an edge list file (graph.path)");  // /dev/zero would be read forever
  std::ifstream in(path);
  if (!in) throw InputError("graph.path: cannot read edge list '" + path + "': " + std::strerror(errno));
  std::unordered_map<std::string, NodeId> ids;
  std::vector<std::pair<NodeId, NodeId>> edges;
  auto id_of = [&](const std::string& name, std::uint64_t line_number) {
    auto [it, added] = ids.try_emplace(name, static_cast<NodeId>(ids.size()));
    if (added && ids.size() > std::uint64_t{UINT32_MAX})
      throw InputError(path + ":" + std::to_string(line_number) + ": more than 4294967295 distinct nodes");
    return it->second;
  };
  struct {
    std::uint64_t number = 0;
    bool named = false;  // both fields are words, not numbers
    std::string text;
  } first_line;
  bool all_numbers_after_first = true;
  std::string line;
  for (std::uint64_t number = 1; read_line(in, line, path, number); ++number) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream fields(line);
    std::vector<std::string> words;
    for (std::string word; fields >> word;) words.push_back(word);
    if (words.empty()) continue;
    if (words.size() != 2) {
      std::string shown = line.size() > 60 ? line.substr(0, 60) + "..." : line;
      const bool csv = line.find(',') != std::string::npos;
      throw InputError(path + ":" + std::to_string(number) + ": expected two node names separated by whitespace, got " +
                       std::to_string(words.size()) + (words.size() == 1 ? " field" : " fields") + " ('" + shown +
                       "')" +
                       (csv ? "; the format is whitespace-separated, not CSV: put a space or tab between the names "
                              "and start any header line with '#'"
                        : words.size() > 2 ? "; weights or other extra columns are not supported"
                                           : ""));
    }
    if (edges.empty()) first_line = {number, !is_number(words[0]) && !is_number(words[1]), line};
    all_numbers_after_first =
        all_numbers_after_first && (edges.empty() || (is_number(words[0]) && is_number(words[1])));
    const NodeId a = id_of(words[0], number);
    const NodeId b = id_of(words[1], number);
    edges.emplace_back(a, b);
  }
  if (in.bad()) throw InputError(path + ": read error: " + std::strerror(errno));
  if (ids.empty()) throw InputError(path + ": no ties found; expected lines of two node names, such as '1 2'");
  // "source target" above numbered ties is a header read as two people: refuse rather than add them.
  if (first_line.named && all_numbers_after_first && edges.size() > 1)
    throw InputError(path + ":" + std::to_string(first_line.number) + ": '" + first_line.text +
                     "' looks like a header (names above numbered ties), which would be read as a tie between two "
                     "people; start a header line with '#' (the format is two whitespace-separated names per line)");
  std::vector<std::vector<std::pair<NodeId, NodeId>>> chunks(1);
  chunks[0] = std::move(edges);
  World w;
  w.graph = build_csr(ids.size(), chunks);
  w.population = single_neighbourhood_population(ids.size(), seed);
  return w;
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_GRAPH(edgelist, "edgelist", "A graph read from a text file of ties (two node names per line)",
                           gs::edgelist_params(), gs::read_edgelist, "")
