#pragma once
// Summary statistics of a world's graph, for `groundswell graph --stats` and
// for tests. Every figure is deterministic for any thread count.
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/graph/graph.hpp"

namespace gs {

// Local clustering coefficient of every node: the share of pairs of its
// neighbours that are themselves tied (0 for degree < 2, as NetworkX).
std::vector<double> local_clustering(const Graph& g);
// Mean of local_clustering over all nodes (NetworkX average_clustering).
double mean_clustering(const Graph& g);

struct Clustering {
  double average = 0;  // mean local clustering (NetworkX average_clustering)
  double global = 0;  // 3 x triangles / connected triples (NetworkX transitivity)
};
Clustering clustering(const Graph& g);

// Pearson correlation of the degrees at the two ends of a tie (Newman 2002;
// NetworkX degree_assortativity_coefficient). 0 when all degrees are equal.
double degree_assortativity(const Graph& g);

// Share of ties whose two ends are in the same class, against the share
// expected if ties joined tie ends at random (sum over classes of the squared
// share of tie ends in the class), and the assortativity coefficient
// (within - expected) / (1 - expected) (Newman 2003; NetworkX
// attribute_assortativity_coefficient).
struct Homophily {
  double within = 0, expected = 0, coefficient = 0;
};
Homophily homophily(const Graph& g, std::span<const std::uint8_t> class_of_node, int classes);

struct Components {
  std::uint64_t count = 0;
  std::uint64_t largest = 0;  // nodes in the largest component
  std::vector<std::uint32_t> label;  // per node: its component, numbered in order of lowest node id
};
Components connected_components(const Graph& g);

struct SizeSummary {
  std::uint64_t count = 0;
  double mean = 0;
  std::uint64_t min = 0, max = 0;
};

struct GraphStatistics {
  std::uint64_t nodes = 0, edges = 0;
  double mean_degree = 0, degree_variance = 0;
  std::uint32_t min_degree = 0, max_degree = 0;
  std::uint64_t isolated = 0;
  std::vector<std::pair<double, std::uint32_t>> degree_quantiles;  // (q, degree)
  double mean_clustering = 0, global_clustering = 0;
  double assortativity = 0;
  // Graphs with tie layers: ties per person in each TieLayer.
  bool layers = false;
  double layer_degree[tie_layer_count] = {};
  std::uint64_t components = 0, largest_component = 0;
  // Community graphs only (more than one neighbourhood, or households recorded).
  bool community = false;
  SizeSummary households, neighbourhoods, regions;  // sizes in citizens
  double share_in_household = 0, share_in_neighbourhood = 0, share_in_region = 0;  // of all ties
  Homophily same_group, same_deprivation_quintile;
};

GraphStatistics graph_statistics(const World& w, bool clustering = true);
std::string format_statistics(const GraphStatistics& s);

}  // namespace gs
