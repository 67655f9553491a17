#include "analysis/compare_sweeps.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "sim/scenario/scenario.hpp"

namespace gs {
namespace {
namespace fs = std::filesystem;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Member files of a sweep directory (every .h5 but index.h5 and posterior.h5), sorted by name.
std::vector<std::string> member_names(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError(dir + ": not a directory");
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const fs::path& p = entry.path();
    if (p.extension() == ".h5" && p.filename() != "index.h5" && p.filename() != "posterior.h5" &&
        p.filename().string().front() != '.')
      names.push_back(p.stem().string());
  }
  std::sort(names.begin(), names.end());
  if (names.empty()) throw InputError(dir + ": holds no member files (<name>.h5); is it a sweep's --out-dir?");
  return names;
}

void check_pairing(const std::string& dir_a, const std::vector<std::string>& a, const std::string& dir_b,
                   const std::vector<std::string>& b) {
  for (const auto& name : a)
    if (!std::binary_search(b.begin(), b.end(), name))
      throw InputError(dir_b + ": has no member " + name + ".h5 to pair with " + dir_a + "/" + name +
                       ".h5; compare needs two sweeps with the same members (same samples: and seed:)");
  for (const auto& name : b)
    if (!std::binary_search(a.begin(), a.end(), name))
      throw InputError(dir_a + ": has no member " + name + ".h5 to pair with " + dir_b + "/" + name + ".h5");
}

std::vector<double> at_step(const MetricData& m, std::size_t step) {
  std::vector<double> xs;
  for (std::size_t r = 0; r < m.replicates; ++r) xs.push_back(m.at(r, step));
  return xs;
}

Table effect_table(const std::string& metric, const std::vector<PairedEffect>& effects) {
  Table t;
  t.columns = {{"metric", "metric"},
               {"step", "step"},
               {"members", "members"},
               {"replicates", "replicates"},
               {"difference", "B - A", 4, false, true},
               {"full_low", "95% low (parameters + seeds)", 4, false, true},
               {"full_high", "95% high (parameters + seeds)", 4, false, true},
               {"seed_low", "95% low (seeds only)", 4, false, true},
               {"seed_high", "95% high (seeds only)", 4, false, true},
               {"mean_low", "mean: 95% CI low", 4, false, true},
               {"mean_high", "mean: 95% CI high", 4, false, true},
               {"width_ratio", "full / seed width", 3}};
  for (const auto& e : effects)
    t.rows.push_back({metric, static_cast<double>(e.step), static_cast<double>(e.members),
                      static_cast<double>(e.replicates), e.mean, e.full_low, e.full_high, e.seed_low, e.seed_high,
                      e.mean_low, e.mean_high, (e.full_high - e.full_low) / (e.seed_high - e.seed_low)});
  return t;
}

}  // namespace

double percentile(std::vector<double> xs, double q) {
  if (xs.empty()) return nan;
  std::sort(xs.begin(), xs.end());
  const double h = q * static_cast<double>(xs.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, xs.size() - 1);
  return xs[lo] + (h - static_cast<double>(lo)) * (xs[hi] - xs[lo]);
}

PairedEffect paired_effect(const std::vector<std::vector<double>>& a, const std::vector<std::vector<double>>& b) {
  PairedEffect e;
  e.members = a.size();
  e.replicates = a.empty() ? 0 : a.front().size();
  std::vector<double> member_means;
  double within = 0;  // sum of squared deviations of replicate differences from their member's mean
  for (std::size_t m = 0; m < a.size(); ++m) {
    std::vector<double> d;
    for (std::size_t r = 0; r < a[m].size(); ++r) d.push_back(b[m][r] - a[m][r]);
    const double mean = stats::mean(d);
    for (double x : d) within += (x - mean) * (x - mean);
    member_means.push_back(mean);
  }
  const stats::Summary s = stats::summarize(member_means);
  e.mean = s.mean;
  e.mean_low = s.ci_low;
  e.mean_high = s.ci_high;
  e.full_low = percentile(member_means, 0.025);
  e.full_high = percentile(member_means, 0.975);
  const double df = static_cast<double>(e.members * (e.replicates - 1));
  if (e.replicates >= 2 && e.members >= 1) {
    const double half = stats::t_quantile(0.975, df) * std::sqrt(within / df / static_cast<double>(e.replicates));
    e.seed_low = e.mean - half;
    e.seed_high = e.mean + half;
  } else {
    e.seed_low = e.seed_high = nan;
  }
  return e;
}

CompareResult compare_sweep_dirs(const std::string& dir_a, const std::string& dir_b, const std::string& metric,
                                 const std::vector<std::optional<std::uint32_t>>& steps) {
  const auto names_a = member_names(dir_a), names_b = member_names(dir_b);
  check_pairing(dir_a, names_a, dir_b, names_b);
  CompareResult out;
  std::vector<MetricData> a, b;
  std::size_t unpaired_seeds = 0;
  for (const auto& name : names_a) {
    const std::string pa = (fs::path(dir_a) / (name + ".h5")).string(),
                      pb = (fs::path(dir_b) / (name + ".h5")).string();
    a.push_back(read_metric(pa, metric));
    b.push_back(read_metric(pb, metric));
    if (a.back().replicates != b.back().replicates || a.back().points != b.back().points)
      throw InputError(pb + ": has " + std::to_string(b.back().replicates) + " replicates and " +
                       std::to_string(b.back().points - 1) + " steps, " + pa + " has " +
                       std::to_string(a.back().replicates) + " and " + std::to_string(a.back().points - 1) +
                       "; paired members need the same replicates and steps");
    if (a.back().replicates != a.front().replicates)
      throw InputError(pa + ": members have different replicate counts; the seed-only interval needs equal counts");
    if (read_output_info(pa).seed != read_output_info(pb).seed) ++unpaired_seeds;
  }
  if (unpaired_seeds)
    out.warnings.push_back(std::to_string(unpaired_seeds) + " of " + std::to_string(names_a.size()) +
                           " member pairs have different seeds: their differences include seed noise twice over "
                           "(common random numbers need the same sweep seed and samples)");
  std::vector<PairedEffect> effects;
  for (const auto& at : steps.empty() ? std::vector<std::optional<std::uint32_t>>{std::nullopt} : steps) {
    const std::size_t step = at ? *at : a.front().points - 1;
    if (step >= a.front().points)
      throw InputError("--at " + std::to_string(step) + ": the members have steps 0 to " +
                       std::to_string(a.front().points - 1));
    std::vector<std::vector<double>> xa, xb;
    for (std::size_t m = 0; m < a.size(); ++m) {
      xa.push_back(at_step(a[m], step));
      xb.push_back(at_step(b[m], step));
    }
    PairedEffect e = paired_effect(xa, xb);
    e.step = static_cast<std::uint32_t>(step);
    effects.push_back(e);
  }
  if (a.front().replicates < 2)
    out.warnings.push_back("one replicate per member: the seed-only interval needs at least 2");
  out.table = effect_table(metric, effects);
  out.text_groups = {
      {"step", "members", "replicates", "difference", "full_low", "full_high", "seed_low", "seed_high", "width_ratio"},
      {"step", "mean_low", "mean_high"}};
  out.title = metric + ": " + dir_b + " - " + dir_a + ", paired over " + std::to_string(names_a.size()) +
              " members (parameters + seeds: 2.5-97.5th percentiles of member differences; seeds only: t interval "
              "from the within-member spread)";
  out.meta_json =
      "{\"metric\": " + json_string(metric) + ", \"a\": " + json_string(dir_a) + ", \"b\": " + json_string(dir_b) + "}";
  return out;
}

}  // namespace gs
