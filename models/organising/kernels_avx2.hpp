#pragma once
// The AVX2 change_chances kernel for linear contagion, written with
// intrinsics (kernels.cpp's loop, compiled for AVX2 by GCC, widens the
// byte- and 16-bit-sized inputs one lane at a time). For kernels.cpp only.
#include "models/organising/kernels.hpp"

namespace gs::organising::detail {

// chance[i] for the first citizens of a run, four at a time, as
// change_chances gives them under linear contagion (r.complex false);
// returns how many it did (len rounded down to a multiple of 4), leaving the
// rest to the loop. Only to be called on a CPU with AVX2.
int linear_change_chances_avx2(const CitizenArrays& c, int len, std::uint8_t campaign, float typical,
                               double spontaneous, const ChanceRates& r, double* chance);

}  // namespace gs::organising::detail
