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
//     of the region and elsewhere in the country (layer acquaintance);
//   - homophily: residents are sorted into foci by constituency group with
//     probability `group_homophily`, and long-range ties go to neighbourhoods
//     of similar deprivation rank (McPherson, Smith-Lovin & Cook 2001).
// A tie's layer is the closest context its two ends share (household, then
// close circle, then focus), so it does not depend on how the tie was drawn.
// Counter-based streams keyed by (seed, citizen, purpose): the graph is the
// same for any thread count. Parameters and sources: docs/graphs.md.
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <numeric>
#include <type_traits>

#include <omp.h>

#include "sim/engine/random.hpp"
#include "sim/graph/community.hpp"
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
  };
  // clang-format on
}

namespace {

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

inline void skip_words(BatchedStream& rng, unsigned m) {
  if (rng.words_ready() >= m)
    rng.advance(m);
  else
    for (; m > 0; --m) rng.next_word();
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
};

constexpr unsigned sociability_bits = 13;  // 8,192 bins: the largest is 3.8 sd above the mean

// The standard normal quantile by bisection on erfc: only for the table.
double normal_quantile(double p) {
  double lo = -10, hi = 10;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

Shape shape_of(const ParamValues& p, std::uint64_t hoods) {
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
void sociabilities(std::uint64_t seed, std::uint64_t first, std::uint32_t n, std::vector<std::uint32_t>& out) {
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

// Index q in [lo, hi), never `self`, with probability proportional to its
// weight, from one word; cumulative[q] is the weight of the indices before q.
std::uint32_t weighted_pick(const std::vector<double>& cumulative, std::uint32_t lo, std::uint32_t hi,
                            std::uint32_t self, std::uint32_t word) {
  const double* const c = cumulative.data();
  const double own = c[self + 1] - c[self];
  double x = c[lo] + (word + 0.5) * 0x1p-32 * (c[hi] - c[lo] - own);
  if (x >= c[self]) x += own;
  // The last q in [lo, hi) with c[q] <= x, by a branch-free binary search
  // (the comparisons are random: branches would mispredict half of them).
  std::uint32_t q = lo, len = hi - lo;
  while (len > 1) {
    const std::uint32_t half = len / 2;
    q = c[q + half] <= x ? q + half : q;
    len -= half;
  }
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

  // With for_ties false, only what the layers need (foci and circles).
  void place(std::uint64_t seed, std::uint64_t first, std::uint32_t n, const Population& pop, const Shape& s,
             bool for_ties) {
    draw(seed, first, n, pop, s);
    group_and_shuffle(n);
    if (for_ties) {
      by_position.resize(n + 1);
      by_position[0] = 0;
      for (std::uint32_t q = 0; q < n; ++q) by_position[q + 1] = by_position[q] + s.sociability[bin[member[q]]];
      build_alias(n, s);
    }
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
    auto chunk_edges = [&](std::size_t c, auto&& emit) {
      Scratch scratch;
      for (std::uint64_t h = base_.chunk_first_hood[c]; h < base_.chunk_first_hood[c + 1]; ++h)
        hood_edges(h, emit, scratch, std::false_type{});
    };
    auto chunk_leaving = [&](std::size_t c, auto&& emit) {
      Scratch scratch;
      std::uint64_t emitted = 0;
      for (std::uint64_t h = base_.chunk_first_hood[c]; h < base_.chunk_first_hood[c + 1]; ++h)
        emitted += hood_edges(h, emit, scratch, std::true_type{});
      return emitted;
    };
    Graph g = build_csr_owned(pop_.neighbourhood.size(), base_.chunk_row_starts(), chunk_edges, chunk_leaving);
    assign_layers(g);
    return g;
  }

 private:
  struct Scratch {
    alignas(64) std::uint32_t words[4 * tie_blocks * batch];
    Placement placement;
    std::vector<std::uint32_t> sociability;  // the leaving pass's bins: no placement needed
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

  // Emits neighbourhood h's edges; with `leaving`, only those that may leave
  // the chunk (long-range ties and, for pieces of regions, regional ones),
  // reading the others' words without using them so that the streams stay in
  // step. Returns how many edges the full call emits at most.
  template <class Emit, class Leaving>
  std::uint64_t hood_edges(std::uint64_t h, Emit&& emit, Scratch& scratch, Leaving) const {
    constexpr bool only_leaving = Leaving::value;
    const std::uint64_t first = first_of(h);
    const std::uint32_t n = residents_of(h);
    std::uint64_t emitted = 0;

    const auto& starts = base_.household_starts[h];
    for (std::size_t i = 0; i < starts.size(); ++i) {
      const std::uint64_t end = i + 1 < starts.size() ? starts[i + 1] : first + n;
      emitted += (end - starts[i]) * (end - starts[i] - 1) / 2;
      if constexpr (!only_leaving)
        for (std::uint64_t a = starts[i]; a < end; ++a)
          for (std::uint64_t b = a + 1; b < end; ++b) emit(NodeId(a), NodeId(b));
    }

    Placement& place = scratch.placement;
    if constexpr (!only_leaving)
      place.place(seed_, first, n, pop_, shape_, true);
    else
      sociabilities(seed_, first, n, scratch.sociability);
    const std::vector<std::uint32_t>& bins = only_leaving ? scratch.sociability : place.bin;
    for_each_circle(n, shape_, [&](std::uint32_t, std::uint32_t a, std::uint32_t b) {
      emitted += std::uint64_t{b - a} * (b - a - 1) / 2;
      if constexpr (!only_leaving)
        for (std::uint32_t i = a; i < b; ++i)
          for (std::uint32_t j = i + 1; j < b; ++j)
            emit(NodeId(first + place.member[i]), NodeId(first + place.member[j]));
    });

    std::uint32_t* const words = scratch.words;
    for (std::uint32_t b0 = 0; b0 < n; b0 += batch) {
      const std::size_t m = std::min<std::size_t>(batch, n - b0);
      const auto agent0 = static_cast<std::uint32_t>(first + b0);
      stream_words(seed_, agent0, clustered_ties, m, tie_blocks, batch, words);
      for (std::size_t i = 0; i < m; ++i) {
        const std::uint32_t local = b0 + static_cast<std::uint32_t>(i);
        const auto id = static_cast<NodeId>(first + local);
        BatchedStream rng(words + i, batch, 4 * tie_blocks, seed_, id, clustered_ties);
        // Ties started: Poisson with a mean in proportion to sociability.
        const std::uint32_t b = bins[local];
        const std::uint32_t count =
            poisson_count(rng.uniform(), shape_.started_ties * shape_.sociability[b], shape_.no_ties[b]);
        emitted += count;
        if constexpr (only_leaving) {
          // Friends and local acquaintances never leave: one word each to pass over.
          for (std::uint32_t t = 0; t < count; ++t) {
            const std::uint32_t kind = rng.next_word();
            const std::uint32_t w1 = rng.next_word();
            if (kind < shape_.local_cut) continue;
            const std::uint32_t w2 = rng.next_word();
            if (kind >= shape_.regional_cut)
              emit(id, long_range_tie(h, w1, w2));
            else if (base_.chunks_split_regions)
              emit(id, regional_tie(h, w1, w2));
          }
          continue;
        }
        for (std::uint32_t t = 0; t < count; ++t) {
          const std::uint32_t kind = rng.next_word();
          if (kind < shape_.friend_cut) {
            const std::uint32_t w = rng.next_word();
            if constexpr (!only_leaving) {
              // Friends are chosen in proportion to their sociability too.
              const std::uint32_t f = place.focus[local], a = place.focus_start[f], b = place.focus_start[f + 1];
              if (b - a < 2) continue;
              const std::uint32_t q = weighted_pick(place.by_position, a, b, place.position[local], w);
              emit(id, NodeId(first + place.member[q]));
            }
          } else if (kind < shape_.local_cut) {
            const std::uint32_t w = rng.next_word();
            if constexpr (!only_leaving) {
              if (n < 2) continue;
              emit(id, NodeId(first + place.acquaintance(w, n, local)));
            }
          } else if (kind < shape_.regional_cut) {
            const std::uint32_t w1 = rng.next_word(), w2 = rng.next_word();
            if (!only_leaving || base_.chunks_split_regions) emit(id, regional_tie(h, w1, w2));
          } else {
            const std::uint32_t w1 = rng.next_word(), w2 = rng.next_word();
            emit(id, long_range_tie(h, w1, w2));
          }
        }
      }
    }
    return emitted;
  }

  // Layer of every CSR entry: the closest context the two ends share.
  // Neighbourhoods' entries are contiguous; only the two bytes at the ends of
  // a neighbourhood's entries can be shared with another thread's.
  void assign_layers(Graph& g) const {
    g.layers.assign_zero(g.targets.size());
    std::uint8_t* const bytes = g.layers.bytes();
    const auto hoods = static_cast<std::int64_t>(pop_.neighbourhoods());
#pragma omp parallel
    {
      Placement place;
#pragma omp for schedule(dynamic, 1)
      for (std::int64_t hs = 0; hs < hoods; ++hs) {
        const auto h = static_cast<std::uint64_t>(hs);
        const std::uint64_t first = first_of(h);
        const std::uint32_t n = residents_of(h);
        const std::uint64_t e0 = g.offsets[first], e1 = g.offsets[first + n];
        if (e0 == e1) continue;
        place.place(seed_, first, n, pop_, shape_, false);
        const std::uint64_t edge_bytes[2] = {e0 >> 2, (e1 - 1) >> 2};
        std::uint8_t pending = 0;
        const auto& starts = base_.household_starts[h];
        for (std::size_t i = 0; i < starts.size(); ++i) {
          const std::uint64_t a = starts[i], b = i + 1 < starts.size() ? starts[i + 1] : first + n;
          for (std::uint64_t v = a; v < b; ++v) {
            const std::uint32_t lv = static_cast<std::uint32_t>(v - first);
            for (std::uint64_t e = g.offsets[v]; e < g.offsets[v + 1]; ++e) {
              // acquaintance (3), less one for a shared focus and one more
              // for a shared circle (which implies the focus), or household (0);
              // in arithmetic, as the cases come in random order.
              const NodeId u = g.targets[e];
              const bool in_household = u - a < b - a, in_hood = u - first < n;
              const auto lu = in_hood ? static_cast<std::uint32_t>(u - first) : lv;
              const unsigned shared = in_hood * (unsigned{place.focus[lu] == place.focus[lv]} +
                                                 unsigned{place.circle[lu] == place.circle[lv]});
              const unsigned layer = in_household ? 0u : 3u - shared;
              pending = static_cast<std::uint8_t>(pending | (layer << (2 * (e & 3))));
              if ((e & 3) != 3 && e + 1 != e1) continue;
              const std::uint64_t byte = e >> 2;
              if (byte == edge_bytes[0] || byte == edge_bytes[1])
                std::atomic_ref<std::uint8_t>(bytes[byte]).fetch_or(pending, std::memory_order_relaxed);
              else
                bytes[byte] = pending;
              pending = 0;
            }
          }
        }
      }
    }
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
