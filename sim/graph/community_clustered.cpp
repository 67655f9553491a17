// The community graph's clustered fabric (graph parameter fabric: clustered).
// Ties form in groups, as Feld's (1981) focus theory has it: people meet
// through the foci of their lives (a club, a congregation, a workplace, the
// school gate), and ties inside a focus close triangles. In each
// neighbourhood:
//   - households are complete subgraphs (layer household), as in the classic
//     fabric;
//   - residents are placed in foci of about `focus_size`, each cut into close
//     circles of about `circle_size` whose members are all tied (layer close);
//   - each resident starts a heavy-tailed number of further ties (Poisson
//     with a lognormal sociability of mean 1): friends in their focus (layer
//     friends), acquaintances in the neighbourhood, in nearby neighbourhoods
//     of the region and elsewhere in the country (layer acquaintance). By
//     default they are drawn per neighbourhood and kind: a Poisson total,
//     each tie's starter in proportion to sociability (the same law as a
//     count per citizen, which tie_draws per_citizen keeps; community_ties.hpp);
//   - homophily: residents are sorted into foci by constituency group with
//     probability `group_homophily`, and long-range ties go to neighbourhoods
//     of similar deprivation rank (McPherson, Smith-Lovin & Cook 2001).
// A tie's layer is the closest context its two ends share (household, then
// close circle, then focus), so it does not depend on how the tie was drawn.
// Counter-based streams keyed by (seed, citizen or neighbourhood, purpose):
// the graph is the same for any thread count. Parameters and sources: docs/graphs.md.
#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <type_traits>

#include <omp.h>

#include "sim/core/parallel_errors.hpp"
#include "sim/core/random.hpp"
#include "sim/graph/community.hpp"
#include "sim/graph/community_foci.hpp"
#include "sim/graph/community_ties.hpp"
#include "sim/graph/csr_builder.hpp"
#include "sim/graph/stream_words.hpp"

namespace gs {

std::vector<ParamSpec> clustered_fabric_params() {
  // Parameter declarations read as a table, one per entry.
  // clang-format off
  return {
      ParamSpec::integer("clustered.circle_size", 5).range(1, 1000).units("citizens")
          .describe("People in a close circle, all tied to each other; with the household about Dunbar's support "
                    "clique of 5 (Zhou et al. 2005)"),
      ParamSpec::integer("clustered.focus_size", 16).range(1, 100000).units("citizens")
          .describe("People in a focus (club, congregation, workplace, school gate; Feld 1981) of a "
                    "neighbourhood; uncertain, 10-50"),
      ParamSpec::real("clustered.friend_ties", 2.0).range(0, 1000).units("ties per citizen")
          .describe("Mean ties a citizen of average sociability starts with others of their focus"),
      ParamSpec::real("clustered.local_ties", 1.25).range(0, 1000).units("ties per citizen")
          .describe("Mean ties a citizen of average sociability starts with any resident of their neighbourhood"),
      ParamSpec::real("clustered.regional_ties", 1.0).range(0, 1000).units("ties per citizen")
          .describe("Mean ties started with residents of nearby neighbourhoods of the region (regional_radius)"),
      ParamSpec::real("clustered.long_range_ties", 0.25).range(0, 1000).units("ties per citizen")
          .describe("Mean ties started with residents of neighbourhoods of similar deprivation anywhere"),
      ParamSpec::real("clustered.sociability_sd", 0.7).range(0, 3)
          .describe("Standard deviation of log sociability (lognormal, mean 1), which multiplies the ties a "
                    "citizen starts: heavy-tailed personal network sizes; uncertain, 0.4-0.8"),
      ParamSpec::real("clustered.group_homophily", 0.5).range(0, 1)
          .describe("Probability that a citizen's focus is chosen among their own constituency group "
                    "(else among everyone); uncertain"),
      ParamSpec::real("clustered.deprivation_spread", 0.1).range(0, 1)
          .describe("Long-range ties go to neighbourhoods within this distance in national deprivation rank"),
      ParamSpec::choice("clustered.tie_draws", "per_neighbourhood", {"per_neighbourhood", "per_citizen"})
          .describe("How the ties citizens start are drawn (the same law, other graphs): per_neighbourhood (since "
                    "0.4.0), a Poisson total for each neighbourhood and kind with each tie's starter chosen by "
                    "sociability (cheaper); per_citizen, a Poisson count for each citizen, the formula of results versions "
                    "0.2.0-0.3.0 (their graphs reproduce bit for bit)"),
  };
  // clang-format on
}

namespace {

using clustered::citizen_ties;
using clustered::for_each_circle;
using clustered::neighbourhood_ties;
using clustered::Placement;
using clustered::scaled;
using clustered::Shape;
using clustered::shape_of;
using clustered::sociabilities;
using clustered::SociabilityAlias;
using clustered::TieDraws;
using clustered::TieSinks;
using clustered::weighted_pick;

class ClusteredFabric {
 public:
  ClusteredFabric(const ParamValues& p, std::uint64_t seed, const CommunityBase& base)
      : base_(base),
        pop_(base.world.population),
        seed_(seed),
        shape_(shape_of(p, pop_.neighbourhoods())),
        rank_of_hood_(pop_.neighbourhoods()) {
    for (std::size_t r = 0; r < base.hood_by_rank.size(); ++r)
      rank_of_hood_[base.hood_by_rank[r]] = static_cast<std::uint32_t>(r);
  }

