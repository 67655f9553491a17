#pragma once
// A deterministic parallel reduction: the same floating-point total for any
// thread count, used wherever a metric sums over agents or nodes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/core/parallel_errors.hpp"

namespace gs {

// Sum f(i) for i in [0, n) in a fixed order of fixed-size blocks, so that a
// floating-point total is bitwise the same for any thread count.
template <class F>
double ordered_sum(std::size_t n, F&& f) {
  constexpr std::size_t block = 8192;
  const std::size_t blocks = (n + block - 1) / block;
  std::vector<double> partial(blocks, 0.0);
  const auto nb = static_cast<std::int64_t>(blocks);
  ParallelErrors errors;  // f may throw
#pragma omp parallel for schedule(static)
  for (std::int64_t b = 0; b < nb; ++b) {
    errors.run([&] {
      double s = 0.0;
      const std::size_t end = std::min(n, static_cast<std::size_t>(b + 1) * block);
      for (std::size_t i = static_cast<std::size_t>(b) * block; i < end; ++i) s += f(i);
      partial[static_cast<std::size_t>(b)] = s;
    });
  }
  errors.rethrow();
  double total = 0.0;
  for (double s : partial) total += s;
  return total;
}

}  // namespace gs
