#pragma once
// Helpers for generator tests: build a registered generator's graph from its
// declared defaults plus a few overrides, and check the CSR invariants every
// generator must keep.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <string>

#include "sim/graph/generator.hpp"

namespace gs::testing {

inline ParamValue parse_default(const ParamSpec& s) {
  switch (s.type) {
    case ParamType::integer: return static_cast<std::int64_t>(std::stoll(s.default_text));
    case ParamType::real: return std::stod(s.default_text);
    case ParamType::boolean: return s.default_text == "true";
    case ParamType::text:
    case ParamType::choice: return s.default_text;
    case ParamType::real_list: {
      std::vector<double> out;
      std::string text = s.default_text.substr(1, s.default_text.size() - 2);
      std::replace(text.begin(), text.end(), ',', ' ');
      std::istringstream in(text);
      for (double x; in >> x;) out.push_back(x);
      return out;
    }
    case ParamType::records: break;  // no graph generator declares lists of mappings
  }
  throw std::logic_error("graph parameter " + s.name + " has a type the tests cannot default");
}

inline ParamValues graph_params(const std::string& type, const std::map<std::string, ParamValue>& overrides) {
  const GraphGeneratorInfo* info = GraphRegistry::instance().find(type);
  if (!info) throw std::logic_error("no graph generator " + type);
  ParamValues values;
  for (const auto& s : info->params) values.set(s.name, parse_default(s));
  for (const auto& [name, value] : overrides) {
    if (!values.has(name)) throw std::logic_error(type + " has no parameter " + name);
    values.set(name, value);
  }
  return values;
}

inline World make_graph(const std::string& type, const std::map<std::string, ParamValue>& overrides,
                        std::uint64_t seed = 1) {
  return GraphRegistry::instance().find(type)->generate(graph_params(type, overrides), seed);
}

// Offsets well formed, rows strictly increasing (so sorted, no duplicates),
// no self loops, every tie present in both rows.
inline void expect_valid_csr(const Graph& g) {
  const std::size_t n = g.nodes();
  ASSERT_EQ(g.offsets.front(), 0u);
  ASSERT_EQ(g.offsets.back(), g.targets.size());
  ASSERT_EQ(g.targets.size() % 2, 0u) << "every tie is stored in both rows";
  std::uint64_t self_loops = 0, unsorted = 0, asymmetric = 0, out_of_range = 0;
  for (std::size_t v = 0; v < n; ++v) {
    ASSERT_LE(g.offsets[v], g.offsets[v + 1]);
    auto row = g.neighbours(static_cast<NodeId>(v));
    for (std::size_t i = 0; i < row.size(); ++i) {
      const NodeId u = row[i];
      if (u >= n) {
        ++out_of_range;
        continue;
      }
      if (u == v) ++self_loops;
      if (i > 0 && row[i - 1] >= u) ++unsorted;
      auto back = g.neighbours(u);
      if (!std::binary_search(back.begin(), back.end(), static_cast<NodeId>(v))) ++asymmetric;
    }
  }
  EXPECT_EQ(out_of_range, 0u);
  EXPECT_EQ(self_loops, 0u);
  EXPECT_EQ(unsorted, 0u) << "rows must be strictly increasing (sorted, no duplicate ties)";
  EXPECT_EQ(asymmetric, 0u);
}

inline bool same_graph(const Graph& a, const Graph& b) { return a.offsets == b.offsets && a.targets == b.targets; }

}  // namespace gs::testing
