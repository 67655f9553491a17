// Synthetic community graph: citizens in households (complete subgraphs),
// households in neighbourhoods (English LSOAs), neighbourhoods in regions
// (local authority districts). Each citizen also has ties inside their
// neighbourhood, ties to nearby neighbourhoods of their region (work, school)
// and a few long-range ties. Defaults and sources: docs/scenario-format.md.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <type_traits>

#include <omp.h>

#include "sim/core/parallel_errors.hpp"
#include "sim/core/random.hpp"
#include "sim/graph/community.hpp"
#include "sim/graph/csr_builder.hpp"
#include "sim/graph/generator.hpp"
#include "sim/graph/poisson_table.hpp"
#include "sim/graph/stream_words.hpp"

namespace gs {
namespace {

enum : Purpose { household_size = 1, group_draw = 5, region_score, neighbourhood_score, ties };

constexpr std::size_t batch = 256;  // citizens whose tie streams are made at once
constexpr unsigned batch_blocks = 6;  // 24 words: about 99.7% of citizens need no more

std::vector<ParamSpec> community_params() {
  // Parameter declarations read as a table, one per entry.
  // clang-format off
  return {
      ParamSpec::integer("population", 100000).range(1, 2000000000).scales().units("citizens")
          .describe("Number of citizens (UK mid-2023: 68,265,209, ONS)"),
      ParamSpec::real_list("household_size_shares", {0.30, 0.35, 0.15, 0.13, 0.05, 0.02}).range(0, 1)
          .describe("Shares of households with 1, 2, 3, ... people (mean about 2.35; ONS Families and households)"),
      ParamSpec::integer("neighbourhood_size", 1670).range(2, 10000000).units("citizens")
          .describe("Citizens per neighbourhood (mean English/Welsh LSOA, 59.6m / 35,672)"),
      ParamSpec::integer("neighbourhoods_per_region", 100).range(1, 10000000)
          .describe("Neighbourhoods per region (about 108 LSOAs per local authority district)"),
      ParamSpec::real("local_ties", 3.5).range(0, 1000).units("ties per citizen")
          .describe("Mean ties each citizen starts with random residents of their own neighbourhood (Poisson)"),
      ParamSpec::real("regional_ties", 2.0).range(0, 1000).units("ties per citizen")
          .describe("Mean ties each citizen starts with residents of nearby neighbourhoods of their region (Poisson)"),
      ParamSpec::integer("regional_radius", 5).range(1, 1000000).units("neighbourhoods")
          .describe("How many neighbourhoods on either side (in id order, within the region) count as nearby"),
      ParamSpec::real("long_range_ties", 0.5).range(0, 1000).units("ties per citizen")
          .describe("Mean ties each citizen starts with anyone in the country (Poisson)"),
      ParamSpec::choice("fabric", "clustered", {"classic", "clustered"})
          .describe("clustered (the default from 0.2.0): households, close circles and friendship foci with tie "
                    "layers, heavy-tailed sociability and homophily (the clustered.* parameters; local_ties, "
                    "regional_ties and long_range_ties are not used); classic: the ties above, the default up to "
                    "0.1.0 (earlier results reproduce bit for bit)"),
  };
  // clang-format on
}

std::vector<ParamSpec> all_community_params() {
  std::vector<ParamSpec> specs = community_params();
  for (ParamSpec& s : clustered_fabric_params()) specs.push_back(std::move(s));
  return specs;
}

CommunityBase community_base(const ParamValues& p, std::uint64_t seed) {
  const auto population = static_cast<std::uint64_t>(p.integer("population"));
  const auto size = static_cast<std::uint64_t>(p.integer("neighbourhood_size"));
  const auto per_region = static_cast<std::uint64_t>(p.integer("neighbourhoods_per_region"));
  std::vector<double> cumulative_shares = p.real_list("household_size_shares");
  std::partial_sum(cumulative_shares.begin(), cumulative_shares.end(), cumulative_shares.begin());

  CommunityBase base;
  base.per_region = per_region;
  Population& pop = base.world.population;
  const std::uint64_t hoods = std::max<std::uint64_t>(1, (population + size / 2) / size);
  pop.neighbourhood_start.resize(hoods + 1);
  for (std::uint64_t h = 0; h <= hoods; ++h) pop.neighbourhood_start[h] = population * h / hoods;
  pop.region.resize(hoods);
  for (std::uint64_t h = 0; h < hoods; ++h) pop.region[h] = static_cast<std::uint32_t>(h / per_region);

  // Deprivation: a national rank from a score shared within the region plus a
  // neighbourhood's own part, so deprived areas cluster as in the IMD.
  std::vector<double> score(hoods);
  for (std::uint64_t h = 0; h < hoods; ++h) {
    Stream r(seed, 0, 0, pop.region[h], region_score);
    Stream n(seed, 0, 0, static_cast<std::uint32_t>(h), neighbourhood_score);
    score[h] = 0.6 * r.uniform() + 0.4 * n.uniform();
  }
  std::vector<std::uint32_t> order(hoods);
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return score[a] < score[b]; });
  pop.deprivation.resize(hoods);
  for (std::uint64_t rank = 0; rank < hoods; ++rank)
    pop.deprivation[order[rank]] = static_cast<float>(static_cast<double>(rank) / static_cast<double>(hoods));

