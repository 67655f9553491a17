#include "sim/sweep/sensitivity_design.hpp"

#include <array>
#include <stdexcept>

#include "sim/core/random.hpp"

namespace gs {
namespace {

constexpr int bits = 32;
constexpr Purpose purpose_morris = 0x5e5;

struct Primitive {
  int degree;  // s
  std::uint32_t a;  // the polynomial's inner coefficients
  std::array<std::uint32_t, 9> m;  // initial direction numbers m_1..m_s
};

// Dimensions 2..64 of Joe & Kuo (2008), "Constructing Sobol' sequences with
// better two-dimensional projections", SIAM J. Sci. Comput. 30: 2635-2654,
// file new-joe-kuo-6.21201 (columns s, a, m_i); dimension 1 is van der Corput's.
// clang-format off
constexpr std::array<Primitive, sobol_max_dimensions - 1> joe_kuo = {{
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
    {7, 50, {1, 3, 1, 3, 5, 53, 69}},
    {7, 55, {1, 1, 5, 5, 23, 33, 13}},
    {7, 56, {1, 1, 7, 7, 1, 61, 123}},
    {7, 59, {1, 1, 7, 9, 13, 61, 49}},
    {7, 62, {1, 3, 3, 5, 3, 55, 33}},
    {8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},
    {8, 21, {1, 3, 5, 15, 31, 59, 63, 97}},
    {8, 22, {1, 3, 1, 11, 11, 11, 77, 249}},
    {8, 38, {1, 3, 1, 11, 27, 43, 71, 9}},
    {8, 47, {1, 1, 7, 15, 21, 11, 81, 45}},
    {8, 49, {1, 3, 7, 3, 25, 31, 65, 79}},
    {8, 50, {1, 3, 1, 1, 19, 11, 3, 205}},
    {8, 52, {1, 1, 5, 9, 19, 21, 29, 157}},
    {8, 56, {1, 3, 7, 11, 1, 33, 89, 185}},
    {8, 67, {1, 3, 3, 3, 15, 9, 79, 71}},
    {8, 70, {1, 3, 7, 11, 15, 39, 119, 27}},
    {8, 84, {1, 1, 3, 1, 11, 31, 97, 225}},
    {8, 97, {1, 1, 1, 3, 23, 43, 57, 177}},
    {8, 103, {1, 3, 7, 7, 17, 17, 37, 71}},
    {8, 115, {1, 3, 1, 5, 27, 63, 123, 213}},
    {8, 122, {1, 1, 3, 5, 11, 43, 53, 133}},
    {9, 8, {1, 3, 5, 5, 29, 17, 47, 173, 479}},
    {9, 13, {1, 3, 3, 11, 3, 1, 109, 9, 69}},
    {9, 16, {1, 1, 1, 5, 17, 39, 23, 5, 343}},
    {9, 22, {1, 3, 1, 5, 25, 15, 31, 103, 499}},
    {9, 25, {1, 1, 1, 11, 11, 17, 63, 105, 183}},
    {9, 44, {1, 1, 5, 11, 9, 29, 97, 231, 363}},
    {9, 47, {1, 1, 5, 15, 19, 45, 41, 7, 383}},
    {9, 52, {1, 3, 7, 7, 31, 19, 83, 137, 221}},
    {9, 55, {1, 1, 1, 3, 23, 15, 111, 223, 83}},
    {9, 59, {1, 1, 5, 13, 31, 15, 55, 25, 161}},
    {9, 62, {1, 1, 3, 13, 25, 47, 39, 87, 257}},
}};
// clang-format on

using Directions = std::array<std::uint32_t, bits>;

// V_j = m_j / 2^j as 32-bit fractions, extended by Bratley & Fox's (1988)
// recurrence V_j = a_1 V_{j-1} ^ ... ^ a_{s-1} V_{j-s+1} ^ V_{j-s} ^ (V_{j-s} >> s).
Directions directions(std::size_t dimension) {
  Directions v{};
  if (dimension == 0) {
    for (int j = 0; j < bits; ++j) v[static_cast<std::size_t>(j)] = 1u << (bits - 1 - j);
    return v;
  }
  const Primitive& p = joe_kuo[dimension - 1];
  const auto s = static_cast<std::size_t>(p.degree);
  for (std::size_t j = 0; j < s && j < bits; ++j) v[j] = p.m[j] << (bits - 1 - j);
  for (std::size_t j = s; j < bits; ++j) {
    std::uint32_t x = v[j - s] ^ (v[j - s] >> s);
    for (std::size_t k = 1; k < s; ++k)
      if ((p.a >> (s - 1 - k)) & 1u) x ^= v[j - k];
    v[j] = x;
  }
  return v;
}

const std::array<Directions, sobol_max_dimensions>& all_directions() {
  static const auto table = [] {
    std::array<Directions, sobol_max_dimensions> t{};
    for (std::size_t d = 0; d < sobol_max_dimensions; ++d) t[d] = directions(d);
    return t;
  }();
  return table;
}

void fill_values(const SensitivityFile& sa, SensitivityDesign& d) {
  d.values.resize(d.unit.size());
  for (std::size_t i = 0; i < d.points; ++i)
    for (std::size_t j = 0; j < d.parameters; ++j)
      d.values[i * d.parameters + j] = parameter_value(sa.parameters[j], d.unit[i * d.parameters + j]);
}

}  // namespace

double sobol_coordinate(std::uint64_t index, std::size_t dimension) {
  if (dimension >= sobol_max_dimensions) throw std::out_of_range("Sobol' dimension beyond the embedded table");
  const Directions& v = all_directions()[dimension];
  const std::uint64_t gray = index ^ (index >> 1);
  std::uint32_t x = 0;
  for (std::size_t j = 0; j < bits; ++j)
    if ((gray >> j) & 1u) x ^= v[j];
  return static_cast<double>(x) / 4294967296.0;
}

SensitivityDesign saltelli_design(const SensitivityFile& sa) {
  SensitivityDesign d;
  const std::size_t k = sa.parameters.size(), n = sa.samples;
  d.parameters = k;
  d.samples = n;
  d.points = n * (k + 2);
  d.unit.resize(d.points * k);
  auto row = [&](std::size_t point) { return d.unit.begin() + static_cast<std::ptrdiff_t>(point * k); };
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t i = 0; i < k; ++i) {
      row(j)[static_cast<std::ptrdiff_t>(i)] = sobol_coordinate(j, i);
      row(n + j)[static_cast<std::ptrdiff_t>(i)] = sobol_coordinate(j, k + i);
    }
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      auto ab = row((2 + i) * n + j);
      std::copy(row(j), row(j) + static_cast<std::ptrdiff_t>(k), ab);
      ab[static_cast<std::ptrdiff_t>(i)] = row(n + j)[static_cast<std::ptrdiff_t>(i)];
    }
  fill_values(sa, d);
  return d;
}

