#pragma once
// Writing a world's graph for other tools (NetworkX, igraph, R). Both formats
// are written atomically (temporary file, fsync, rename). Layout and loading
// recipes: docs/graphs.md.
//   .txt          one line "u v" per tie (u < v), '#' header lines
//   .h5 / .hdf5   CSR: /graph/offsets (uint64, nodes+1), /graph/targets
//                 (uint32, both directions of every tie, rows sorted), with
//                 /graph/layer (uint8, the tie layer of each targets entry)
//                 when the graph has layers, per-node
//                 attributes under /nodes, community structure under
//                 /neighbourhoods and /households
#include <cstdint>
#include <string>

#include "sim/graph/graph.hpp"

namespace gs {

struct ExportInfo {
  std::string generator;  // graph.type
  std::string scenario_yaml;  // resolved scenario the graph came from
  std::uint64_t seed = 0;
};

enum class ExportFormat { text, hdf5 };

// From the file name's extension; throws InputError for anything else.
ExportFormat export_format(const std::string& path);

void export_graph(const std::string& path, const World& world, const ExportInfo& info);

}  // namespace gs
