#pragma once
// The ten rounds of one Philox4x32-10 block in plain 32-bit arithmetic, for
// the batch drawers (sim/graph/stream_words.hpp, models/organising/
// batch_draws.hpp): called in a loop over streams under `#pragma omp simd`,
// it is inlined and the compiler runs the rounds lane-wise in vector
// registers. The block is bit for bit r123::Philox4x32's, and so gs::Stream's.
#include <Random123/philox.h>

#include <cstdint>

namespace gs {

// (c0, c1, c2, c3): the counter in, the block out; (k0, k1): the key.
[[gnu::always_inline]] inline void philox4x32_rounds(std::uint32_t& c0, std::uint32_t& c1, std::uint32_t& c2,
                                                     std::uint32_t& c3, std::uint32_t k0, std::uint32_t k1) {
  for (int r = 0; r < 10; ++r) {
    const std::uint64_t p0 = static_cast<std::uint64_t>(PHILOX_M4x32_0) * c0;
    const std::uint64_t p1 = static_cast<std::uint64_t>(PHILOX_M4x32_1) * c2;
    const std::uint32_t n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1 ^ k0;
    const std::uint32_t n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3 ^ k1;
    c1 = static_cast<std::uint32_t>(p1);
    c3 = static_cast<std::uint32_t>(p0);
    c0 = n0;
    c2 = n2;
    k0 += PHILOX_W32_0;
    k1 += PHILOX_W32_1;
  }
}

}  // namespace gs
