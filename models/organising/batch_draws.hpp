#pragma once
// The first uniform of many citizens' gs::Streams at once. A Philox4x32-10
// block is a chain of ten dependent multiply rounds; made one citizen at a
// time it stalls on that chain and dominated the step (perf: about 60% of a
// run). Here the rounds run lane-wise over a batch, which the compiler turns
// into vector multiplies, with an AVX-512 clone picked at load time where the
// CPU has it. The result is bit for bit what
// Stream(seed, replicate, step, agent, purpose).uniform() returns (test
// Organising.BatchDrawsMatchStreams), so results do not change.
#include <Random123/philox.h>

#include <cstddef>
#include <cstdint>

namespace gs::organising {

inline constexpr std::size_t draw_batch = 256;

// Wide vector units where the CPU has them. clang emits one ifunc resolver
// per translation unit for a header function, which collides at link time,
// so clang builds (TSan, fuzzing) use the default code path.
#if defined(__clang__)
#define GROUNDSWELL_VECTOR_CLONES
#else
#define GROUNDSWELL_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif

// uniform[i] = Stream(seed, replicate, step, agent0 + i, purpose[i]).uniform(), i < n <= draw_batch.
GROUNDSWELL_VECTOR_CLONES static void first_uniforms(std::uint64_t seed, std::uint32_t replicate, std::uint32_t step,
                                                     std::uint32_t agent0, const std::uint32_t* purpose, std::size_t n,
                                                     double* uniform) {
  const auto k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t c0 = replicate, c1 = step, c2 = agent0 + static_cast<std::uint32_t>(i), c3 = purpose[i] << 16;
    std::uint32_t a = k0, b = k1;
    for (int r = 0; r < 10; ++r) {
      const std::uint64_t p0 = static_cast<std::uint64_t>(PHILOX_M4x32_0) * c0;
      const std::uint64_t p1 = static_cast<std::uint64_t>(PHILOX_M4x32_1) * c2;
      const std::uint32_t n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1 ^ a;
      const std::uint32_t n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3 ^ b;
      c1 = static_cast<std::uint32_t>(p1);
      c3 = static_cast<std::uint32_t>(p0);
      c0 = n0;
      c2 = n2;
      a += PHILOX_W32_0;
      b += PHILOX_W32_1;
    }
    uniform[i] =
        (static_cast<double>(c0 >> 5) * 67108864.0 + static_cast<double>(c1 >> 6)) * (1.0 / 9007199254740992.0);
  }
}

}  // namespace gs::organising
