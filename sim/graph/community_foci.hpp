#pragma once
// The clustered community fabric's groups (community_clustered.cpp): its
// parameters in the form the loops use, how a neighbourhood's residents are
// placed in foci and close circles, and the draws shared by its passes.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/core/params.hpp"
#include "sim/core/random.hpp"
#include "sim/graph/graph.hpp"
#include "sim/graph/stream_words.hpp"

namespace gs::clustered {

enum : Purpose { focus_placement = 16, clustered_ties = 17 };

constexpr std::size_t batch = 256;  // citizens whose streams are made at once
constexpr unsigned tie_blocks = 8;  // 32 words: most citizens need no more

// An integer in [0, n) from one 32-bit word by multiply-shift (Lemire 2019
// without the rejection step), so every draw takes exactly one word and a
// pass that skips draws stays in step without knowing n. The bias is below
// n / 2^32: under 4e-6 for the sizes drawn from here (a neighbourhood, a
// focus, the regional offsets).
inline std::uint32_t scaled(std::uint32_t word, std::uint32_t n) {
  return static_cast<std::uint32_t>((std::uint64_t{word} * n) >> 32);
}

// The fabric's parameters in the form the loops use.
struct Shape {
  std::uint32_t circle_size = 1, focus_size = 1;
  std::uint64_t homophily_cut = 0;  // a word below it: the citizen's focus is sorted by their group
  // A started tie's kind from one word: below friend_cut a friend in the
  // focus, then a local, a regional and a long-range acquaintance.
  std::uint64_t friend_cut = 0, local_cut = 0, regional_cut = 0;
  std::int64_t radius = 1;
  std::int64_t rank_spread = 0;  // in neighbourhoods of the national deprivation order
  double started_ties = 0;  // mean ties a citizen of sociability 1 starts
  // Sociability from a word's top bits: the lognormal's value at the middle
  // of each of sociability_bins equal-probability bins, scaled to mean 1, and
  // exp(-mean ties started) for each, for the Poisson draw.
  std::vector<double> sociability, no_ties;
  // Per bin, the two numbers of the Poisson draw side by side (one cache line
  // a citizen, not two): mean ties started and exp(-mean).
  struct Started {
    double mean, none;
  };
  std::vector<Started> started;
};

constexpr unsigned sociability_bits = 13;  // 8,192 bins: the largest is 3.8 sd above the mean

// The standard normal quantile by bisection on erfc: only for the table.
inline double normal_quantile(double p) {
  double lo = -10, hi = 10;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

inline Shape shape_of(const ParamValues& p, std::uint64_t hoods) {
  Shape s;
  s.circle_size = static_cast<std::uint32_t>(p.integer("clustered.circle_size"));
  s.focus_size = static_cast<std::uint32_t>(p.integer("clustered.focus_size"));
  constexpr double words = 4294967296.0;
  s.homophily_cut = static_cast<std::uint64_t>(std::llround(p.real("clustered.group_homophily") * words));
  const double friends = p.real("clustered.friend_ties"), local = p.real("clustered.local_ties");
  const double regional = p.real("clustered.regional_ties"), longr = p.real("clustered.long_range_ties");
  const double total = friends + local + regional + longr;
  auto cut = [&](double share) { return static_cast<std::uint64_t>(std::llround(share / total * words)); };
  if (total > 0) {
    s.friend_cut = cut(friends);
    s.local_cut = cut(friends + local);
    s.regional_cut = cut(friends + local + regional);
  }
  s.started_ties = total;
  const double log_sd = p.real("clustered.sociability_sd");
  constexpr std::size_t bins = std::size_t{1} << sociability_bits;
  s.sociability.resize(bins);
  double sum = 0;
  for (std::size_t i = 0; i < bins; ++i)
    sum += s.sociability[i] = std::exp(log_sd * normal_quantile((static_cast<double>(i) + 0.5) / bins));
  s.no_ties.resize(bins);
  for (std::size_t i = 0; i < bins; ++i) {
    s.sociability[i] *= static_cast<double>(bins) / sum;
    s.no_ties[i] = std::exp(-total * s.sociability[i]);
  }
  s.started.resize(bins);
  for (std::size_t i = 0; i < bins; ++i) s.started[i] = {total * s.sociability[i], s.no_ties[i]};
  s.radius = p.integer("regional_radius");
  s.rank_spread = std::llround(p.real("clustered.deprivation_spread") * static_cast<double>(hoods));
  return s;
}

// How many parts of about `part` a group of `size` is cut into.
inline std::uint32_t parts(std::uint32_t size, std::uint32_t part) {
  return std::max<std::uint32_t>(1, (size + part / 2) / part);
}

// visit(focus, first position, end position) for every close circle of a
// neighbourhood of n residents in focus order: focus f of F holds positions
// [n f / F, n (f+1) / F), and circle c of its C holds the c-th of C equal
// slices of those. Sizes only: no random numbers.
template <class Visit>
void for_each_circle(std::uint32_t n, const Shape& s, Visit&& visit) {
  if (n == 0) return;
  const std::uint32_t foci = parts(n, s.focus_size);
  for (std::uint32_t f = 0; f < foci; ++f) {
    const auto a = static_cast<std::uint32_t>(std::uint64_t{n} * f / foci);
    const auto size = static_cast<std::uint32_t>(std::uint64_t{n} * (f + 1) / foci) - a;
    const std::uint32_t circles = parts(size, s.circle_size);
    for (std::uint32_t c = 0; c < circles; ++c)
      visit(f, a + static_cast<std::uint32_t>(std::uint64_t{size} * c / circles),
            a + static_cast<std::uint32_t>(std::uint64_t{size} * (c + 1) / circles));
  }
}

// Each citizen's stream of purpose `placement`: words 0-2 place them in a
// focus, word 3 gives their sociability bin.
constexpr unsigned placement_blocks = 1;

inline std::uint32_t sociability_bin(std::uint32_t word) { return word >> (32 - sociability_bits); }

// Residents' sociability bins, for the ties they start (the leaving pass needs no more).
inline void sociabilities(std::uint64_t seed, std::uint64_t first, std::uint32_t n, std::vector<std::uint32_t>& out) {
  out.resize(n);
  alignas(64) std::uint32_t words[4 * placement_blocks * batch];
  for (std::uint32_t b0 = 0; b0 < n; b0 += batch) {
    const std::size_t m = std::min<std::size_t>(batch, n - b0);
    stream_words(seed, static_cast<std::uint32_t>(first + b0), focus_placement, m, placement_blocks, batch, words);
    for (std::size_t i = 0; i < m; ++i) out[b0 + i] = sociability_bin(words[3 * batch + i]);
  }
}

// Poisson by inversion from one uniform: the count k at which the
// cumulative probability first exceeds u, given P(0) = no_ties.
// (Reciprocals from a table for small k: a division per step would be the
// loop's critical path.)
constexpr auto reciprocals = [] {
  std::array<double, 64> of{};
  for (std::size_t k = 1; k < of.size(); ++k) of[k] = 1.0 / static_cast<double>(k);
  return of;
}();

inline std::uint32_t poisson_count(double u, double mean, double no_ties) {
  double pmf = no_ties, cdf = no_ties;
  std::uint32_t k = 0;
  while (u >= cdf && k < 100000) {
    ++k;
    pmf *= k < 64 ? mean * reciprocals[k] : mean / k;
    cdf += pmf;
    if (pmf < 1e-300 && k > mean) break;  // beyond what a uniform resolves
  }
  return k;
}

// The last q in [lo, hi) with c[q] <= x, given c[lo] <= x and c rising
// (not strictly). Short ranges (a focus) by counting the entries after lo
// that are at most x: independent comparisons, where a binary search is a
// chain of dependent loads. Longer ones by a branch-free binary search (the
// comparisons are random: branches would mispredict half of them).
inline std::uint32_t last_at_most(const double* c, std::uint32_t lo, std::uint32_t hi, double x) {
  if (hi - lo <= 32) {
    std::uint32_t below = 0;
    for (std::uint32_t p = lo + 1; p < hi; ++p) below += unsigned{c[p] <= x};
    return lo + below;
  }
  std::uint32_t q = lo, len = hi - lo;
  while (len > 1) {
    const std::uint32_t half = len / 2;
    q = c[q + half] <= x ? q + half : q;
    len -= half;
  }
  return q;
}

// Index q in [lo, hi), never `self`, with probability proportional to its
// weight, from one word; cumulative[q] is the weight of the indices before q.
inline std::uint32_t weighted_pick(const std::vector<double>& cumulative, std::uint32_t lo, std::uint32_t hi,
                                   std::uint32_t self, std::uint32_t word) {
  const double* const c = cumulative.data();
  const double own = c[self + 1] - c[self];
  double x = c[lo] + (word + 0.5) * 0x1p-32 * (c[hi] - c[lo] - own);
  if (x >= c[self]) x += own;
  std::uint32_t q = last_at_most(c, lo, hi, x);
  if (q == self) q = self + 1 < hi ? self + 1 : self - 1;  // rounding at self's edge
  return q;
}

// A neighbourhood's residents placed in foci: grouped by a label (their own
// constituency group with probability group_homophily, else a random one),
// shuffled within each label (Fisher-Yates, step k driven by the k-th
// resident's word), then cut into foci and circles in that order.
struct Placement {
  std::vector<std::uint32_t> label, key;  // [local index]
  std::vector<std::uint32_t> member;  // [position]: local index of the resident there
  std::vector<std::uint32_t> position, focus, circle;  // [local index]
  std::vector<std::uint32_t> focus_start;  // [focus]: first position; then n
  std::vector<std::uint32_t> bin;  // [local index]: sociability bin
  // Sociability summed over residents before a position (for friends).
  std::vector<double> by_position;
  // Walker's alias table over the residents by sociability (Vose 1991), for
  // neighbourhood acquaintances: resident i is kept with probability keep[i],
  // else alias[i] is taken. O(1) a draw where a search of 1,670 would not be.
  std::vector<double> keep;
  std::vector<std::uint32_t> alias, small, large;

  void place(std::uint64_t seed, std::uint64_t first, std::uint32_t n, const Population& pop, const Shape& s) {
    draw(seed, first, n, pop, s);
    group_and_shuffle(n);
    by_position.resize(n + 1);
    by_position[0] = 0;
    for (std::uint32_t q = 0; q < n; ++q) by_position[q + 1] = by_position[q] + s.sociability[bin[member[q]]];
    build_alias(n, s);
    focus.resize(n);
    circle.resize(n);
    focus_start.clear();
    std::uint32_t circle_id = 0;
    for_each_circle(n, s, [&](std::uint32_t f, std::uint32_t a, std::uint32_t b) {
      if (f == focus_start.size()) focus_start.push_back(a);  // a focus's first circle starts it
      for (std::uint32_t q = a; q < b; ++q) {
        focus[member[q]] = f;
        circle[member[q]] = circle_id;
      }
      ++circle_id;
    });
    focus_start.push_back(n);
  }

 private:
  void draw(std::uint64_t seed, std::uint64_t first, std::uint32_t n, const Population& pop, const Shape& s) {
    label.resize(n);
    key.resize(n);
    bin.resize(n);
    alignas(64) std::uint32_t words[4 * placement_blocks * batch];
    for (std::uint32_t b0 = 0; b0 < n; b0 += batch) {
      const std::size_t m = std::min<std::size_t>(batch, n - b0);
      const auto agent0 = static_cast<std::uint32_t>(first + b0);
      stream_words(seed, agent0, focus_placement, m, placement_blocks, batch, words);
      for (std::size_t i = 0; i < m; ++i) {
        const std::uint32_t w0 = words[i], w1 = words[batch + i];
        label[b0 + i] = w0 < s.homophily_cut ? static_cast<std::uint32_t>(pop.group[agent0 + i]) : w1 & 3u;
        key[b0 + i] = words[2 * batch + i];
        bin[b0 + i] = sociability_bin(words[3 * batch + i]);
      }
    }
  }

  void build_alias(std::uint32_t n, const Shape& s) {
    keep.resize(n);
    alias.resize(n);
    small.clear();
    large.clear();
    const double total = by_position[n];
    for (std::uint32_t l = 0; l < n; ++l) {
      keep[l] = s.sociability[bin[l]] * n / total;
      alias[l] = l;
      (keep[l] < 1.0 ? small : large).push_back(l);
    }
    while (!small.empty() && !large.empty()) {
      const std::uint32_t under = small.back(), over = large.back();
      small.pop_back();
      alias[under] = over;
      keep[over] -= 1.0 - keep[under];
      if (keep[over] < 1.0) {
        large.pop_back();
        small.push_back(over);
      }
    }
    for (std::uint32_t l : large) keep[l] = 1.0;
    for (std::uint32_t l : small) keep[l] = 1.0;  // rounding leftovers
  }

 public:
  // A resident other than `self` in proportion to sociability, from one
  // word: its high half picks a slot, its low half decides between the slot
  // and its alias. Self is replaced by the next resident (probability about
  // 1 / n, a negligible distortion).
  std::uint32_t acquaintance(std::uint32_t word, std::uint32_t n, std::uint32_t self) const {
    const std::uint64_t m = std::uint64_t{word} * n;
    const auto slot = static_cast<std::uint32_t>(m >> 32);
    const double fraction = static_cast<double>(static_cast<std::uint32_t>(m)) * 0x1p-32;
    std::uint32_t q = fraction < keep[slot] ? slot : alias[slot];
    if (q == self) q = q + 1 < n ? q + 1 : 0;
    return q;
  }

 private:
  void group_and_shuffle(std::uint32_t n) {
    std::uint32_t start[5] = {};
    for (std::uint32_t l = 0; l < n; ++l) ++start[label[l] + 1];
    for (int k = 0; k < 4; ++k) start[k + 1] += start[k];
    member.resize(n);
    position.resize(n);
    std::uint32_t next[4] = {start[0], start[1], start[2], start[3]};
    for (std::uint32_t l = 0; l < n; ++l) member[next[label[l]]++] = l;  // in id order within a label
    for (int k = 0; k < 4; ++k) {
      std::uint32_t* const block = member.data() + start[k];
      const std::uint32_t size = start[k + 1] - start[k];
      // The word of step j: that of the resident who started at j.
      for (std::uint32_t j = 0; j < size; ++j) position[j] = key[block[j]];
      for (std::uint32_t j = size; j-- > 1;) std::swap(block[j], block[scaled(position[j], j + 1)]);
    }
    for (std::uint32_t q = 0; q < n; ++q) position[member[q]] = q;
  }
};

}  // namespace gs::clustered
