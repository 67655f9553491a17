// Bass diffusion on a network. Bass (1969), "A new product growth for model
// consumer durables", Management Science 15: 215-227: adoption comes from
// innovation (coefficient p, independent of others) and imitation
// (coefficient q, times the share who have adopted). On a network the share
// is that of a node's own neighbours.
//
// One step, synchronous: every node that has not adopted adopts with
// probability p + q * (adopted neighbours / neighbours) at the start of the
// step (p alone for a node with no neighbours); adopters never revert. On a
// complete graph the mean share follows F(t+1) = F(t) + (1 - F(t))(p + q F(t)).
// Docs: docs/models/bass.md.
#include <algorithm>

#include "sim/core/random.hpp"
#include "sim/engine/model.hpp"
#include "sim/engine/neighbour_counts.hpp"

namespace gs {
namespace {

enum : Purpose { adopt_draw = 1 };

class Bass final : public Model {
 public:
  Bass(const ParamValues& params, const World& world)
      : graph_(world.graph),
        p_(params.real("p")),
        q_(params.real("q")),
        adopted_(graph_.nodes()),
        adopts_(graph_.nodes()),
        adopted_neighbours_(graph_) {}

  void initialise(const StepContext&) override {  // nobody has adopted at t = 0
    std::fill(adopted_.begin(), adopted_.end(), 0);
    adopted_neighbours_.clear();
    adopted_count_ = 0;
  }

  void step(const StepContext& ctx) override {
    const auto n = static_cast<std::int64_t>(graph_.nodes());
    std::int64_t newly = 0;
#pragma omp parallel for schedule(static, 4096) reduction(+ : newly) if (n >= min_parallel_agents)
    for (std::int64_t v = 0; v < n; ++v) {
      adopts_[v] = 0;
      if (adopted_[v]) continue;
      const std::uint32_t k = graph_.degree(static_cast<NodeId>(v));
      const double share = k ? static_cast<double>(adopted_neighbours_[static_cast<NodeId>(v)]) / k : 0.0;
      adopts_[v] = Stream(ctx.seed, ctx.replicate, ctx.step, static_cast<std::uint32_t>(v), adopt_draw)
                       .bernoulli(p_ + q_ * share);
      newly += adopts_[v];
    }
#pragma omp parallel for schedule(dynamic, 4096) if (n >= min_parallel_agents)
    for (std::int64_t v = 0; v < n; ++v) {
      if (!adopts_[v]) continue;
      adopted_[v] = 1;
      adopted_neighbours_.change_concurrently(static_cast<NodeId>(v), +1);  // integer adds: thread-order free
    }
    adopted_count_ += newly;
  }

  void measure(std::span<double> out) const override {
    const auto n = static_cast<double>(graph_.nodes());
    out[0] = n > 0 ? static_cast<double>(adopted_count_) / n : 0.0;
  }

  std::vector<StateArray> state_arrays() override { return {{"adopted", adopted_.data(), adopted_.size()}}; }
  void restored() override {  // after a checkpoint: recount what derives from adopted_
    adopted_neighbours_.recount([&](NodeId v) { return adopted_[v] != 0; });
    adopted_count_ = std::count(adopted_.begin(), adopted_.end(), std::uint8_t{1});
  }

 private:
  const Graph& graph_;
  double p_, q_;
  std::vector<std::uint8_t> adopted_, adopts_;
  NeighbourCounts adopted_neighbours_;
  std::int64_t adopted_count_ = 0;
};

std::vector<ParamSpec> bass_params() {
  // Parameter declarations read as a table, one per entry.
  // clang-format off
  return {
      ParamSpec::real("p", 0.03).range(0, 1).units("per step")
          .describe("Coefficient of innovation: chance per step of adopting with no adopting neighbours"),
      ParamSpec::real("q", 0.38).range(0, 1).units("per step")
          .describe("Coefficient of imitation: added chance per step when every neighbour has adopted"),
  };
  // clang-format on
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_MODEL(bass, "bass", "Bass (1969) diffusion on a network: innovation p plus imitation q",
                           gs::bass_params(), {{"adopted", "Share of nodes that have adopted", "share"}},
                           [](const gs::ParamValues& p, const gs::World& w) -> std::unique_ptr<gs::Model> {
                             return std::make_unique<gs::Bass>(p, w);
                           })
