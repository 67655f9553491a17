// kernels_avx2.hpp: the rules of rules.hpp applied to four citizens at a
// time, operation for operation as contact_share, efficacy_factor,
// own_joining_chance, joining_chance, met_recently and dropout_hazard write
// them (the same roundings in the same order, no fused multiply-adds: AVX2
// alone has none), so every chance is bitwise what the loop gives; tests
// OrganisingKernels.* check it against the rules. The selects become
// blends; byte and 16-bit inputs are widened four lanes at once.
#include "models/organising/kernels_avx2.hpp"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>

#include <cstring>

#define GROUNDSWELL_AVX2_INLINE inline __attribute__((always_inline, target("avx2")))

namespace gs::organising::detail {
namespace {

enum class Degrees { small, offsets, weighted };

// Four bytes from p, each widened to a 64-bit lane / a 32-bit lane.
GROUNDSWELL_AVX2_INLINE __m256i bytes_as_64(const std::uint8_t* p) {
  std::int32_t four;
  std::memcpy(&four, p, sizeof four);
  return _mm256_cvtepu8_epi64(_mm_cvtsi32_si128(four));
}
GROUNDSWELL_AVX2_INLINE __m128i bytes_as_32(const std::uint8_t* p) {
  std::int32_t four;
  std::memcpy(&four, p, sizeof four);
  return _mm_cvtepu8_epi32(_mm_cvtsi32_si128(four));
}
// Four 16-bit contact counts as doubles (exact).
GROUNDSWELL_AVX2_INLINE __m256d counts_as_doubles(const ContactCount* p) {
  return _mm256_cvtepi32_pd(_mm_cvtepu16_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
}
GROUNDSWELL_AVX2_INLINE __m128i load_32(const void* p) { return _mm_loadu_si128(static_cast<const __m128i*>(p)); }
// A 32-bit lane mask widened to the 64-bit lanes of doubles.
GROUNDSWELL_AVX2_INLINE __m256d mask_as_64(__m128i mask) { return _mm256_castsi256_pd(_mm256_cvtepi32_epi64(mask)); }

template <bool Met, Degrees From, bool LeadersNear>
GROUNDSWELL_AVX2_INLINE int linear_kernel(const CitizenArrays& c, int len, std::uint8_t campaign, float typical,
                                          double spontaneous, const ChanceRates& r, double* __restrict chance) {
  const __m256d one = _mm256_set1_pd(1.0), zero = _mm256_setzero_pd();
  const __m256d leader_extra = _mm256_set1_pd(r.leader_extra), influence = _mm256_set1_pd(r.influence);
  const __m256d mobilisation = _mm256_set1_pd(r.mobilisation), spontaneous4 = _mm256_set1_pd(spontaneous);
  const __m256d dropout = _mm256_set1_pd(r.dropout), reinforcement = _mm256_set1_pd(r.reinforcement);
  const __m256d leader_dropout = _mm256_set1_pd(r.leader_dropout), after_meeting = _mm256_set1_pd(r.after_meeting);
  const __m128 typical4 = _mm_set1_ps(typical);
  const __m256i campaign4 = _mm256_set1_epi64x(campaign), leader4 = _mm256_set1_epi64x(leader);
  const __m128i step4 = _mm_set1_epi32(static_cast<int>(r.step)), memory4 = _mm_set1_epi32(static_cast<int>(r.memory));
  const __m128i never4 = _mm_set1_epi32(static_cast<int>(never_met));
  const int blocks = len & ~3;
  for (int i = 0; i < blocks; i += 4) {
    // contact_share: a + E l over the degree (1 for none), at most 1, 0 for no contacts.
    __m128i k;
    if constexpr (From == Degrees::weighted)
      k = load_32(c.weighted_degree + i);
    else if constexpr (From == Degrees::small)
      k = bytes_as_32(c.degree + i);
    else
      k = _mm_sub_epi32(load_32(c.offsets + i + 1), load_32(c.offsets + i));
    const __m256d no_contacts = mask_as_64(_mm_cmpeq_epi32(k, _mm_setzero_si128()));
    const __m256d leaders = LeadersNear ? counts_as_doubles(c.leaders + i) : zero;
    const __m256d weighted = _mm256_add_pd(counts_as_doubles(c.active + i), _mm256_mul_pd(leader_extra, leaders));
    const __m256d degree = _mm256_blendv_pd(_mm256_cvtepi32_pd(k), one, no_contacts);
    const __m256d share = _mm256_andnot_pd(no_contacts, _mm256_min_pd(_mm256_div_pd(weighted, degree), one));
    // efficacy_factor (a float division), own_joining_chance, joining_chance(own, 0).
    const __m256d g = _mm256_cvtps_pd(_mm_div_ps(_mm_loadu_ps(c.efficacy + i), typical4));
    const __m256d affected = _mm256_castsi256_pd(
        _mm256_cmpeq_epi64(bytes_as_64(reinterpret_cast<const std::uint8_t*>(c.group + i)), campaign4));
    const __m256d pull = _mm256_add_pd(_mm256_add_pd(spontaneous4, _mm256_mul_pd(influence, share)),
                                       _mm256_and_pd(affected, mobilisation));
    const __m256d own = _mm256_min_pd(_mm256_mul_pd(g, pull), one);
    const __m256d join = _mm256_sub_pd(one, _mm256_mul_pd(_mm256_sub_pd(one, own), _mm256_sub_pd(one, zero)));
    // dropout_hazard, with met_recently: last met, and at most `memory` weeks ago.
    const __m256i state = bytes_as_64(c.state + i);
    const __m256d is_leader = _mm256_castsi256_pd(_mm256_cmpeq_epi64(state, leader4));
    const __m256d hazard =
        _mm256_mul_pd(_mm256_mul_pd(dropout, _mm256_sub_pd(one, _mm256_mul_pd(reinforcement, share))),
                      _mm256_blendv_pd(one, leader_dropout, is_leader));
    __m256d leave = hazard;
    if constexpr (Met) {
      const __m128i last_met = load_32(c.last_met + i);
      const __m128i since = _mm_sub_epi32(step4, last_met);
      const __m128i within = _mm_cmpeq_epi32(_mm_min_epu32(since, memory4), since);
      const __m128i recent = _mm_andnot_si128(_mm_cmpeq_epi32(last_met, never4), within);
      leave = _mm256_blendv_pd(hazard, _mm256_mul_pd(hazard, after_meeting), mask_as_64(recent));
    }
    const __m256d inactive4 = _mm256_castsi256_pd(_mm256_cmpeq_epi64(state, _mm256_setzero_si256()));
    _mm256_storeu_pd(chance + i, _mm256_blendv_pd(leave, join, inactive4));
  }
  return blocks;
}

template <bool Met, Degrees From>
GROUNDSWELL_AVX2_INLINE int linear_leaders(const CitizenArrays& c, int len, std::uint8_t campaign, float typical,
                                           double spontaneous, const ChanceRates& r, double* chance) {
  return c.leaders ? linear_kernel<Met, From, true>(c, len, campaign, typical, spontaneous, r, chance)
                   : linear_kernel<Met, From, false>(c, len, campaign, typical, spontaneous, r, chance);
}
template <bool Met>
GROUNDSWELL_AVX2_INLINE int linear_degrees(const CitizenArrays& c, int len, std::uint8_t campaign, float typical,
                                           double spontaneous, const ChanceRates& r, double* chance) {
  if (c.weighted_degree)
    return linear_leaders<Met, Degrees::weighted>(c, len, campaign, typical, spontaneous, r, chance);
  if (c.degree) return linear_leaders<Met, Degrees::small>(c, len, campaign, typical, spontaneous, r, chance);
  return linear_leaders<Met, Degrees::offsets>(c, len, campaign, typical, spontaneous, r, chance);
}

// Sixteen 64-bit lane masks, four to a register, as sixteen 16-bit lanes.
GROUNDSWELL_AVX2_INLINE __m256i masks_as_16(const __m256d (&m)[4]) {
  const int bits = _mm256_movemask_pd(m[0]) | _mm256_movemask_pd(m[1]) << 4 | _mm256_movemask_pd(m[2]) << 8 |
                   _mm256_movemask_pd(m[3]) << 12;
  const __m256i lane_bit = _mm256_setr_epi16(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384,
                                             static_cast<short>(0x8000));
  return _mm256_cmpeq_epi16(_mm256_and_si256(_mm256_set1_epi16(static_cast<short>(bits)), lane_bit), lane_bit);
}
// a >= b for unsigned 16-bit lanes.
GROUNDSWELL_AVX2_INLINE __m256i at_least_16(__m256i a, __m256i b) {
  return _mm256_cmpeq_epi16(_mm256_max_epu16(a, b), a);
}
GROUNDSWELL_AVX2_INLINE __m256i bytes_as_16(const std::uint8_t* p) {
  return _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// decide_kernel's rules on 16-bit lanes: weeks in (reset by a change,
// counted up while in, saturating), and the verdict bits.
template <bool Met>
GROUNDSWELL_AVX2_INLINE int decide_kernel(int len, const double* draw, const double* chance, const std::uint8_t* state,
                                          std::uint16_t* weeks, const std::uint8_t* meetings, std::uint8_t min_meetings,
                                          std::uint16_t min_weeks, std::uint8_t* verdict, std::uint8_t& any) {
  const __m256i zero = _mm256_setzero_si256(), all = _mm256_set1_epi16(-1);
  const __m256i min_meetings16 = _mm256_set1_epi16(min_meetings);
  const __m256i min_weeks16 = _mm256_set1_epi16(static_cast<short>(min_weeks));
  const __m256i participant16 = _mm256_set1_epi16(participant), one = _mm256_set1_epi16(changes_state);
  const __m256i two = _mm256_set1_epi16(may_be_promoted);
  __m256i verdicts = zero;
  const int blocks = len & ~15;
  for (int i = 0; i < blocks; i += 16) {
    __m256d below[4];
    for (int q = 0; q < 4; ++q)
      below[q] = _mm256_cmp_pd(_mm256_loadu_pd(draw + i + 4 * q), _mm256_loadu_pd(chance + i + 4 * q), _CMP_LT_OQ);
    const __m256i change = masks_as_16(below);
    const __m256i s = bytes_as_16(state + i);
    auto* week_lanes = reinterpret_cast<__m256i*>(weeks + i);
    const __m256i w = _mm256_loadu_si256(week_lanes);
    // -1 (one more week) where in and not yet at 65535.
    const __m256i counting =
        _mm256_andnot_si256(_mm256_cmpeq_epi16(s, zero), _mm256_xor_si256(_mm256_cmpeq_epi16(w, all), all));
    const __m256i next = _mm256_andnot_si256(change, _mm256_sub_epi16(w, counting));
    _mm256_storeu_si256(week_lanes, next);
    __m256i eligible = _mm256_andnot_si256(change, _mm256_cmpeq_epi16(s, participant16));
    eligible = _mm256_and_si256(eligible, at_least_16(next, min_weeks16));
    eligible = _mm256_and_si256(eligible, at_least_16(Met ? bytes_as_16(meetings + i) : zero, min_meetings16));
    const __m256i v = _mm256_or_si256(_mm256_and_si256(change, one), _mm256_and_si256(eligible, two));
    verdicts = _mm256_or_si256(verdicts, v);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(verdict + i),
                     _mm_packus_epi16(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1)));
  }
  any = _mm256_testz_si256(verdicts, verdicts) ? std::uint8_t{0} : std::uint8_t{changes_state | may_be_promoted};
  return blocks;
}

}  // namespace

__attribute__((target("avx2"))) int decide_avx2_blocks(int len, const double* draw, const double* chance,
                                                       const std::uint8_t* state, std::uint16_t* weeks,
                                                       const std::uint8_t* meetings, std::uint8_t min_meetings,
                                                       std::uint16_t min_weeks, std::uint8_t* verdict,
                                                       std::uint8_t& any) {
  return meetings
             ? decide_kernel<true>(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict, any)
             : decide_kernel<false>(len, draw, chance, state, weeks, meetings, min_meetings, min_weeks, verdict, any);
}

__attribute__((target("avx2"))) int linear_change_chances_avx2(const CitizenArrays& c, int len, std::uint8_t campaign,
                                                               float typical, double spontaneous, const ChanceRates& r,
                                                               double* chance) {
  return c.last_met ? linear_degrees<true>(c, len, campaign, typical, spontaneous, r, chance)
                    : linear_degrees<false>(c, len, campaign, typical, spontaneous, r, chance);
}

}  // namespace gs::organising::detail

#else
namespace gs::organising::detail {
int linear_change_chances_avx2(const CitizenArrays&, int, std::uint8_t, float, double, const ChanceRates&, double*) {
  return 0;
}
int decide_avx2_blocks(int, const double*, const double*, const std::uint8_t*, std::uint16_t*, const std::uint8_t*,
                       std::uint8_t, std::uint16_t, std::uint8_t*, std::uint8_t& any) {
  any = 0;
  return 0;
}
}  // namespace gs::organising::detail
#endif
