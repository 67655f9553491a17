#include "sim/core/cpu_features.hpp"

#include <atomic>
#include <cstdlib>
#include <stdexcept>

namespace gs {
namespace {

constexpr std::uint8_t not_forced = 255;
std::atomic<std::uint8_t> forced{not_forced};

std::optional<VectorLevel> parse_level(const std::string& name) {
  for (VectorLevel level : {VectorLevel::baseline, VectorLevel::avx2, VectorLevel::avx512})
    if (name == vector_level_name(level)) return level;
  return std::nullopt;
}

// GROUNDSWELL_VECTOR's level, or the error it makes; nullopt level if unset.
struct FromEnvironment {
  std::optional<VectorLevel> level;
  std::optional<std::string> error;
};

FromEnvironment read_environment() {
  const char* value = std::getenv("GROUNDSWELL_VECTOR");
  if (value == nullptr || *value == '\0') return {};
  const std::optional<VectorLevel> level = parse_level(value);
  if (!level)
    return {std::nullopt, "GROUNDSWELL_VECTOR=" + std::string(value) +
                              ": not a vector variant; allowed: baseline, avx2, avx512 (or unset: the CPU's widest)"};
  if (!host_supports(*level))
    return {std::nullopt, "GROUNDSWELL_VECTOR=" + std::string(value) + ": this CPU lacks " + value + "; it runs " +
                              vector_level_name(host_vector_level()) + " and narrower"};
  return {level, std::nullopt};
}

const FromEnvironment& environment() {
  static const FromEnvironment read = read_environment();
  return read;
}

}  // namespace

const char* vector_level_name(VectorLevel level) {
  switch (level) {
    case VectorLevel::avx512: return "avx512";
    case VectorLevel::avx2: return "avx2";
    case VectorLevel::baseline: break;
  }
  return "baseline";
}

VectorLevel host_vector_level() {
#if defined(__x86_64__)
  static const VectorLevel level = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                                           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
                                           __builtin_cpu_supports("popcnt")
                                       ? VectorLevel::avx512
                                   : __builtin_cpu_supports("avx2") ? VectorLevel::avx2
                                                                    : VectorLevel::baseline;
  return level;
#else
  return VectorLevel::baseline;
#endif
}

bool host_supports(VectorLevel level) { return level <= host_vector_level(); }

VectorLevel vector_level() {
  const std::uint8_t f = forced.load(std::memory_order_relaxed);
  if (f != not_forced) return static_cast<VectorLevel>(f);
  const FromEnvironment& env = environment();
  if (env.error) throw std::runtime_error(*env.error);
  return env.level ? *env.level : host_vector_level();
}

std::optional<std::string> vector_level_environment_error() { return environment().error; }

void force_vector_level(std::optional<VectorLevel> level) {
  if (level && !host_supports(*level))
    throw std::runtime_error(std::string("this CPU lacks ") + vector_level_name(*level));
  forced.store(level ? static_cast<std::uint8_t>(*level) : not_forced, std::memory_order_relaxed);
}

}  // namespace gs
