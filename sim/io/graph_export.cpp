#include "sim/io/graph_export.hpp"

#include <hdf5.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "sim/core/input_error.hpp"
#include "sim/io/hdf5_write.hpp"
#include "sim/io/output.hpp"

namespace gs {
namespace {

using hdf5::check;
using hdf5::Handle;
using hdf5::write_integer_attribute;
using hdf5::write_text_attribute;

// A 1-D dataset, deflate-compressed in chunks when large enough to matter.
template <class T, class Allocator>
void dataset(hid_t group, const std::string& name, const std::vector<T, Allocator>& values, hid_t file_type,
             hid_t memory_type, const std::string& description) {
  hsize_t dims[1] = {values.size()};
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose, "create dataspace for " + name);
  Handle props(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create dataset properties");
  constexpr hsize_t chunk = hsize_t{1} << 18;
  if (values.size() >= 4096) {
    hsize_t c[1] = {std::min<hsize_t>(chunk, values.size())};
    check(H5Pset_chunk(props, 1, c), "set chunking");
    check(H5Pset_shuffle(props), "set shuffle filter");
    check(H5Pset_deflate(props, 4), "set deflate filter");
  }
  Handle ds(H5Dcreate2(group, name.c_str(), file_type, space, H5P_DEFAULT, props, H5P_DEFAULT), H5Dclose,
            "create dataset " + name);
  if (!values.empty()) check(H5Dwrite(ds, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "write " + name);
  write_text_attribute(ds, "description", description);
}

void write_hdf5(const std::string& temp, const World& w, const ExportInfo& info) {
  const Graph& g = w.graph;
  const Population& p = w.population;
  const std::size_t n = g.nodes();
  hdf5::MemoryFile file(temp);
  write_text_attribute(file, "software", software_version());
  write_text_attribute(file, "format", "groundswell graph 1 (CSR; see docs/graphs.md)");
  write_text_attribute(file, "graph", info.generator);
  write_text_attribute(file, "scenario_yaml", info.scenario_yaml);
  write_integer_attribute(file, "seed", static_cast<std::int64_t>(info.seed));
  write_integer_attribute(file, "nodes", static_cast<std::int64_t>(n));
  write_integer_attribute(file, "edges", static_cast<std::int64_t>(g.edges()));

  {
    Handle group(H5Gcreate2(file, "graph", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "create /graph");
    write_text_attribute(
        group, "description",
        "Undirected graph in CSR form: the neighbours of node v are targets[offsets[v]:offsets[v+1]], sorted; "
        "every tie appears in both rows");
    dataset(group, "offsets", g.offsets, H5T_STD_U64LE, H5T_NATIVE_UINT32,  // 64-bit in files, as before
            "Row start of each node in targets (nodes+1 values)");
    dataset(group, "targets", g.targets, H5T_STD_U32LE, H5T_NATIVE_UINT32, "Neighbour node ids, row by row");
    if (!g.layers.empty()) {
      std::vector<std::uint8_t> layer(g.targets.size());
      for (std::size_t e = 0; e < layer.size(); ++e) layer[e] = static_cast<std::uint8_t>(g.layers.at(e));
      dataset(group, "layer", layer, H5T_STD_U8LE, H5T_NATIVE_UINT8,
              "Layer of the tie at the same index of targets: 0 household, 1 close, 2 friends, 3 acquaintance");
      write_text_attribute(group, "layer_names", "household,close,friends,acquaintance");
    }
  }

  Handle nodes(H5Gcreate2(file, "nodes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "create /nodes");
  std::vector<std::uint8_t> group(n);
  for (std::size_t v = 0; v < n; ++v) group[v] = static_cast<std::uint8_t>(p.group[v]);
  dataset(nodes, "group", group, H5T_STD_U8LE, H5T_NATIVE_UINT8,
          "Constituency group: 0 patient, 1 parent, 2 tenant, 3 other");
  write_text_attribute(nodes, "group_names", "patient,parent,tenant,other");

  const bool community = p.neighbourhoods() > 1 || !p.household_start.empty();
  if (!community) {
    file.save();
    return;
  }
  dataset(nodes, "neighbourhood", p.neighbourhood, H5T_STD_U32LE, H5T_NATIVE_UINT32, "Neighbourhood of each node");
  std::vector<std::uint32_t> region(n);
  std::vector<float> deprivation(n);
  for (std::size_t v = 0; v < n; ++v) {
    region[v] = p.region[p.neighbourhood[v]];
    deprivation[v] = p.deprivation[p.neighbourhood[v]];
  }
  dataset(nodes, "region", region, H5T_STD_U32LE, H5T_NATIVE_UINT32, "Region of each node's neighbourhood");
  dataset(nodes, "deprivation", deprivation, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT,
          "Deprivation rank of each node's neighbourhood in [0, 1): 0 least deprived");
  if (!p.household_start.empty()) {
    std::vector<std::uint32_t> household(n);
    for (std::size_t h = 0; h + 1 < p.household_start.size(); ++h)
      for (std::uint64_t v = p.household_start[h]; v < p.household_start[h + 1]; ++v)
        household[v] = static_cast<std::uint32_t>(h);
    dataset(nodes, "household", household, H5T_STD_U32LE, H5T_NATIVE_UINT32, "Household of each node");
    Handle households(H5Gcreate2(file, "households", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                      "create /households");
    dataset(households, "start", p.household_start, H5T_STD_U64LE, H5T_NATIVE_UINT32,
            "Household h holds nodes start[h] to start[h+1]-1");
  }
  Handle hoods(H5Gcreate2(file, "neighbourhoods", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
               "create /neighbourhoods");
  dataset(hoods, "start", p.neighbourhood_start, H5T_STD_U64LE, H5T_NATIVE_UINT64,
          "Neighbourhood h holds nodes start[h] to start[h+1]-1");
  dataset(hoods, "region", p.region, H5T_STD_U32LE, H5T_NATIVE_UINT32, "Region of each neighbourhood");
  dataset(hoods, "deprivation", p.deprivation, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT,
          "Deprivation rank in [0, 1): 0 least deprived, 1 most");
  file.save();
}

void write_text(const std::string& temp, const World& w, const ExportInfo& info) {
  const Graph& g = w.graph;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(temp.c_str(), "wx"), std::fclose);
  if (!out) throw OutputError(temp + ": cannot create: " + std::strerror(errno));
  std::vector<char> buffer(1 << 20);
  std::setvbuf(out.get(), buffer.data(), _IOFBF, buffer.size());
  std::fprintf(out.get(), "# %s edge list: graph %s, seed %llu, %zu nodes (ids 0..%zu), %llu ties\n",
               software_version().c_str(), info.generator.c_str(), static_cast<unsigned long long>(info.seed),
               g.nodes(), g.nodes() ? g.nodes() - 1 : 0, static_cast<unsigned long long>(g.edges()));
  std::fprintf(out.get(), "# each undirected tie once as 'u v' with u < v; isolated nodes do not appear\n");
  char line[32];
  int failed = 0;  // errno of the first failed write: a full disk must be named as one
  for (NodeId v = 0; v < g.nodes() && !failed; ++v) {
    for (NodeId u : g.neighbours(v)) {
      if (u <= v) continue;
      const int len = std::snprintf(line, sizeof line, "%u %u\n", v, u);
      if (std::fwrite(line, 1, static_cast<std::size_t>(len), out.get()) != static_cast<std::size_t>(len)) {
        failed = errno;
        break;
      }
    }
  }
  std::FILE* f = out.release();
  if (std::fclose(f) != 0 && !failed) failed = errno;
  if (failed == ENOSPC || failed == EFBIG || failed == EDQUOT)
    throw DiskFullError(temp + ": no space left on device while writing it (" +
                        (failed == EFBIG ? std::string("the file-size limit, ulimit -f, was reached")
                                         : std::string(std::strerror(failed))) +
                        ")");
  if (failed) throw OutputError(temp + ": write failed: " + std::strerror(failed));
}

}  // namespace

ExportFormat export_format(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".txt") return ExportFormat::text;
  if (ext == ".h5" || ext == ".hdf5") return ExportFormat::hdf5;
  throw InputError("--export " + path + ": unknown file type '" + ext +
                   "'; allowed: .txt (edge list) or .h5 / .hdf5 (HDF5 CSR)");
}

void export_graph(const std::string& path, const World& world, const ExportInfo& info) {
  const ExportFormat format = export_format(path);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  write_atomically(path, [&](const std::string& temp) {
    if (format == ExportFormat::text)
      write_text(temp, world, info);
    else
      write_hdf5(temp, world, info);
  });
}

}  // namespace gs
