#pragma once
// The skips of geometric (Batagelj & Brandes 2005) G(n, p) sampling for many
// draws at once: skip = log(1 - u) / log(1 - p), whose whole part is how
// many candidates to pass over before the next tie. One libm log per draw,
// each waited for before the row can go on, was most of erdos_renyi's time.
//
// On the AVX2 and AVX-512 paths the logs are computed lane-wise (fdlibm's
// formula, within about 1 ulp of the true log). Where the value could sit
// on the other side of a whole number from the scalar
// std::log(1.0 - u) / log_q, the draw is computed that scalar way instead,
// so every path gives each skip the same whole part as the scalar
// expression: the graph is bit for bit the same (tests GeometricSkips.*,
// ErdosRenyi.EdgesAreThoseOfEachRowsStream).
#include <cstddef>
#include <cstdint>

namespace gs {

// out[i] has the whole part of std::log(1.0 - uniform_from_words(high[i],
// low[i])) / log_q (that value, or its floor), for i < n; log_q < 0, or -inf.
// On the CPU's vector path (sim/core/cpu_features.hpp).
void geometric_skips(const std::uint32_t* high, const std::uint32_t* low, std::size_t n, double log_q, double* out);

// log(x) for x in [2^-53, 1] on the vector path in use (std::log on the
// baseline): what geometric_skips computes with, for tests of its accuracy.
void unit_interval_logs(const double* x, std::size_t n, double* out);

}  // namespace gs
