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

// Streams: each citizen's placement (both formulas), each citizen's ties
// (tie_draws per_citizen), each neighbourhood's ties (per_neighbourhood).
enum : Purpose { focus_placement = 16, clustered_ties = 17, hood_ties = 18 };

constexpr std::size_t batch = 256;  // citizens whose streams are made at once
constexpr unsigned tie_blocks = 8;  // per_citizen: 32 words, most citizens need no more

// Walks citizens first .. first + n - 1 in batches of up to `batch`, making
// each batch's streams of `purpose` at once: fn(b0, m, words) with
// words[k * batch + i] = word k (k < 4 * blocks) of citizen first + b0 + i's
// Stream(seed, 0, 0, ., purpose), i < m.
template <unsigned blocks, class Fn>
[[gnu::always_inline]] inline void for_each_citizen_batch(std::uint64_t seed, std::uint64_t first, std::uint32_t n,
                                                          Purpose purpose, Fn&& fn) {
  alignas(64) std::uint32_t words[4 * blocks * batch];
  for (std::uint32_t b0 = 0; b0 < n; b0 += batch) {
    const std::size_t m = std::min<std::size_t>(batch, n - b0);
    stream_words(seed, static_cast<std::uint32_t>(first + b0), purpose, m, blocks, batch, words);
    fn(b0, m, static_cast<const std::uint32_t*>(words));
  }
}

// An integer in [0, n) from one 32-bit word by multiply-shift (Lemire 2019
// without the rejection step), so every draw takes exactly one word and a
// pass that skips draws stays in step without knowing n. The bias is below
// n / 2^32: under 4e-6 for the sizes drawn from here (a neighbourhood, a
// focus, the regional offsets).
inline std::uint32_t scaled(std::uint32_t word, std::uint32_t n) {
  return static_cast<std::uint32_t>((std::uint64_t{word} * n) >> 32);
}

// How the ties residents start are drawn (clustered.tie_draws): a Poisson
// count per citizen, each tie's kind from a word, from one stream per
// citizen (results versions 0.2.0-0.3.0); or a Poisson total per
// neighbourhood and kind, each tie's starter by sociability, from one stream
// per neighbourhood. The same law, other graphs.
enum class TieDraws { per_citizen, per_neighbourhood };

// The fabric's parameters in the form the loops use.
struct Shape {
  TieDraws tie_draws = TieDraws::per_neighbourhood;
  std::uint32_t circle_size = 1, focus_size = 1;
  std::uint64_t homophily_cut = 0;  // a word below it: the citizen's focus is sorted by their group
  // Mean ties of each kind a citizen of sociability 1 starts: friends in the
  // focus, acquaintances in the neighbourhood, the region and the country.
  double friend_ties = 0, local_ties = 0, regional_ties = 0, long_range_ties = 0;
  std::int64_t radius = 1;
  std::int64_t rank_spread = 0;  // in neighbourhoods of the national deprivation order
  // Sociability from a word's top bits: the lognormal's value at the middle
  // of each of sociability_bins equal-probability bins, scaled to mean 1.
  std::vector<double> sociability;
  // per_citizen only. A started tie's kind from one word: below friend_cut a
  // friend in the focus, then a local, a regional and a long-range
  // acquaintance. Per bin, the two numbers of the Poisson draw side by side
  // (one cache line a citizen, not two): mean ties started and exp(-mean).
  std::uint64_t friend_cut = 0, local_cut = 0, regional_cut = 0;
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
  s.friend_ties = p.real("clustered.friend_ties");
  s.local_ties = p.real("clustered.local_ties");
  s.regional_ties = p.real("clustered.regional_ties");
  s.long_range_ties = p.real("clustered.long_range_ties");
  const double log_sd = p.real("clustered.sociability_sd");
  constexpr std::size_t bins = std::size_t{1} << sociability_bits;
  s.sociability.resize(bins);
  double sum = 0;
  for (std::size_t i = 0; i < bins; ++i)
    sum += s.sociability[i] = std::exp(log_sd * normal_quantile((static_cast<double>(i) + 0.5) / bins));
  for (std::size_t i = 0; i < bins; ++i) s.sociability[i] *= static_cast<double>(bins) / sum;
  s.tie_draws = p.text("clustered.tie_draws") == "per_citizen" ? TieDraws::per_citizen : TieDraws::per_neighbourhood;
  if (s.tie_draws == TieDraws::per_citizen) {
    // As results versions 0.2.0-0.3.0 computed them, operation for operation.
    const double total = s.friend_ties + s.local_ties + s.regional_ties + s.long_range_ties;
    auto cut = [&](double share) { return static_cast<std::uint64_t>(std::llround(share / total * words)); };
    if (total > 0) {
      s.friend_cut = cut(s.friend_ties);
      s.local_cut = cut(s.friend_ties + s.local_ties);
      s.regional_cut = cut(s.friend_ties + s.local_ties + s.regional_ties);
    }
    s.started.resize(bins);
    for (std::size_t i = 0; i < bins; ++i)
      s.started[i] = {total * s.sociability[i], std::exp(-total * s.sociability[i])};
  }
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
  for_each_citizen_batch<placement_blocks>(seed, first, n, focus_placement,
                                           [&](std::uint32_t b0, std::size_t m, const std::uint32_t* words) {
                                             for (std::size_t i = 0; i < m; ++i)
                                               out[b0 + i] = sociability_bin(words[3 * batch + i]);
                                           });
}