SensitivityDesign morris_design(const SensitivityFile& sa) {
  SensitivityDesign d;
  const std::size_t k = sa.parameters.size(), r = sa.samples;
  const std::uint32_t p = sa.levels, jump = p / 2;  // a step of p / (2 (p - 1)) is p / 2 grid levels
  d.parameters = k;
  d.samples = r;
  d.points = r * (k + 1);
  d.unit.resize(d.points * k);
  d.moved.resize(r * k);
  std::vector<std::uint32_t> level(k);
  std::vector<bool> up(k);
  for (std::size_t t = 0; t < r; ++t) {
    Stream draw(sa.seed, 0, static_cast<std::uint32_t>(t), 0, purpose_morris);
    // A start on the grid from which the whole step stays inside [0, 1]:
    // levels 0..p/2-1 going up, p/2..p-1 going down.
    for (std::size_t i = 0; i < k; ++i) {
      up[i] = draw.below32(2) == 0;
      level[i] = draw.below32(jump) + (up[i] ? 0 : jump);
    }
    std::uint32_t* order = &d.moved[t * k];
    for (std::size_t i = 0; i < k; ++i) order[i] = static_cast<std::uint32_t>(i);
    for (std::size_t i = k; i > 1; --i) std::swap(order[i - 1], order[draw.below32(static_cast<std::uint32_t>(i))]);
    for (std::size_t j = 0; j <= k; ++j) {
      if (j > 0) {
        const std::uint32_t i = order[j - 1];
        level[i] = up[i] ? level[i] + jump : level[i] - jump;
      }
      double* x = &d.unit[(t * (k + 1) + j) * k];
      for (std::size_t i = 0; i < k; ++i) x[i] = static_cast<double>(level[i]) / (p - 1);
    }
  }
  fill_values(sa, d);
  return d;
}

SensitivityDesign sensitivity_design(const SensitivityFile& sa) {
  return sa.method == SensitivityMethod::sobol ? saltelli_design(sa) : morris_design(sa);
}

}  // namespace gs
