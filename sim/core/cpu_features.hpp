#pragma once
// Which vector instructions the hand-vectorised code uses: the one place that
// asks the CPU. Every variant gives bitwise the same results (tests
// OrganisingKernels.*, StreamWords.*, Organising/BatchDraws.MatchStreams/*), so
// the choice changes speed only. GROUNDSWELL_VECTOR=baseline|avx2|avx512
// forces a variant, e.g. to compare their speed or to check that they agree.
#include <cstdint>
#include <optional>
#include <string>

namespace gs {

enum class VectorLevel : std::uint8_t { baseline = 0, avx2 = 1, avx512 = 2 };

const char* vector_level_name(VectorLevel level);

// The widest level this CPU runs. AVX-512 means F, BW, VL and DQ (the
// organising kernels use all four) and POPCNT.
VectorLevel host_vector_level();
bool host_supports(VectorLevel level);

// The level in use: GROUNDSWELL_VECTOR's if set, else the host's, unless a
// test forced another. Throws std::runtime_error for a bad GROUNDSWELL_VECTOR.
VectorLevel vector_level();

// The message for a GROUNDSWELL_VECTOR that names no variant or one this CPU
// lacks, if it does: the command line checks this before any work.
std::optional<std::string> vector_level_environment_error();

// For tests and benchmarks: use `level` until the next call (std::nullopt:
// back to the environment's or host's). Throws std::runtime_error if the
// host lacks it. Not to be called while vector code runs on other threads.
void force_vector_level(std::optional<VectorLevel> level);

}  // namespace gs
