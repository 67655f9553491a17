// The vector kernels of kernels.hpp. Each applies rules.hpp to every citizen
// of a run: every operation is done for every citizen and the unwanted result
// dropped (a division by a zero degree included), so there is no branch to
// mispredict and the loop vectorises; the rules are the one-citizen-at-a-time
// formulas, so every chance is bitwise what a loop over them gives.
//
// Compiled for AVX-512 (with 512-bit vectors and mask registers: at GCC's
// default 256 bits, widening the byte-sized states into 64-bit blend masks
// is slow), AVX2 and the baseline, chosen at run time, with two options that
// change no value. No contraction into fused multiply-adds (AVX-512 implies
// FMA, which rounds once where the rules round twice). No trapping: otherwise
// GCC sinks a conversion or division used by one arm of a select into a
// branch, as it might trap, and does not vectorise; IEEE results are the
// same, only exception flags are not kept exact. The function attribute does
// not take these options, the pragma does; the rules are always inlined, so
// they are compiled with them. clang (TSan and fuzz builds) takes the plain
// loop. Measurements behind these choices: docs/performance.md.
#include "models/organising/kernels.hpp"

#include <algorithm>
#include <cmath>

#include "models/organising/kernels_avx2.hpp"
#include "models/organising/rules.hpp"

