#pragma once
// The community generator's parts that its two fabrics share: the population
// (neighbourhoods, regions, deprivation, groups, households) and how it is cut
// into chunks for the CSR builder. community.cpp builds these and the classic
// fabric's ties; community_clustered.cpp the clustered fabric's.
#include <cstdint>
#include <vector>

#include "sim/core/params.hpp"
#include "sim/graph/graph.hpp"

namespace gs {

struct CommunityBase {
  World world;  // population filled in, graph empty
  std::vector<std::vector<NodeId>> household_starts;  // per neighbourhood: first id of each household
  std::vector<std::uint32_t> hood_by_rank;  // neighbourhoods from least to most deprived
  std::uint64_t per_region = 1;  // neighbourhoods per region (the last region may have fewer)
  // Chunk c (a region, or a piece of one) holds neighbourhoods
  // [chunk_first_hood[c], chunk_first_hood[c+1]) and owns their residents' rows.
  std::vector<std::uint64_t> chunk_first_hood{0};
  bool chunks_split_regions = false;

  std::vector<std::uint64_t> chunk_row_starts() const;
};

// The clustered fabric's parameters (all under "clustered."), and its ties.
std::vector<ParamSpec> clustered_fabric_params();
Graph clustered_fabric(const ParamValues& p, std::uint64_t seed, const CommunityBase& base);

}  // namespace gs
