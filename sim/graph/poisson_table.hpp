#pragma once
// Poisson tie counts for the community graph, drawn by inversion from one
// uniform of a counter-based stream.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace gs {

// Poisson draws by inversion from one uniform against a cumulative table, so
// a tie count costs one uniform and no exp(). The table stops where the
// remaining mass is below 2^-53 (beyond what a uniform can resolve). A guide
// of 4096 bins answers almost every draw with one lookup: a bin that no
// cumulative step cuts holds its count, the few others fall back to the
// search from the bin's lower count. The answer is the search's, exactly;
// the guide only removes the search loop's mispredicted exits.
class PoissonTable {
 public:
  explicit PoissonTable(double mean) : mean_(mean) {
    double pmf = std::exp(-mean), cdf = pmf;
    for (std::uint32_t k = 1; cdf < 1.0 - 0x1p-53 && pmf > 0 && k < 100000; ++k) {
      cumulative_.push_back(cdf);
      pmf *= mean / k;
      cdf += pmf;
    }
    if (mean > 700) cumulative_.clear();  // exp(-mean) underflows: fall back to the stream's method
    if (cumulative_.size() >= ambiguous) return;  // no guide: plain search
    guide_.resize(bins);
    for (std::uint32_t j = 0; j < bins; ++j) {
      // Counts of steps at or below the bin's least uniform, and below its end.
      const double lo = j / double(bins), hi = (j + 1) / double(bins);
      const auto below_lo = std::upper_bound(cumulative_.begin(), cumulative_.end(), lo) - cumulative_.begin();
      const auto below_hi = std::lower_bound(cumulative_.begin(), cumulative_.end(), hi) - cumulative_.begin();
      guide_[j] = static_cast<std::uint8_t>(below_lo == below_hi ? below_lo : ambiguous);
      start_[j] = static_cast<std::uint8_t>(below_lo);
    }
  }
  template <class Rng>
  [[gnu::always_inline]] std::uint32_t draw(Rng& rng) const {
    if (cumulative_.empty()) return mean_ > 0 ? rng.poisson(mean_) : 0;
    return count_for(rng.uniform());
  }
  // The count for uniform u in [0, 1), through the guide.
  [[gnu::always_inline]] std::uint32_t count_for(double u) const {
    std::uint32_t k = 0;
    if (!guide_.empty()) {
      const auto bin = static_cast<std::uint32_t>(u * bins);  // exact: a power-of-two scale
      if (guide_[bin] != ambiguous) return guide_[bin];
      k = start_[bin];
    }
    return search_from(u, k);
  }
  // The same by search alone: the definition the guide must agree with.
  std::uint32_t search(double u) const { return search_from(u, 0); }
  const std::vector<double>& cumulative() const { return cumulative_; }
  static constexpr std::uint32_t bins = 4096;

 private:
  [[gnu::always_inline]] std::uint32_t search_from(double u, std::uint32_t k) const {
    while (k < cumulative_.size() && u >= cumulative_[k]) ++k;
    return k;
  }
  static constexpr std::uint8_t ambiguous = 255;
  std::vector<double> cumulative_;  // cumulative_[k] = P(X <= k)
  std::vector<std::uint8_t> guide_;  // [bin]: the count, or ambiguous
  std::uint8_t start_[bins] = {};  // [bin]: steps at or below the bin's start
  double mean_;
};

}  // namespace gs
