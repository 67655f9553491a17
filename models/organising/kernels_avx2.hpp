#pragma once
// The AVX2 change_chances kernel for linear contagion and decide kernel,
// written with intrinsics (kernels.cpp's loops, compiled for AVX2 by GCC,
// widen the byte- and 16-bit-sized inputs clumsily). For kernels.cpp only.
#include "models/organising/kernels.hpp"

namespace gs::organising::detail {

// chance[i] for the first citizens of a run, four at a time, as
// change_chances gives them under linear contagion (r.complex false);
// returns how many it did (len rounded down to a multiple of 4), leaving the
// rest to the loop. Only to be called on a CPU with AVX2.
int linear_change_chances_avx2(const CitizenArrays& c, int len, std::uint8_t campaign, float typical,
                               double spontaneous, const ChanceRates& r, double* chance);

// decide() for the first citizens of a run, sixteen at a time; returns how
// many it did (len rounded down to a multiple of 16), with `any` nonzero if
// any of their verdicts is. Only to be called on a CPU with AVX2.
int decide_avx2_blocks(int len, const double* draw, const double* chance, const std::uint8_t* state,
                       std::uint16_t* weeks, const std::uint8_t* meetings, std::uint8_t min_meetings,
                       std::uint16_t min_weeks, std::uint8_t* verdict, std::uint8_t& any);

}  // namespace gs::organising::detail