  Graph build() const {
    std::vector<Scratch> scratch(static_cast<std::size_t>(omp_get_max_threads()));
    auto chunk_edges = [&](std::size_t c, auto&& emit) {
      Scratch& s = scratch[static_cast<std::size_t>(omp_get_thread_num())];
      for (std::uint64_t h = base_.chunk_first_hood[c]; h < base_.chunk_first_hood[c + 1]; ++h)
        hood_edges(h, emit, s, std::false_type{});
    };
    auto chunk_leaving = [&](std::size_t c, auto&& emit) {
      Scratch& s = scratch[static_cast<std::size_t>(omp_get_thread_num())];
      std::uint64_t emitted = 0;
      for (std::uint64_t h = base_.chunk_first_hood[c]; h < base_.chunk_first_hood[c + 1]; ++h)
        emitted += hood_edges(h, emit, s, std::true_type{});
      return emitted;
    };
    return build_csr_owned_layered(pop_.neighbourhood.size(), base_.chunk_row_starts(), chunk_edges, chunk_leaving);
  }

 private:
  struct Scratch {
    Placement placement;
    SociabilityAlias alias;
    std::vector<std::uint32_t> sociability;  // the leaving pass's bins: no placement needed
    std::vector<std::uint32_t> household;  // [local index]: the household's index in the neighbourhood
  };

  std::uint64_t first_of(std::uint64_t h) const { return pop_.neighbourhood_start[h]; }
  std::uint32_t residents_of(std::uint64_t h) const {
    return static_cast<std::uint32_t>(pop_.neighbourhood_start[h + 1] - pop_.neighbourhood_start[h]);
  }

  // A resident of a nearby neighbourhood of h's region (as the classic
  // fabric's regional ties: never h itself when the region has others).
  NodeId regional_tie(std::uint64_t h, std::uint32_t w1, std::uint32_t w2) const {
    const std::uint64_t region_first = pop_.region[h] * base_.per_region;
    const auto span = static_cast<std::int64_t>(
        std::min<std::uint64_t>(pop_.neighbourhoods(), region_first + base_.per_region) - region_first);
    std::int64_t offset =
        static_cast<std::int64_t>(scaled(w1, static_cast<std::uint32_t>(2 * shape_.radius))) - shape_.radius;
    if (offset >= 0) ++offset;
    std::int64_t rel = static_cast<std::int64_t>(h - region_first) + offset;
    if (rel < 0 || rel >= span) rel = ((rel % span) + span) % span;
    const std::uint64_t hood = region_first + static_cast<std::uint64_t>(rel);
    return static_cast<NodeId>(first_of(hood) + scaled(w2, residents_of(hood)));
  }

  // A resident of a neighbourhood within rank_spread of h in the national
  // deprivation order (reflected at the ends).
  NodeId long_range_tie(std::uint64_t h, std::uint32_t w1, std::uint32_t w2) const {
    const auto hoods = static_cast<std::int64_t>(pop_.neighbourhoods());
    const std::int64_t spread = shape_.rank_spread;
    std::int64_t rank = static_cast<std::int64_t>(rank_of_hood_[h]) +
                        static_cast<std::int64_t>(scaled(w1, static_cast<std::uint32_t>(2 * spread + 1))) - spread;
    if (rank < 0) rank = -rank;
    if (rank >= hoods) rank = 2 * (hoods - 1) - rank;
    rank = std::clamp<std::int64_t>(rank, 0, hoods - 1);
    const std::uint64_t hood = base_.hood_by_rank[static_cast<std::size_t>(rank)];
    return static_cast<NodeId>(first_of(hood) + scaled(w2, residents_of(hood)));
  }

