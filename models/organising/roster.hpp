#pragma once
// The organisers of one replicate, as parallel arrays indexed by organiser:
// first the single-cohort form's organisers.count, then each listed cohort in
// order, then volunteer organisers recruited from leaders during the run.
// Placement draws are keyed by organiser index, so the first N organisers of
// a larger scenario sit where the N of a smaller one do.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "sim/core/random.hpp"
#include "sim/engine/model.hpp"

namespace gs::organising {

inline constexpr std::uint32_t none = UINT32_MAX;

struct Kind {
  double rate;
  std::int64_t training;
  double turnover;
  std::int64_t to_recruit;
};

struct CohortPlan {
  std::int64_t count;
  bool volunteer;
  double rate;
  std::uint32_t start, training, active;  // active 0: no end
  double turnover;
  std::int64_t recruits;  // volunteer organisers each aims to recruit
};

inline double weekly_hazard(double per_year) { return per_year >= 1 ? 1.0 : -std::log1p(-per_year) / 52.0; }

inline std::vector<CohortPlan> cohort_plans(const ParamValues& p) {
  auto kind = [&](const std::string& k) {
    const std::string at = "kinds." + k + ".";
    return Kind{p.real(at + "one_to_ones_per_step"), p.integer(at + "training_steps"), p.real(at + "turnover_per_year"),
                p.integer(at + "volunteers_to_recruit")};
  };
  std::vector<CohortPlan> plans;
  // The single-cohort form behaves as the first version of the model: full
  // capacity from week 1, no turnover, no recruiting of volunteer organisers.
  plans.push_back({p.integer("organisers.count"), false, p.real("organisers.one_to_ones_per_step"), 0, 0, 0, 0.0, 0});
  for (const ParamValues& c : p.records("organisers.cohorts")) {
    const bool volunteer = c.text("kind") == "volunteer";
    const Kind k = kind(volunteer ? "volunteer" : "paid");
    const double rate = c.real("one_to_ones_per_step");
    const std::int64_t training = c.integer("training_steps");
    const double turnover = c.real("turnover_per_year");
    plans.push_back(
        {c.integer("count"), volunteer, rate < 0 ? k.rate : rate, static_cast<std::uint32_t>(c.integer("start_step")),
         static_cast<std::uint32_t>(training < 0 ? k.training : training),
         static_cast<std::uint32_t>(c.integer("active_steps")), turnover < 0 ? k.turnover : turnover, k.to_recruit});
  }
  return plans;
}

// Where organiser number o is based. Everything the draws depend on is fixed
// per replicate, so placement is the same whatever else the scenario changes.
class Placement {
 public:
  enum : Purpose { place_organiser = 101, choose_regions = 102 };

  Placement(const ParamValues& p, const Population& pop, std::size_t citizens)
      : pop_(pop),
        citizens_(citizens),
        rule_(p.text("organisers.placement")),
        regions_(static_cast<std::uint64_t>(p.integer("organisers.regions"))),
        cap_(static_cast<std::uint32_t>(
            std::min<std::int64_t>(p.integer("organisers.max_per_neighbourhood"), UINT32_MAX))) {}

  void reset(std::uint64_t seed, std::uint32_t replicate) {
    seed_ = seed;
    replicate_ = replicate;
    const std::size_t hoods = pop_.neighbourhoods();
    based_.assign(hoods, 0);
    eligible_.clear();
    cumulative_.clear();
    if (rule_ == "most_deprived_first") {
      eligible_.resize(hoods);
      std::iota(eligible_.begin(), eligible_.end(), 0u);
      std::stable_sort(eligible_.begin(), eligible_.end(),
                       [&](std::uint32_t a, std::uint32_t b) { return pop_.deprivation[a] > pop_.deprivation[b]; });
    } else if (rule_ == "concentrated") {
      // Choose regions by a partial shuffle of region ids, then allow their
      // neighbourhoods, weighted by population.
      std::uint32_t region_count = 0;
      for (std::uint32_t r : pop_.region) region_count = std::max(region_count, r + 1);
      std::vector<std::uint32_t> ids(region_count);
      std::iota(ids.begin(), ids.end(), 0u);
      const std::uint64_t take = std::min<std::uint64_t>(regions_, region_count);
      Stream rng(seed, replicate, 0, 0, choose_regions);
      for (std::uint64_t i = 0; i < take; ++i) std::swap(ids[i], ids[i + rng.below(region_count - i)]);
      std::vector<std::uint8_t> chosen(region_count, 0);
      for (std::uint64_t i = 0; i < take; ++i) chosen[ids[i]] = 1;
      std::uint64_t total = 0;
      for (std::uint32_t h = 0; h < hoods; ++h) {
        if (!chosen[pop_.region[h]]) continue;
        eligible_.push_back(h);
        total += pop_.neighbourhood_start[h + 1] - pop_.neighbourhood_start[h];
        cumulative_.push_back(total);
      }
    }
  }

  std::uint32_t place(std::uint32_t o) {
    std::uint32_t h = draw(o, 0);
    if (cap_ > 0 && based_[h] >= cap_) h = find_room(o, h);
    ++based_[h];
    return h;
  }

