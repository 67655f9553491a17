#pragma once
// The ties a neighbourhood's residents start in the clustered fabric
// (community_clustered.cpp), by either formula of clustered.tie_draws. Both
// read words and hand each tie to the same sinks, which make the edge:
//   friend_tie(starter, word), local_tie(starter, word),
//   regional_tie(starter, word, word), long_range_tie(starter, word, word),
// starters and ends as local indices in the neighbourhood. With only_leaving
// (the pass that emits only the ties that may leave a chunk) neither calls
// friend_tie or local_tie, and regional_tie only if `regional_leaves`.
// Each returns how many ties it started (the full pass's count).
#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/core/random.hpp"
#include "sim/graph/community_foci.hpp"
#include "sim/graph/graph.hpp"
#include "sim/graph/stream_words.hpp"

namespace gs::clustered {

template <class Friend, class Local, class Regional, class LongRange>
struct TieSinks {
  Friend friend_tie;
  Local local_tie;
  Regional regional_tie;
  LongRange long_range_tie;
};
// Spelt out for clang 14 (clang-tidy), which lacks C++20's deduction for aggregates.
template <class Friend, class Local, class Regional, class LongRange>
TieSinks(Friend, Local, Regional, LongRange) -> TieSinks<Friend, Local, Regional, LongRange>;

// per_neighbourhood: Poisson totals of each kind for the neighbourhood
// (tie_counts), each tie's starter from the alias table by sociability, one
// stream per neighbourhood. The kinds that may leave a chunk come first, so
// the leaving pass stops reading after them.
template <bool only_leaving, class Sinks>
[[gnu::always_inline]] inline std::uint64_t neighbourhood_ties(std::uint64_t seed, std::uint64_t h,
                                                               const SociabilityAlias& alias, const Shape& s,
                                                               bool regional_leaves, Sinks& to) {
  HoodWords words(seed, static_cast<std::uint32_t>(h));
  const TieCounts started = tie_counts(words, alias.total, s);
  for (std::uint64_t t = 0; t < started.long_range; ++t) {
    const std::uint32_t from = alias.pick(words.next());
    const std::uint32_t w1 = words.next(), w2 = words.next();
    to.long_range_tie(from, w1, w2);
  }
  if (only_leaving && !regional_leaves) return started.total();
  for (std::uint64_t t = 0; t < started.regional; ++t) {
    const std::uint32_t from = alias.pick(words.next());
    const std::uint32_t w1 = words.next(), w2 = words.next();
    to.regional_tie(from, w1, w2);
  }
  if constexpr (!only_leaving) {
    for (std::uint64_t t = 0; t < started.local; ++t) {
      const std::uint32_t from = alias.pick(words.next()), w = words.next();
      to.local_tie(from, w);
    }
    for (std::uint64_t t = 0; t < started.friends; ++t) {
      const std::uint32_t from = alias.pick(words.next()), w = words.next();
      to.friend_tie(from, w);
    }
  }
  return started.total();
}

// per_citizen (results versions 0.2.0-0.3.0, bit for bit): each resident in
// id order draws a Poisson count with a mean in proportion to their
// sociability (bins) from their own stream, then each tie's kind from a
// word (Shape's cuts) and its words. The leaving pass reads the other kinds'
// words without using them, so that the streams stay in step.
template <bool only_leaving, class Sinks>
[[gnu::always_inline]] inline std::uint64_t citizen_ties(std::uint64_t seed, std::uint64_t first, std::uint32_t n,
                                                         const std::vector<std::uint32_t>& bins, const Shape& s,
                                                         bool regional_leaves, Sinks& to) {
  std::uint64_t started_total = 0;
  // Kinds of tie (from their first word) that may leave the chunk.
  const std::uint64_t leave_cut = regional_leaves ? s.local_cut : s.regional_cut;
  for_each_citizen_batch<tie_blocks>(
      seed, first, n, clustered_ties, [&](std::uint32_t b0, std::size_t m, const std::uint32_t* words) {
        for (std::size_t i = 0; i < m; ++i) {
          const std::uint32_t local = b0 + static_cast<std::uint32_t>(i);
          BatchedStream rng(words + i, batch, 4 * tie_blocks, seed, static_cast<NodeId>(first + local), clustered_ties);
          const Shape::Started& started = s.started[bins[local]];
          const std::uint32_t count = poisson_count(rng.uniform(), started.mean, started.none);
          started_total += count;
          // The leaving pass with every word in the batch: one branch a tie (on
          // whether it may leave, usually not) instead of the kinds' chain;
          // friends and local acquaintances take two words, the others three.
          if constexpr (only_leaving) {
            if (2 + 3 * std::uint64_t{count} <= 4 * tie_blocks) {
              const std::uint32_t* const column = words + i;
              std::uint32_t k = 2;  // after the uniform's two words
              for (std::uint32_t t = 0; t < count; ++t) {
                const std::uint32_t kind = column[batch * k];
                if (kind >= leave_cut) {
                  const std::uint32_t w1 = column[batch * (k + 1)], w2 = column[batch * (k + 2)];
                  if (kind < s.regional_cut)
                    to.regional_tie(local, w1, w2);
                  else
                    to.long_range_tie(local, w1, w2);
                }
                k += 2 + unsigned{kind >= s.local_cut};
              }
              continue;
            }
          }
          // The ties, reading words with next().
          auto tie_loop = [&](auto&& next) {
            for (std::uint32_t t = 0; t < count; ++t) {
              const std::uint32_t kind = next();
              if (kind < s.friend_cut) {
                const std::uint32_t w = next();
                if constexpr (!only_leaving) to.friend_tie(local, w);
              } else if (kind < s.local_cut) {
                const std::uint32_t w = next();
                if constexpr (!only_leaving) to.local_tie(local, w);
              } else if (kind < s.regional_cut) {
                const std::uint32_t w1 = next(), w2 = next();
                if (!only_leaving || regional_leaves) to.regional_tie(local, w1, w2);
              } else {
                const std::uint32_t w1 = next(), w2 = next();
                to.long_range_tie(local, w1, w2);
              }
            }
          };
          // Usually every word is in the batch: then they are read with the
          // index in a register (the stream's own index makes a chain through
          // memory), and the stream only for the rest.
          if (2 + 3 * std::uint64_t{count} <= 4 * tie_blocks) {
            const std::uint32_t* const column = words + i;
            std::uint32_t k = 2;  // after the uniform's two words
            tie_loop([&] { return column[batch * k++]; });
          } else {
            tie_loop([&] { return rng.next_word(); });
          }
        }
      });
  return started_total;
}

}  // namespace gs::clustered