  pop.neighbourhood.resize(population);
  pop.group.resize(population);
  const auto hood_count = static_cast<std::int64_t>(hoods);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t h = 0; h < hood_count; ++h) {
    const std::uint64_t first = pop.neighbourhood_start[h], last = pop.neighbourhood_start[h + 1];
    std::fill(pop.neighbourhood.begin() + static_cast<std::ptrdiff_t>(first),
              pop.neighbourhood.begin() + static_cast<std::ptrdiff_t>(last), static_cast<std::uint32_t>(h));
    // Stream(seed, 0, 0, v, group_draw).uniform() for a batch of citizens at once.
    alignas(64) std::uint32_t words[4 * batch];
    for (std::uint64_t b0 = first; b0 < last; b0 += batch) {
      const std::size_t n = std::min<std::uint64_t>(batch, last - b0);
      stream_words(seed, static_cast<std::uint32_t>(b0), group_draw, n, 1, batch, words);
      for (std::size_t i = 0; i < n; ++i) {
        BatchedStream rng(words + i, batch, 4, seed, static_cast<std::uint32_t>(b0 + i), group_draw);
        pop.group[b0 + i] = draw_group(rng.uniform());
      }
    }
  }

  // Households: consecutive ids, sizes drawn per neighbourhood.
  std::vector<std::vector<NodeId>>& household_starts = base.household_starts;
  household_starts.resize(hoods);
  ParallelErrors errors;
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t h = 0; h < hood_count; ++h) {
    const std::uint64_t first = pop.neighbourhood_start[h], last = pop.neighbourhood_start[h + 1];
    Stream sizes(seed, 0, 0, static_cast<std::uint32_t>(h), household_size);
    for (std::uint64_t start = first; start < last;) {
      const double u = sizes.uniform() * cumulative_shares.back();
      std::uint64_t k = 1;
      while (k < cumulative_shares.size() && u >= cumulative_shares[k - 1]) ++k;
      errors.run([&] { household_starts[h].push_back(static_cast<NodeId>(start)); });  // std::bad_alloc
      start = std::min(last, start + k);
    }
  }
  errors.rethrow();
  pop.household_start.reserve(population / 2 + 2);
  for (const auto& starts : household_starts)
    pop.household_start.insert(pop.household_start.end(), starts.begin(), starts.end());
  pop.household_start.push_back(static_cast<NodeId>(population));

  // Chunks: whole regions when there are enough of them to share out; else pieces.
  const std::size_t threads = static_cast<std::size_t>(omp_get_max_threads());
  const std::uint64_t regions = (hoods + per_region - 1) / per_region;
  const std::uint64_t pieces_per_region =
      regions >= 16 * threads ? 1 : std::min<std::uint64_t>(per_region, (16 * threads + regions - 1) / regions);
  for (std::uint64_t r = 0; r < regions; ++r) {
    const std::uint64_t r_first = r * per_region, r_size = std::min(hoods, r_first + per_region) - r_first;
    for (std::uint64_t k = 1; k <= pieces_per_region; ++k) {
      const std::uint64_t end = r_first + r_size * k / pieces_per_region;
      if (end != base.chunk_first_hood.back()) base.chunk_first_hood.push_back(end);
    }
  }
  base.chunks_split_regions = pieces_per_region > 1;
  base.hood_by_rank = std::move(order);
  return base;
}