// Poisson by inversion from one uniform: the count k at which the
// cumulative probability first exceeds u, given P(0) = no_ties = exp(-mean).
// (Reciprocals from a table for small k: a division per step would be the
// loop's critical path.) For small means: see poisson_draw.
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

// log(k!) through lgamma_r: std::lgamma writes the global signgam in glibc, a
// data race when neighbourhoods are drawn on several threads.
inline double log_factorial(double k) {
  int sign = 0;
  return ::lgamma_r(k + 1, &sign);
}

// Poisson(mean) from uniform() draws, exactly: by inversion below a mean of
// 10, else by Hoermann's (1993) transformed rejection with squeeze (PTRS, as
// NumPy draws large means), whose cost does not grow with the mean: a
// neighbourhood's ties of one kind number in the thousands.
template <class Uniform>
std::uint64_t poisson_draw(Uniform&& uniform, double mean) {
  if (!(mean > 0)) return 0;
  if (mean < 10) return poisson_count(uniform(), mean, std::exp(-mean));
  const double slam = std::sqrt(mean), loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  const double log_invalpha = std::log(1.1239 + 1.1328 / (b - 3.4)), vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const double u = uniform() - 0.5, v = uniform();
    const double us = 0.5 - std::fabs(u);
    if (!(us > 0)) continue;  // u = -0.5: the formula's pole
    const double k = std::floor((2 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return static_cast<std::uint64_t>(k);
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + log_invalpha - std::log(a / (us * us) + b) <= -mean + k * loglam - log_factorial(k))
      return static_cast<std::uint64_t>(k);
  }
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

  void place(std::uint64_t seed, std::uint64_t first, std::uint32_t n, const Population& pop, const Shape& s) {
    draw(seed, first, n, pop, s);
    group_and_shuffle(n);
    by_position.resize(n + 1);
    by_position[0] = 0;
    for (std::uint32_t q = 0; q < n; ++q) by_position[q + 1] = by_position[q] + s.sociability[bin[member[q]]];
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
    for_each_citizen_batch<placement_blocks>(
        seed, first, n, focus_placement, [&](std::uint32_t b0, std::size_t m, const std::uint32_t* words) {
          for (std::size_t i = 0; i < m; ++i) {
            const std::uint32_t w0 = words[i], w1 = words[batch + i];
            label[b0 + i] = w0 < s.homophily_cut ? static_cast<std::uint32_t>(pop.group[first + b0 + i]) : w1 & 3u;
            key[b0 + i] = words[2 * batch + i];
            bin[b0 + i] = sociability_bin(words[3 * batch + i]);
          }
        });
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

// Walker's alias table over a neighbourhood's residents by sociability
// (Vose 1991): resident l is kept with probability keep[l], else alias[l] is
// taken. O(1) a draw where a search of 1,670 would not be. Built from the
// residents' bins in id order, so both passes of a neighbourhood (which place
// residents or not) draw the same residents from the same words.
struct SociabilityAlias {
  std::vector<double> keep;
  std::vector<std::uint32_t> alias, small, large;
  double total = 0;  // the residents' sociability, summed in id order

  void build(const std::vector<std::uint32_t>& bin, std::uint32_t n, const Shape& s) {
    double sum = 0;
    for (std::uint32_t l = 0; l < n; ++l) sum += s.sociability[bin[l]];
    build(bin, n, s, sum);
  }
  // With the total given: per_citizen's is summed in focus order
  // (Placement::by_position[n]), and its rounding decides some draws.
  void build(const std::vector<std::uint32_t>& bin, std::uint32_t n, const Shape& s, double sum) {
    keep.resize(n);
    alias.resize(n);
    small.clear();
    large.clear();
    total = sum;
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

  // A resident in proportion to sociability, from one word: its high half
  // picks a slot, its low half decides between the slot and its alias.
  [[gnu::always_inline]] std::uint32_t pick(std::uint32_t word) const {
    const std::uint64_t m = std::uint64_t{word} * keep.size();
    const auto slot = static_cast<std::uint32_t>(m >> 32);
    const double fraction = static_cast<double>(static_cast<std::uint32_t>(m)) * 0x1p-32;
    return fraction < keep[slot] ? slot : alias[slot];
  }
  // The same, never `self`: self is replaced by the next resident
  // (probability about 1 / n, a negligible distortion).
  [[gnu::always_inline]] std::uint32_t pick_other(std::uint32_t word, std::uint32_t self) const {
    const std::uint32_t q = pick(word);
    if (q != self) return q;
    return q + 1 < keep.size() ? q + 1 : 0;
  }
};

// A neighbourhood's tie words, in order: the blocks of
// Stream(seed, hood, hood_tag, block, hood_ties) for block 0, 1, 2, ...,
// made 64 at a time and read word k of the 64 blocks before word k + 1 (any
// fixed order of Philox words serves). Keyed by the neighbourhood, not by
// citizen: the ties of a kind are drawn for the whole neighbourhood at once
// (tie_counts), so a pass makes only the words it reads.
class HoodWords {
 public:
  HoodWords(std::uint64_t seed, std::uint32_t hood) : seed_(seed), hood_(hood) {}

  [[gnu::always_inline]] std::uint32_t next() {
    if (at_ == words) refill();
    return buffer_[at_++];
  }
  [[gnu::always_inline]] double uniform() {
    const std::uint32_t a = next(), b = next();
    return uniform_from_words(a, b);
  }

 private:
  static constexpr std::uint32_t hood_tag = 0x74696573;  // "ties": apart from any model's step counter
  static constexpr std::size_t blocks = 64, words = 4 * blocks;
  [[gnu::noinline]] void refill() {
    stream_words(seed_, hood_, hood_tag, made_, hood_ties, blocks, 1, blocks, buffer_);
    made_ += static_cast<std::uint32_t>(blocks);
    at_ = 0;
  }
  alignas(64) std::uint32_t buffer_[words];
  std::size_t at_ = words;
  std::uint64_t seed_;
  std::uint32_t hood_, made_ = 0;
};

// How many ties of each kind a neighbourhood's residents start: each
// resident starts Poisson(sociability x mean) of a kind, so the
// neighbourhood's total is Poisson(summed sociability x mean) and each tie's
// starter is a resident chosen in proportion to sociability (the Poisson
// process's superposition; the same law as a draw per resident). Drawn first
// from the neighbourhood's words, long-range first, so the pass that emits
// only the ties leaving a chunk reads the fewest words.
struct TieCounts {
  std::uint64_t long_range = 0, regional = 0, local = 0, friends = 0;
  std::uint64_t total() const { return long_range + regional + local + friends; }
};

inline TieCounts tie_counts(HoodWords& words, double sociability, const Shape& s) {
  auto draw = [&](double mean) {
    return poisson_draw(
        [&]() __attribute__((always_inline)) { return words.uniform(); }, mean * sociability);
  };
  TieCounts t;
  t.long_range = draw(s.long_range_ties);
  t.regional = draw(s.regional_ties);
  t.local = draw(s.local_ties);
  t.friends = draw(s.friend_ties);
  return t;
}

}  // namespace gs::clustered
