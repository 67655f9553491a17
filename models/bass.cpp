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
#include "sim/engine/stream_batches.hpp"

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
        adopted_neighbours_(graph_) {}

  void initialise(const StepContext&) override {  // nobody has adopted at t = 0
    std::fill(adopted_.begin(), adopted_.end(), 0);
    adopted_neighbours_.clear();
    adopted_count_ = 0;
    list_waiting();
  }

  // Only nodes that have not adopted draw, so a step costs the nodes still
  // waiting, not the graph: late in a diffusion most have adopted. Each
  // node's draw is keyed by the node, so skipping adopters changes no result.
  void step(const StepContext& ctx) override {
    const std::span<const NodeId> waiting = waiting_;
    adopts_.resize(waiting.size());
    for_each_stream<1>(StreamKey{ctx.seed, ctx.replicate, ctx.step, adopt_draw}, waiting,
                       [&](std::size_t i, BlockStream& rng) {
                         const NodeId v = waiting[i];
                         const std::uint32_t k = graph_.degree(v);
                         const double share = k ? static_cast<double>(adopted_neighbours_[v]) / k : 0.0;
                         adopts_[i] = rng.bernoulli(p_ + q_ * share);
                       });
    // Apply the decisions (all made on the state at the start of the step).
    newly_.resize(waiting.size());
    NodeId* const list = waiting_.data();
    NodeId* const newly = newly_.data();
    const std::uint8_t* const adopts = adopts_.data();
    std::size_t kept = 0, adopters = 0;
    for (std::size_t i = 0; i < waiting_.size(); ++i) {  // without branches: adoption is as good as random
      const NodeId v = list[i];
      list[kept] = v;
      newly[adopters] = v;
      kept += 1u - adopts[i];
      adopters += adopts[i];
    }
    waiting_.resize(kept);
    newly_.resize(adopters);
    for (const NodeId v : newly_) adopted_[v] = 1;
    const auto n = static_cast<std::int64_t>(adopters);
    if (n >= min_parallel_agents) {
#pragma omp parallel for schedule(dynamic, 4096)
      for (std::int64_t i = 0; i < n; ++i)  // integer adds: thread-order free
        adopted_neighbours_.change_concurrently(newly_[static_cast<std::size_t>(i)], +1);
    } else {
      adopted_neighbours_.change(newly_, +1);
    }
    adopted_count_ += n;
  }

  void measure(std::span<double> out) const override {
    const auto n = static_cast<double>(graph_.nodes());
    out[0] = n > 0 ? static_cast<double>(adopted_count_) / n : 0.0;
  }

  std::vector<StateArray> state_arrays() override { return {{"adopted", adopted_.data(), adopted_.size()}}; }
  void restored() override {  // after a checkpoint: recount what derives from adopted_
    adopted_neighbours_.recount([&](NodeId v) { return adopted_[v] != 0; });
    adopted_count_ = std::count(adopted_.begin(), adopted_.end(), std::uint8_t{1});
    list_waiting();
  }

 private:
  void list_waiting() {
    waiting_.clear();
    for (NodeId v = 0; v < graph_.nodes(); ++v)
      if (!adopted_[v]) waiting_.push_back(v);
  }

  const Graph& graph_;
  double p_, q_;
  std::vector<std::uint8_t> adopted_;
  using NodeList = std::vector<NodeId, UninitialisedAllocator<NodeId>>;  // resized without writes
  NodeList waiting_;  // the nodes that have not adopted, in increasing order
  NodeList newly_;  // the nodes that adopted in this step
  std::vector<std::uint8_t> adopts_;  // adopts_[i]: waiting_[i] adopts in this step
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
