// Threshold contagion. Watts (2002), "A simple model of global cascades on
// random networks", PNAS 99: 5766-5771: an inactive node becomes active once
// the fraction of its active neighbours reaches phi. Centola & Macy (2007),
// "Complex contagions and the weakness of long ties", AJS 113: 702-734: it
// needs an absolute number `count` of active neighbours instead. Active nodes
// stay active; nodes with no neighbours never activate.
//
// One step, synchronous: every inactive node compares its active neighbours at
// the start of the step with what it needs; those that qualify all become
// active together at the end of the step. (The rule is monotone, so the final
// state is the same as with Watts's asynchronous updates.)
// Docs: docs/models/threshold.md.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "sim/core/random.hpp"
#include "sim/engine/model.hpp"
#include "sim/engine/neighbour_counts.hpp"

namespace gs {
namespace {

enum : Purpose { pick_seed = 1, break_ties = 2 };

std::vector<ParamSpec> threshold_params() {
  // Parameter declarations read as a table, one per entry.
  // clang-format off
  return {
      ParamSpec::real("phi", 0.18).range(0, 1)
          .describe("Fraction of neighbours that must be active (Watts 2002); used when count is 0"),
      ParamSpec::integer("count", 0).range(0, 1000000)
          .describe("Number of active neighbours needed (Centola-Macy); 0 means use phi"),
      ParamSpec::integer("seeding.count", 1).range(0, 4000000000.0).scales()
          .describe("Initially active nodes; with strategy cluster, the number of focal nodes"),
      ParamSpec::choice("seeding.strategy", "random", {"random", "cluster", "highest_degree"})
          .describe("random: uniformly chosen nodes; cluster: random nodes and all their neighbours; "
                    "highest_degree: the best-connected nodes (ties broken at random)"),
  };
  // clang-format on
}

class Threshold final : public Model {
 public:
  Threshold(const ParamValues& p, const World& world)
      : graph_(world.graph),
        phi_(p.real("phi")),
        count_(p.integer("count")),
        seeds_(static_cast<std::uint64_t>(p.integer("seeding.count"))),
        strategy_(p.text("seeding.strategy")),
        active_(graph_.nodes()),
        active_neighbours_(graph_),
        frontier_(graph_.nodes()) {}

  // Active neighbours node v needs. Watts's "fraction >= phi" in integers:
  // ceil(phi*k) with a tolerance, so that phi = 0.2, k = 5 needs 1, not 2
  // (0.2*5 is 1.0000000000000002 in floating point). At least one always.
  std::int64_t needed(NodeId v) const {
    if (count_ > 0) return count_;
    const auto k = static_cast<double>(graph_.degree(v));
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(phi_ * k - 1e-12)));
  }

  void initialise(const StepContext& ctx) override {
    std::fill(active_.begin(), active_.end(), 0);
    active_neighbours_.clear();
    just_activated_ = initial_seeds(ctx);
    activate(just_activated_);
    active_count_ = static_cast<std::int64_t>(just_activated_.size());
    newly_active_ = active_count_;
    recheck_everyone_ = false;
  }

  // Counts only grow when a neighbour activates, so a node that could not
  // activate last step can now only if a neighbour has just activated: a step
  // looks at the inactive neighbours of last step's new activations alone.
  void step(const StepContext&) override {
    if (just_activated_.empty() && !recheck_everyone_) return;
    frontier_.clear();
    auto waiting = [&](NodeId u) { return !active_[u]; };
    if (recheck_everyone_) {  // after a checkpoint, which does not keep the list
      for (NodeId v = 0; v < graph_.nodes(); ++v)
        if (waiting(v)) frontier_.add(v);
      recheck_everyone_ = false;
    }
    frontier_.add_neighbours(graph_, just_activated_, waiting);
    just_activated_.clear();
    for (NodeId v : frontier_.nodes())
      if (graph_.degree(v) > 0 && active_neighbours_[v] >= needed(v)) just_activated_.push_back(v);
    activate(just_activated_);
    newly_active_ = static_cast<std::int64_t>(just_activated_.size());
    active_count_ += newly_active_;
  }

  void measure(std::span<double> out) const override {
    const auto n = static_cast<double>(graph_.nodes());
    out[0] = n > 0 ? static_cast<double>(active_count_) / n : 0.0;
  }

  std::vector<StateArray> state_arrays() override {
    return {state_vector("active", active_), state_value("active_count", active_count_),
            state_value("newly_active", newly_active_)};
  }
  void restored() override {
    active_neighbours_.recount([&](NodeId v) { return active_[v] != 0; });
    just_activated_.clear();
    recheck_everyone_ = newly_active_ > 0;
  }

 private:
  void activate(std::span<const NodeId> nodes) {
    for (NodeId v : nodes) active_[v] = 1;
    active_neighbours_.change(nodes, +1);
  }

  std::vector<NodeId> initial_seeds(const StepContext& ctx) const {
    const std::size_t n = graph_.nodes();
    const std::size_t wanted = std::min<std::uint64_t>(seeds_, n);
    std::vector<NodeId> chosen;
    if (strategy_ == "highest_degree") {
      std::vector<std::pair<std::uint64_t, NodeId>> order(n);  // (random tie-break, node)
      for (std::size_t v = 0; v < n; ++v)
        order[v] = {Stream(ctx.seed, ctx.replicate, 0, static_cast<NodeId>(v), break_ties).below(UINT64_MAX),
                    static_cast<NodeId>(v)};
      std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(wanted), order.end(),
                        [&](const auto& a, const auto& b) {
                          const auto da = graph_.degree(a.second), db = graph_.degree(b.second);
                          return da != db ? da > db : a.first < b.first;
                        });
      for (std::size_t i = 0; i < wanted; ++i) chosen.push_back(order[i].second);
      return chosen;
    }
    // Distinct uniformly random nodes, drawn one after another from one
    // stream, so a larger seeding.count keeps the seeds of a smaller one.
    std::vector<std::uint8_t> taken(n, 0);
    Stream rng(ctx.seed, ctx.replicate, 0, 0, pick_seed);
    while (chosen.size() < wanted) {
      const auto v = static_cast<NodeId>(rng.below(n));
      if (taken[v]) continue;
      taken[v] = 1;
      chosen.push_back(v);
    }
    if (strategy_ == "cluster") {  // each focal node brings its whole neighbourhood
      for (std::size_t i = 0, focal = chosen.size(); i < focal; ++i)
        for (NodeId u : graph_.neighbours(chosen[i]))
          if (!taken[u]) {
            taken[u] = 1;
            chosen.push_back(u);
          }
    }
    return chosen;
  }

  const Graph& graph_;
  double phi_;
  std::int64_t count_;
  std::uint64_t seeds_;
  std::string strategy_;
  std::vector<std::uint8_t> active_;
  NeighbourCounts active_neighbours_;
  Frontier frontier_;
  std::vector<NodeId> just_activated_;  // the nodes the last step (or the seeding) activated
  bool recheck_everyone_ = false;
  std::int64_t active_count_ = 0, newly_active_ = 0;
};

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_MODEL(threshold, "threshold",
                           "Threshold contagion: fractional (Watts 2002) or absolute count (Centola-Macy 2007)",
                           gs::threshold_params(), {{"active", "Share of nodes active", "share"}},
                           [](const gs::ParamValues& p, const gs::World& w) -> std::unique_ptr<gs::Model> {
                             return std::make_unique<gs::Threshold>(p, w);
                           })