namespace gs::organising {
namespace {

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("no-trapping-math", "fp-contract=off")
#define GROUNDSWELL_KERNEL inline __attribute__((always_inline))
#define GROUNDSWELL_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,prefer-vector-width=512")))
#define GROUNDSWELL_AVX2 __attribute__((target("avx2")))
#else
#define GROUNDSWELL_KERNEL inline
#endif

// Met: someone in the run was ever met by an organiser (else last_met and
// meetings are never_met and 0 throughout and are not read: less memory
// traffic, which bounds the pass at national scale).
// LeadersNear: someone in the run has a leader among their contacts (else
// leader_contacts is 0 throughout and is not read; the same expression is
// evaluated with a 0, so the result is the same).
// Degrees: where a citizen's degree comes from (DegreesIn).
// Complex: complex contagion (rules::complex_pull). Tabled: the pull is
// read from r.pull_by_count (the rule's values, tabulated once by whole
// participating count a + E l), so the loop still vectorises (a gather);
// always without leaders near, and with them when leaders' extra weight E
// is whole. Otherwise the rule calls exp, the same scalar function in every
// variant, and the loop does not vectorise.
enum class DegreesIn { small, offsets, weighted };
template <bool Met, DegreesIn Degrees, bool LeadersNear, bool Complex, bool Tabled>
GROUNDSWELL_KERNEL void change_chances_kernel(const CitizenArrays& c, int len, std::uint8_t campaign, float typical,
                                              double spontaneous, const ChanceRates& r, double* __restrict chance) {
  const std::uint8_t* __restrict state = c.state;
  const EdgeIndex* __restrict offsets = c.offsets;
  const std::uint8_t* __restrict degree = c.degree;
  const ContactCount* __restrict active = c.active;
  const ContactCount* __restrict leaders = c.leaders;
  const float* __restrict efficacy = c.efficacy;
  const Group* __restrict group = c.group;
  const std::uint32_t* __restrict last_met = c.last_met;
  const double leader_extra = r.leader_extra, influence = r.influence, mobilisation = r.mobilisation;
  const double dropout = r.dropout, reinforcement = r.reinforcement, leader_dropout = r.leader_dropout;
  const double after_meeting = r.after_meeting;
  const std::uint32_t memory = r.memory, step = r.step;
  const std::int32_t* __restrict weighted_degree = c.weighted_degree;
  const double threshold = r.threshold, steepness = r.steepness, at_zero = r.at_zero, unit = r.unit;
  const double* __restrict pull_by_count = r.pull_by_count;
  const std::int32_t table_extra = r.table_leader_extra;
  for (int i = 0; i < len; ++i) {
    // Degrees fit 31 bits; int32 converts to double in one instruction.
    std::int32_t k;
    if constexpr (Degrees == DegreesIn::weighted)
      k = weighted_degree[i];
    else if constexpr (Degrees == DegreesIn::small)
      k = degree[i];
    else
      k = static_cast<std::int32_t>(offsets[i + 1] - offsets[i]);
    std::int32_t leader_contacts = 0;
    if constexpr (LeadersNear) leader_contacts = leaders[i];
    const double share = rules::contact_share(active[i], leader_contacts, leader_extra, k);
    double pull = share;
    if constexpr (Complex && (Tabled || !LeadersNear))
      pull = pull_by_count[active[i] + table_extra * leader_contacts];
    else if constexpr (Complex)
      pull = rules::complex_pull(rules::participating_ties(active[i], leader_contacts, leader_extra, unit), threshold,
                                 steepness, at_zero);
    const double g = rules::efficacy_factor(efficacy[i], typical);
    const bool affected = campaign == static_cast<std::uint8_t>(group[i]);
    const double own = rules::own_joining_chance(g, spontaneous, influence, pull, affected ? mobilisation : 0.0);
    const double join = rules::joining_chance(own, 0.0);
    bool recent = false;
    if constexpr (Met) recent = rules::met_recently(step, last_met[i], never_met, memory);
    const double leave =
        rules::dropout_hazard(dropout, reinforcement, share, state[i] == leader, leader_dropout, recent, after_meeting);
    chance[i] = state[i] == inactive ? join : leave;
  }
}
template <bool Met, DegreesIn Degrees, bool Complex>
GROUNDSWELL_KERNEL void change_chances_leaders(const CitizenArrays& c, int len, std::uint8_t campaign, float typical,
                                               double spontaneous, const ChanceRates& r, double* __restrict chance) {
  if (c.leaders && Complex && r.table_leader_extra >= 0)
    change_chances_kernel<Met, Degrees, true, Complex, true>(c, len, campaign, typical, spontaneous, r, chance);
  else if (c.leaders)
    change_chances_kernel<Met, Degrees, true, Complex, false>(c, len, campaign, typical, spontaneous, r, chance);
  else
    change_chances_kernel<Met, Degrees, false, Complex, false>(c, len, campaign, typical, spontaneous, r, chance);
}
template <bool Met, bool Complex>
GROUNDSWELL_KERNEL void change_chances_degrees(const CitizenArrays& c, int len, std::uint8_t campaign, float typical,
                                               double spontaneous, const ChanceRates& r, double* __restrict chance) {
  if (c.weighted_degree)
    change_chances_leaders<Met, DegreesIn::weighted, Complex>(c, len, campaign, typical, spontaneous, r, chance);
  else if (c.degree)
    change_chances_leaders<Met, DegreesIn::small, Complex>(c, len, campaign, typical, spontaneous, r, chance);
  else
    change_chances_leaders<Met, DegreesIn::offsets, Complex>(c, len, campaign, typical, spontaneous, r, chance);
}

// The kernel specialised for what this run needs to read.
GROUNDSWELL_KERNEL void change_chances_variants(const CitizenArrays& c, int len, std::uint8_t campaign, float typical,
                                                double spontaneous, const ChanceRates& r, double* __restrict chance) {
  if (c.last_met) {
    if (r.complex)
      change_chances_degrees<true, true>(c, len, campaign, typical, spontaneous, r, chance);
    else
      change_chances_degrees<true, false>(c, len, campaign, typical, spontaneous, r, chance);
  } else {
    if (r.complex)
      change_chances_degrees<false, true>(c, len, campaign, typical, spontaneous, r, chance);
    else
      change_chances_degrees<false, false>(c, len, campaign, typical, spontaneous, r, chance);
  }
}

template <bool Met>
GROUNDSWELL_KERNEL unsigned decide_kernel(int len, const double* __restrict draw, const double* __restrict chance,
                                          const std::uint8_t* __restrict state, std::uint16_t* __restrict weeks,
                                          const std::uint8_t* __restrict meetings, std::uint8_t min_meetings,
                                          std::uint16_t min_weeks, std::uint8_t* __restrict verdict) {
  // A byte, like the verdicts: an unsigned accumulator makes GCC widen every
  // verdict to 32 bits (measured: docs/performance.md).
  std::uint8_t any = 0;
  for (int i = 0; i < len; ++i) {
    const bool change = draw[i] < chance[i];
    const std::uint8_t s = state[i];
    const std::uint16_t w = weeks[i];
    const auto stay = static_cast<std::uint16_t>(w + ((s != inactive) & (w < 65535)));
    const std::uint16_t next = change ? std::uint16_t{0} : stay;
    weeks[i] = next;
    std::uint8_t met = 0;
    if constexpr (Met) met = meetings[i];
    const bool eligible = !change & (s == participant) & (met >= min_meetings) & (next >= min_weeks);
    const auto v = static_cast<std::uint8_t>((change ? changes_state : 0) | (eligible ? may_be_promoted : 0));
    verdict[i] = v;
    any = static_cast<std::uint8_t>(any | v);
  }
  return any;
}
GROUNDSWELL_KERNEL unsigned decide_variants(int len, const double* draw, const double* chance,
                                            const std::uint8_t* state, std::uint16_t* weeks,
                                            const std::uint8_t* meetings, std::uint8_t min_meetings,
                                            std::uint16_t min_weeks, std::uint8_t* verdict) {
  return meetings ? decide_kernel<true>(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict)
                  : decide_kernel<false>(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict);
}

// Counts in 16-bit lanes over stretches of at most 65,535 citizens, and
// weeks + 1 >= min_weeks as weeks >= min_weeks - 1, so that no lane is
// wider than the weeks' 16 bits (32-bit counts make GCC widen every byte).
GROUNDSWELL_KERNEL LeaderCount count_leaders_variants(std::int64_t len, const std::uint8_t* __restrict state,
                                                      const std::uint8_t* __restrict meetings,
                                                      const std::uint16_t* __restrict weeks, std::uint8_t min_meetings,
                                                      std::uint16_t min_weeks) {
  const std::uint16_t weeks_floor = min_weeks == 0 ? std::uint16_t{0} : static_cast<std::uint16_t>(min_weeks - 1);
  LeaderCount total{0, 0};
  constexpr std::int64_t stretch = 65535;
  for (std::int64_t first = 0; first < len; first += stretch) {
    const int n = static_cast<int>(std::min(stretch, len - first));
    const std::uint8_t* __restrict s = state + first;
    const std::uint8_t* __restrict m = meetings + first;
    const std::uint16_t* __restrict w = weeks + first;
    std::uint16_t leading = 0, eligible = 0;
    for (int i = 0; i < n; ++i) {
      leading = static_cast<std::uint16_t>(leading + (s[i] == leader));
      eligible = static_cast<std::uint16_t>(eligible +
                                            ((s[i] == participant) & (m[i] >= min_meetings) & (w[i] >= weeks_floor)));
    }
    total.leading += leading;
    total.eligible += eligible;
  }
  return total;
}

// One compiled copy of every kernel per instruction set.
#if defined(__GNUC__) && !defined(__clang__)
GROUNDSWELL_AVX512 void change_chances_avx512(const CitizenArrays& c, int len, std::uint8_t campaign, float typical,
                                              double spontaneous, const ChanceRates& r, double* __restrict chance) {
  change_chances_variants(c, len, campaign, typical, spontaneous, r, chance);
}
GROUNDSWELL_AVX512 unsigned decide_avx512(int len, const double* draw, const double* chance, const std::uint8_t* state,
                                          std::uint16_t* weeks, const std::uint8_t* meetings, std::uint8_t min_meetings,
                                          std::uint16_t min_weeks, std::uint8_t* verdict) {
  return decide_variants(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict);
}
// Linear contagion by the hand-written kernel (kernels_avx2.hpp), the last
// few citizens of the run (or everyone, under complex contagion) by the loop.
GROUNDSWELL_AVX512 LeaderCount count_leaders_avx512(std::int64_t len, const std::uint8_t* state,
                                                    const std::uint8_t* meetings, const std::uint16_t* weeks,
                                                    std::uint8_t min_meetings, std::uint16_t min_weeks) {
  return count_leaders_variants(len, state, meetings, weeks, min_meetings, min_weeks);
}
GROUNDSWELL_AVX2 LeaderCount count_leaders_avx2(std::int64_t len, const std::uint8_t* state,
                                                const std::uint8_t* meetings, const std::uint16_t* weeks,
                                                std::uint8_t min_meetings, std::uint16_t min_weeks) {
  return count_leaders_variants(len, state, meetings, weeks, min_meetings, min_weeks);
}
GROUNDSWELL_AVX2 void change_chances_avx2(const CitizenArrays& c, int len, std::uint8_t campaign, float typical,
                                          double spontaneous, const ChanceRates& r, double* __restrict chance) {
  const int done =
      r.complex ? 0 : detail::linear_change_chances_avx2(c, len, campaign, typical, spontaneous, r, chance);
  if (done == len) return;
  const auto rest = [done](auto* p) { return p ? p + done : p; };
  const CitizenArrays left{rest(c.state),    rest(c.offsets), rest(c.degree),   rest(c.active),         rest(c.leaders),
                           rest(c.efficacy), rest(c.group),   rest(c.last_met), rest(c.weighted_degree)};
  change_chances_variants(left, len - done, campaign, typical, spontaneous, r, chance + done);
}
// Sixteen at a time by the hand-written kernel (kernels_avx2.hpp), the rest by the loop.
GROUNDSWELL_AVX2 unsigned decide_avx2(int len, const double* draw, const double* chance, const std::uint8_t* state,
                                      std::uint16_t* weeks, const std::uint8_t* meetings, std::uint8_t min_meetings,
                                      std::uint16_t min_weeks, std::uint8_t* verdict) {
  std::uint8_t any = 0;
  const int done =
      detail::decide_avx2_blocks(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict, any);
  if (done == len) return any;
  return any | decide_variants(len - done, draw + done, chance + done, state + done, weeks + done,
                               meetings ? meetings + done : nullptr, min_meetings, min_weeks, verdict + done);
}
#endif
LeaderCount count_leaders_baseline(std::int64_t len, const std::uint8_t* state, const std::uint8_t* meetings,
                                   const std::uint16_t* weeks, std::uint8_t min_meetings, std::uint16_t min_weeks) {
  return count_leaders_variants(len, state, meetings, weeks, min_meetings, min_weeks);
}
void change_chances_baseline(const CitizenArrays& c, int len, std::uint8_t campaign, float typical, double spontaneous,
                             const ChanceRates& r, double* __restrict chance) {
  change_chances_variants(c, len, campaign, typical, spontaneous, r, chance);
}
unsigned decide_baseline(int len, const double* draw, const double* chance, const std::uint8_t* state,
                         std::uint16_t* weeks, const std::uint8_t* meetings, std::uint8_t min_meetings,
                         std::uint16_t min_weeks, std::uint8_t* verdict) {
  return decide_variants(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
constexpr bool all_variants = true;
#else
constexpr bool all_variants = false;
#endif

}  // namespace

std::int32_t whole_leader_extra(double leader_extra) {
  const bool whole = leader_extra >= 0 && leader_extra <= 1000 && leader_extra == std::floor(leader_extra);
  return whole ? static_cast<std::int32_t>(leader_extra) : -1;
}

std::vector<double> pull_by_count_table(std::int32_t max_count, double leader_extra, double threshold, double steepness,
                                        double at_zero, double unit) {
  // Counts a + E l up to (1 + E) max_count when E is whole (a + E l is then
  // exactly the whole number n the rule computes), else a up to max_count.
  const std::int32_t extra = whole_leader_extra(leader_extra);
  const std::int64_t most = static_cast<std::int64_t>(max_count) * (1 + std::max(extra, 0));
  std::vector<double> table(static_cast<std::size_t>(most) + 1);
  for (std::int64_t n = 0; n <= most; ++n)
    table[static_cast<std::size_t>(n)] = rules::complex_pull(
        rules::participating_ties(static_cast<std::int32_t>(n), 0, leader_extra, unit), threshold, steepness, at_zero);
  return table;
}

bool kernel_variant_compiled(VectorLevel level) { return all_variants || level == VectorLevel::baseline; }

void change_chances(const CitizenArrays& c, int len, std::uint8_t campaign, float typical, double spontaneous,
                    const ChanceRates& r, double* chance) {
#if defined(__GNUC__) && !defined(__clang__)
  switch (vector_level()) {
    case VectorLevel::avx512: return change_chances_avx512(c, len, campaign, typical, spontaneous, r, chance);
    case VectorLevel::avx2: return change_chances_avx2(c, len, campaign, typical, spontaneous, r, chance);
    case VectorLevel::baseline: break;
  }
#endif
  change_chances_baseline(c, len, campaign, typical, spontaneous, r, chance);
}

unsigned decide(int len, const double* draw, const double* chance, const std::uint8_t* state, std::uint16_t* weeks,
                const std::uint8_t* meetings, std::uint8_t min_meetings, std::uint16_t min_weeks,
                std::uint8_t* verdict) {
#if defined(__GNUC__) && !defined(__clang__)
  switch (vector_level()) {
    case VectorLevel::avx512:
      return decide_avx512(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict);
    case VectorLevel::avx2:
      return decide_avx2(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict);
    case VectorLevel::baseline: break;
  }
#endif
  return decide_baseline(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict);
}

LeaderCount count_leaders(std::int64_t len, const std::uint8_t* state, const std::uint8_t* meetings,
                          const std::uint16_t* weeks, std::uint8_t min_meetings, std::uint16_t min_weeks) {
#if defined(__GNUC__) && !defined(__clang__)
  switch (vector_level()) {
    case VectorLevel::avx512: return count_leaders_avx512(len, state, meetings, weeks, min_meetings, min_weeks);
    case VectorLevel::avx2: return count_leaders_avx2(len, state, meetings, weeks, min_meetings, min_weeks);
    case VectorLevel::baseline: break;
  }
#endif
  return count_leaders_baseline(len, state, meetings, weeks, min_meetings, min_weeks);
}

}  // namespace gs::organising