// The classic fabric: Poisson numbers of local, regional and long-range ties
// to uniformly chosen residents.
Graph classic_fabric(const ParamValues& p, std::uint64_t seed, const CommunityBase& base) {
  const Population& pop = base.world.population;
  const auto& household_starts = base.household_starts;
  const std::uint64_t population = pop.neighbourhood.size(), hoods = pop.neighbourhoods();
  const std::uint64_t per_region = base.per_region;
  const auto radius = static_cast<std::int64_t>(p.integer("regional_radius"));
  const PoissonTable local(p.real("local_ties")), regional(p.real("regional_ties")), longr(p.real("long_range_ties"));

  // The edges of a chunk of neighbourhoods (a region, or a piece of one):
  // their households and the ties their residents start. A chunk owns its
  // residents' rows, so household, local and (within the chunk) regional ties
  // stay in it; regional ties never leave their region, so whole regions
  // leave only the long-range ties to other chunks.
  const auto& chunk_first_hood = base.chunk_first_hood;
  // Whole-region chunks keep regional ties inside; pieces of regions do not.
  const bool regional_ties_leave = base.chunks_split_regions;
  const auto regional_range = static_cast<std::uint32_t>(2 * radius);
  // The neighbourhood a regional tie goes to, from its first draw (below
  // 2 x radius): home and span are the neighbourhood's place in its region
  // and the region's size.
  auto regional_hood = [&](std::uint32_t draw, std::int64_t home, std::int64_t span, std::uint64_t region_first) {
    std::int64_t offset = static_cast<std::int64_t>(draw) - radius;
    if (offset >= 0) ++offset;  // never 0: the tie leaves the neighbourhood when it can
    std::int64_t rel = home + offset;
    if (rel < 0 || rel >= span) rel = ((rel % span) + span) % span;
    return region_first + static_cast<std::uint64_t>(rel);
  };
  auto residents_of = [&](std::uint64_t h) {
    return static_cast<std::uint32_t>(pop.neighbourhood_start[h + 1] - pop.neighbourhood_start[h]);
  };
  // A tie to a resident of a nearby neighbourhood of the region.
  auto regional_tie = [&](BatchedStream& rng, std::int64_t home, std::int64_t span, std::uint64_t region_first) {
    const auto hood = regional_hood(rng.below32(regional_range), home, span, region_first);
    return NodeId(pop.neighbourhood_start[hood] + rng.below32(residents_of(hood)));
  };
  // Moves the stream past `count` regional ties as regional_tie would, for the
  // leaving pass: two words a tie unless a draw is rejected (rare), which a
  // fixed window of four ties checks without a loop of random length.
  auto skip_regional = [&](BatchedStream& rng, std::uint32_t count, std::int64_t home, std::int64_t span,
                           std::uint64_t region_first) {
    constexpr unsigned window = 4;
    if (count <= window && rng.words_ready() >= 2 * window) {
      bool may_reject = false;
      for (unsigned j = 0; j < window; ++j) {
        const std::uint32_t offset_word = rng.word_ahead(2 * j), target_word = rng.word_ahead(2 * j + 1);
        const auto hood = regional_hood(static_cast<std::uint32_t>((std::uint64_t{offset_word} * regional_range) >> 32),
                                        home, span, region_first);
        may_reject |= (j < count) & (below32_may_reject(offset_word, regional_range) |
                                     below32_may_reject(target_word, residents_of(hood)));
      }
      if (!may_reject) {
        rng.advance(2 * count);
        return;
      }
    }
    for (; count > 0; --count) regional_tie(rng, home, span, region_first);
  };
  // Emits neighbourhood h's edges; with `leaving`, only those that may leave
  // the chunk (long-range and, for pieces of regions, regional ties), drawing
  // the others' random numbers without emitting them so that the streams stay
  // in step. Returns how many edges the full call emits.
  auto neighbourhood_edges = [&](std::size_t h, auto&& emit, std::uint32_t* words, auto leaving) -> std::uint64_t {
    constexpr bool only_leaving = decltype(leaving)::value;
    const std::uint64_t first = pop.neighbourhood_start[h], last = pop.neighbourhood_start[h + 1];
    const std::uint64_t region_first = pop.region[h] * per_region;
    const std::uint64_t region_last = std::min(hoods, region_first + per_region);  // exclusive
    std::uint64_t emitted = 0;

    // Households: complete subgraphs of consecutive ids.
    const auto& starts = household_starts[h];
    for (std::size_t i = 0; i < starts.size(); ++i) {
      const std::uint64_t end = i + 1 < starts.size() ? starts[i + 1] : last;
      if constexpr (only_leaving) {
        emitted += (end - starts[i]) * (end - starts[i] - 1) / 2;
      } else {
        for (std::uint64_t a = starts[i]; a < end; ++a)
          for (std::uint64_t b = a + 1; b < end; ++b) emit(NodeId(a), NodeId(b));
      }
    }

    const auto span = static_cast<std::int64_t>(region_last - region_first);
    const auto hood_size = static_cast<std::uint32_t>(last - first);
    const auto home = static_cast<std::int64_t>(h - region_first);
    for (std::uint64_t b0 = first; b0 < last; b0 += batch) {
      const std::size_t n = std::min<std::uint64_t>(batch, last - b0);
      stream_words(seed, static_cast<std::uint32_t>(b0), ties, n, batch_blocks, batch, words);
      for (std::size_t i = 0; i < n; ++i) {
        const auto id = static_cast<std::uint32_t>(b0 + i);
        // One stream per citizen for all their ties: fewer Philox blocks per citizen.
        BatchedStream rng(words + i, batch, 4 * batch_blocks, seed, id, ties);
        const std::uint32_t local_count = local.draw(rng);
        if constexpr (only_leaving)
          rng.skip_below32(local_count, hood_size);
        else
          for (std::uint32_t t = local_count; t > 0; --t) emit(id, NodeId(first + rng.below32(hood_size)));

        const std::uint32_t regional_count = regional.draw(rng);
        if (only_leaving && !regional_ties_leave) {
          skip_regional(rng, regional_count, home, span, region_first);
        } else {
          for (std::uint32_t t = regional_count; t > 0; --t) emit(id, regional_tie(rng, home, span, region_first));
        }

        const std::uint32_t long_count = longr.draw(rng);
        for (std::uint32_t t = long_count; t > 0; --t)
          emit(id, NodeId(rng.below32(static_cast<std::uint32_t>(population))));
        emitted += std::uint64_t{local_count} + regional_count + long_count;
      }
    }
    return emitted;
  };
  auto chunk_edges = [&](std::size_t c, auto&& emit) {
    alignas(64) std::uint32_t words[4 * batch_blocks * batch];
    for (std::uint64_t h = chunk_first_hood[c]; h < chunk_first_hood[c + 1]; ++h)
      neighbourhood_edges(h, emit, words, std::false_type{});
  };
  auto chunk_leaving = [&](std::size_t c, auto&& emit) {
    alignas(64) std::uint32_t words[4 * batch_blocks * batch];
    std::uint64_t emitted = 0;
    for (std::uint64_t h = chunk_first_hood[c]; h < chunk_first_hood[c + 1]; ++h)
      emitted += neighbourhood_edges(h, emit, words, std::true_type{});
    return emitted;
  };
  return build_csr_owned(population, base.chunk_row_starts(), chunk_edges, chunk_leaving);
}

World generate_community(const ParamValues& p, std::uint64_t seed) {
  CommunityBase base = community_base(p, seed);
  Graph g = p.text("fabric") == "clustered" ? clustered_fabric(p, seed, base) : classic_fabric(p, seed, base);
  World w = std::move(base.world);
  w.graph = std::move(g);
  return w;
}

}  // namespace

std::vector<std::uint64_t> CommunityBase::chunk_row_starts() const {
  std::vector<std::uint64_t> start(chunk_first_hood.size());
  for (std::size_t c = 0; c < start.size(); ++c) start[c] = world.population.neighbourhood_start[chunk_first_hood[c]];
  return start;
}

}  // namespace gs

GROUNDSWELL_REGISTER_GRAPH(community, "community",
                           "Households in neighbourhoods in regions, with local, regional and long-range ties",
                           gs::all_community_params(), gs::generate_community, "population", true)