  // Emits neighbourhood h's edges with their layers; with `leaving`, only
  // those that may leave the chunk (long-range ties and, for pieces of
  // regions, regional ones). Returns how many edges the full
  // call emits at most. A tie's layer is the closest context its two ends share:
  // household (0), else acquaintance (3) less one for a shared focus and one
  // more for a shared circle (which implies the focus); ends in different
  // neighbourhoods share none (so ties that leave the chunk are all 3).
  template <class Emit, class Leaving>
  std::uint64_t hood_edges(std::uint64_t h, Emit&& emit, Scratch& scratch, Leaving) const {
    constexpr bool only_leaving = Leaving::value;
    const std::uint64_t first = first_of(h);
    const std::uint32_t n = residents_of(h);
    std::uint64_t emitted = 0;

    std::uint32_t* household = nullptr;
    if constexpr (!only_leaving) {
      scratch.household.resize(n);
      household = scratch.household.data();
    }
    const auto& starts = base_.household_starts[h];
    for (std::size_t i = 0; i < starts.size(); ++i) {
      const std::uint64_t end = i + 1 < starts.size() ? starts[i + 1] : first + n;
      emitted += (end - starts[i]) * (end - starts[i] - 1) / 2;
      if constexpr (!only_leaving) {
        for (std::uint64_t a = starts[i]; a < end; ++a) {
          household[a - first] = static_cast<std::uint32_t>(i);
          for (std::uint64_t b = a + 1; b < end; ++b) emit(NodeId(a), NodeId(b), 0u);
        }
      }
    }

    Placement& place = scratch.placement;
    if constexpr (!only_leaving)
      place.place(seed_, first, n, pop_, shape_);
    else
      sociabilities(seed_, first, n, scratch.sociability);
    const std::vector<std::uint32_t>& bins = only_leaving ? scratch.sociability : place.bin;
    // The layer of a tie between residents l and r of h (local indices).
    auto layer_in_hood = [&](std::uint32_t l, std::uint32_t r) {
      const unsigned shared = unsigned{place.focus[l] == place.focus[r]} + unsigned{place.circle[l] == place.circle[r]};
      return (3u - shared) * unsigned{household[l] != household[r]};
    };
    // Ties that may reach another neighbourhood.
    auto emit_far = [&](NodeId id, std::uint32_t local, NodeId target) {
      if constexpr (only_leaving) {
        emit(id, target, 3u);
      } else {
        const std::uint64_t r = std::uint64_t{target} - first;
        emit(id, target, r < n ? layer_in_hood(local, static_cast<std::uint32_t>(r)) : 3u);
      }
    };
    for_each_circle(n, shape_, [&](std::uint32_t, std::uint32_t a, std::uint32_t b) {
      emitted += std::uint64_t{b - a} * (b - a - 1) / 2;
      if constexpr (!only_leaving)
        for (std::uint32_t i = a; i < b; ++i) {
          const std::uint32_t l = place.member[i];
          for (std::uint32_t j = i + 1; j < b; ++j) {
            const std::uint32_t r = place.member[j];
            emit(NodeId(first + l), NodeId(first + r), unsigned{household[l] != household[r]});  // close, or household
          }
        }
    });

    // The ties residents start: the edge each kind makes from its starter and words.
    SociabilityAlias& alias = scratch.alias;
    TieSinks sinks{
        // Friends in the starter's focus, chosen in proportion to their sociability too.
        [&](std::uint32_t from, std::uint32_t w) {
          const std::uint32_t f = place.focus[from], a = place.focus_start[f], b = place.focus_start[f + 1];
          if (b - a < 2) return;
          const std::uint32_t q = weighted_pick(place.by_position, a, b, place.position[from], w);
          const std::uint32_t r = place.member[q];
          emit(NodeId(first + from), NodeId(first + r),
               (2u - unsigned{place.circle[from] == place.circle[r]}) * unsigned{household[from] != household[r]});
        },
        // Acquaintances in the neighbourhood, in proportion to sociability.
        [&](std::uint32_t from, std::uint32_t w) {
          if (n < 2) return;
          const std::uint32_t r = alias.pick_other(w, from);
          emit(NodeId(first + from), NodeId(first + r), layer_in_hood(from, r));
        },
        [&](std::uint32_t from, std::uint32_t w1, std::uint32_t w2) {
          emit_far(NodeId(first + from), from, regional_tie(h, w1, w2));
        },
        [&](std::uint32_t from, std::uint32_t w1, std::uint32_t w2) {
          emit_far(NodeId(first + from), from, long_range_tie(h, w1, w2));
        },
    };
    // Regional ties leave only pieces of regions; friends and local acquaintances never do.
    const bool regional_leaves = base_.chunks_split_regions;
    if (shape_.tie_draws == TieDraws::per_citizen) {
      // Acquaintances' alias table as 0.2.0-0.3.0 built it, in the full pass only.
      if constexpr (!only_leaving) alias.build(bins, n, shape_, place.by_position[n]);
      emitted += citizen_ties<only_leaving>(seed_, first, n, bins, shape_, regional_leaves, sinks);
    } else {
      alias.build(bins, n, shape_);
      emitted += neighbourhood_ties<only_leaving>(seed_, h, alias, shape_, regional_leaves, sinks);
    }
    return emitted;
  }

  const CommunityBase& base_;
  const Population& pop_;
  std::uint64_t seed_;
  Shape shape_;
  std::vector<std::uint32_t> rank_of_hood_;
};

}  // namespace

Graph clustered_fabric(const ParamValues& p, std::uint64_t seed, const CommunityBase& base) {
  return ClusteredFabric(p, seed, base).build();
}

}  // namespace gs