  void add_recruit(std::uint32_t h) { ++based_[h]; }
  // Organisers ever based in neighbourhood h (cohorts and recruits).
  std::uint32_t based(std::uint32_t h) const { return based_[h]; }

 private:
  std::uint32_t draw(std::uint32_t o, std::uint32_t attempt) const {
    Stream rng(seed_, replicate_, attempt, o, place_organiser);
    if (rule_ == "uniform") return static_cast<std::uint32_t>(rng.below(pop_.neighbourhoods()));
    if (rule_ == "most_deprived_first") return eligible_[(o + attempt) % eligible_.size()];
    if (rule_ == "concentrated") {
      const std::uint64_t person = rng.below(cumulative_.back());
      const auto at = std::upper_bound(cumulative_.begin(), cumulative_.end(), person) - cumulative_.begin();
      return eligible_[static_cast<std::size_t>(at)];
    }
    return pop_.neighbourhood[rng.below(citizens_)];  // proportional: a random citizen's home
  }

  // Redraw a few times, then take the next neighbourhood with room in the
  // rule's own order; when every eligible one is full the cap is ignored.
  std::uint32_t find_room(std::uint32_t o, std::uint32_t full) const {
    if (rule_ == "most_deprived_first") {
      for (std::size_t i = 0; i < eligible_.size(); ++i) {
        const std::uint32_t h = eligible_[(o + i) % eligible_.size()];
        if (based_[h] < cap_) return h;
      }
      return full;
    }
    for (std::uint32_t attempt = 1; attempt <= 32; ++attempt) {
      const std::uint32_t h = draw(o, attempt);
      if (based_[h] < cap_) return h;
    }
    if (eligible_.empty()) {
      const std::size_t hoods = pop_.neighbourhoods();
      for (std::size_t i = 1; i < hoods; ++i) {
        const auto h = static_cast<std::uint32_t>((full + i) % hoods);
        if (based_[h] < cap_) return h;
      }
      return full;
    }
    const auto start = std::find(eligible_.begin(), eligible_.end(), full) - eligible_.begin();
    for (std::size_t i = 1; i < eligible_.size(); ++i) {
      const std::uint32_t h = eligible_[(static_cast<std::size_t>(start) + i) % eligible_.size()];
      if (based_[h] < cap_) return h;
    }
    return full;
  }

 public:
  std::vector<std::uint32_t>& occupancy() { return based_; }  // for checkpoints

 private:
  const Population& pop_;
  std::size_t citizens_;
  std::string rule_;
  std::uint64_t regions_;
  std::uint32_t cap_;
  std::uint64_t seed_ = 0;
  std::uint32_t replicate_ = 0;
  std::vector<std::uint32_t> based_;  // organisers per neighbourhood
  std::vector<std::uint32_t> eligible_;  // neighbourhoods in the rule's order
  std::vector<std::uint64_t> cumulative_;
};

// Organisers as parallel arrays. Each organiser also keeps a short list of
// the people they are developing (people from their one-to-ones who took
// part): `circle` holds circle_size citizen ids per organiser, `none` if free.
struct Roster {
  static constexpr std::size_t circle_size = 8;
  std::vector<std::uint32_t> home, start, ramp, end, pending, circle;
  std::vector<float> rate, quit_hazard;
  std::vector<std::uint16_t> to_recruit;
  std::vector<std::uint8_t> volunteer, gone;
  std::size_t from_cohorts = 0;

  void clear() {
    for (auto* v : {&home, &start, &ramp, &end, &pending, &circle}) v->clear();
    rate.clear();
    quit_hazard.clear();
    to_recruit.clear();
    volunteer.clear();
    gone.clear();
  }
  void reserve(std::size_t n) {
    for (auto* v : {&home, &start, &ramp, &end, &pending}) v->reserve(n);
    circle.reserve(n * circle_size);
    rate.reserve(n);
    quit_hazard.reserve(n);
    to_recruit.reserve(n);
    volunteer.reserve(n);
    gone.reserve(n);
  }
  void add(std::uint32_t h, const CohortPlan& c) {
    home.push_back(h);
    start.push_back(c.start);
    ramp.push_back(c.training);
    end.push_back(c.active > 0 ? c.start + c.active : UINT32_MAX);
    pending.push_back(none);
    circle.insert(circle.end(), circle_size, none);
    rate.push_back(static_cast<float>(c.rate));
    quit_hazard.push_back(static_cast<float>(weekly_hazard(c.turnover)));
    to_recruit.push_back(static_cast<std::uint16_t>(std::clamp<std::int64_t>(c.recruits, 0, 65535)));
    volunteer.push_back(c.volunteer);
    gone.push_back(0);
  }
  std::size_t size() const { return home.size(); }

  // Share of full capacity in step t: 0 before the start, after the term or
  // after leaving; rising linearly over the ramp-up.
  double capacity(std::size_t o, std::uint32_t t) const {
    if (gone[o] || t <= start[o] || t > end[o]) return 0.0;
    return std::min(1.0, static_cast<double>(t - start[o]) / (ramp[o] + 1.0));
  }
};

}  // namespace gs::organising
