#pragma once
// The citizen pass's vector kernels: every citizen's chance of changing state
// and the decisions that need no further draw, for a run of citizens of one
// neighbourhood. Each applies the rules of rules.hpp to every citizen without
// branches, so that it vectorises; variants for AVX-512, AVX2 and the
// baseline are chosen at run time (sim/core/cpu_features.hpp) and give
// bitwise the same results (tests/test_organising_kernels.cpp).
#include <cstdint>
#include <vector>

#include "sim/core/cpu_features.hpp"
#include "sim/graph/graph.hpp"

namespace gs::organising {

enum State : std::uint8_t { inactive = 0, participant = 1, leader = 2 };
inline constexpr std::uint32_t never_met = 0;

// Everything change_chances needs besides the citizens' own arrays.
struct ChanceRates {
  double leader_extra, influence, mobilisation, dropout, reinforcement, leader_dropout, after_meeting;
  std::uint32_t memory, step;
  // Complex contagion (rules::complex_pull) instead of the linear share.
  bool complex;
  double threshold, steepness, at_zero, unit;
  // Complex contagion: the pull of a whole participating count n = a + E l,
  // complex_pull(participating_ties(n, 0, leader_extra, unit), ...), from
  // pull_by_count_table; table_leader_extra is E = leader_extra when that is
  // whole (whole_leader_extra), else -1 (the table then covers l = 0 only).
  const double* pull_by_count;
  std::int32_t table_leader_extra;
};

// leader_extra if it is a whole number from 0 to 1000, else -1.
std::int32_t whole_leader_extra(double leader_extra);
// The table for counts of up to max_count contacts (a, l <= max_count).
std::vector<double> pull_by_count_table(std::int32_t max_count, double leader_extra, double threshold, double steepness,
                                        double at_zero, double unit);

// A citizen's count of participating contacts (tie-weighted with
// contagion.tie_weights): 16 bits, 2 bytes a citizen where 4 would cost 270 MB
// at UK scale across the two counts. initialise() refuses a graph where a
// citizen's degree (or sum of tie weights) exceeds max_contact_count.
using ContactCount = std::uint16_t;
inline constexpr std::int64_t max_contact_count = 65535;

struct CitizenArrays {
  const std::uint8_t* state;
  const EdgeIndex* offsets;
  const std::uint8_t* degree;  // degrees below 255, or nullptr: take them from offsets
  const ContactCount *active, *leaders;  // leaders nullptr: all 0
  const float* efficacy;
  const Group* group;
  const std::uint32_t* last_met;  // nullptr: nobody was ever met
  // With tie weights: sums of tie weights (active and leaders are then
  // weighted too), used instead of degrees; nullptr: plain degrees.
  const std::int32_t* weighted_degree;
};

// chance[i], i < len, that citizen i changes state this week: joins if
// inactive, leaves if not, as if nobody had been met this week. `campaign`
// is the group whose issue the neighbourhood campaigns on (or none),
// `typical` its typical efficacy, `spontaneous` its spontaneous rate.
void change_chances(const CitizenArrays& c, int len, std::uint8_t campaign, float typical, double spontaneous,
                    const ChanceRates& r, double* chance);

// Bits of decide()'s verdict per citizen.
inline constexpr std::uint8_t changes_state = 1, may_be_promoted = 2;

// The decisions that need no further draw: who joins or leaves (draw below
// chance), weeks in (reset by a change, counted up while in, saturating),
// and who is eligible for promotion (in, staying, enough one-to-ones and
// weeks; meetings nullptr: nobody was ever met). Returns nonzero if anyone
// changes or is eligible, so that most runs need no second look.
unsigned decide(int len, const double* draw, const double* chance, const std::uint8_t* state, std::uint16_t* weeks,
                const std::uint8_t* meetings, std::uint8_t min_meetings, std::uint16_t min_weeks,
                std::uint8_t* verdict);

// Of citizens [0, len): how many lead, and how many are eligible for
// promotion at the next decide() if they stay (participants with at least
// min_meetings one-to-ones and weeks + 1 >= min_weeks).
struct LeaderCount {
  std::int64_t leading, eligible;
};
LeaderCount count_leaders(std::int64_t len, const std::uint8_t* state, const std::uint8_t* meetings,
                          const std::uint16_t* weeks, std::uint8_t min_meetings, std::uint16_t min_weeks);

// Whether this build has a kernel variant for `level` (GCC builds have all
// three; others only the baseline, which every level then runs).
bool kernel_variant_compiled(VectorLevel level);

}  // namespace gs::organising
