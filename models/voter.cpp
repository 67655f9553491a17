// The voter model. Clifford & Sudbury (1973), "A model for spatial conflict",
// Biometrika 60: 581-588; Holley & Liggett (1975), Annals of Probability 3:
// 643-663. Each person holds opinion A or B and, with no conviction of their
// own, copies the opinion of someone they know.
//
// One step, synchronous: every person with at least one tie picks one of
// their neighbours uniformly at random and takes the opinion that neighbour
// held at the start of the step. A share `initial_share` start with A, each
// independently. Nothing but ties moves opinions, so on a connected graph
// that is not bipartite the population ends in consensus, and the chance that
// it is A is the degree-weighted share of A at the start (the mean of
// neighbours' opinions is a martingale); on a graph where everyone has the
// same number of ties, simply the share of A (tests/test_voter.cpp checks it).
// Docs: docs/writing-a-model.md ("A second worked example").
#include <algorithm>

#include "sim/core/random.hpp"
#include "sim/engine/model.hpp"

namespace gs {
namespace {

enum : Purpose { initial_opinion = 1, whom_to_copy = 2 };

class Voter final : public Model {
 public:
  Voter(const ParamValues& params, const World& world)
      : graph_(world.graph),
        initial_share_(params.real("initial_share")),
        holds_a_(graph_.nodes()),
        next_(graph_.nodes()) {}

  void initialise(const StepContext& ctx) override {
    for (std::size_t v = 0; v < graph_.nodes(); ++v)
      holds_a_[v] =
          Stream(ctx.seed, ctx.replicate, 0, static_cast<std::uint32_t>(v), initial_opinion).bernoulli(initial_share_);
  }

  void step(const StepContext& ctx) override {
    const auto n = static_cast<std::int64_t>(graph_.nodes());
#pragma omp parallel for schedule(static, 4096) if (n >= min_parallel_agents)
    for (std::int64_t v = 0; v < n; ++v) {
      const auto neighbours = graph_.neighbours(static_cast<NodeId>(v));
      if (neighbours.empty()) {  // nobody to copy: keeps their own
        next_[v] = holds_a_[v];
        continue;
      }
      Stream rng(ctx.seed, ctx.replicate, ctx.step, static_cast<std::uint32_t>(v), whom_to_copy);
      const NodeId copied = neighbours[rng.below32(static_cast<std::uint32_t>(neighbours.size()))];
      next_[v] = holds_a_[copied];
    }
    holds_a_.swap(next_);  // everyone changes at once: a synchronous update
  }

  void measure(std::span<double> out) const override {
    const double n = static_cast<double>(graph_.nodes());
    const auto a = std::count(holds_a_.begin(), holds_a_.end(), 1);
    out[0] = n > 0 ? static_cast<double>(a) / n : 0.0;
    // Ties whose two ends disagree: the "active interface" of the voter
    // model, which reaches 0 exactly at consensus.
    std::uint64_t disagreeing = 0;
    for (std::size_t v = 0; v < graph_.nodes(); ++v)
      for (NodeId u : graph_.neighbours(static_cast<NodeId>(v))) disagreeing += holds_a_[u] != holds_a_[v];
    const auto ties = static_cast<double>(graph_.directed_edges());
    out[1] = ties > 0 ? static_cast<double>(disagreeing) / ties : 0.0;
  }

  std::vector<StateArray> state_arrays() override { return {{"holds_a", holds_a_.data(), holds_a_.size()}}; }

 private:
  const Graph& graph_;
  double initial_share_;
  std::vector<std::uint8_t> holds_a_, next_;
};

std::vector<ParamSpec> voter_params() {
  return {ParamSpec::real("initial_share", 0.5)
              .range(0, 1)
              .units("share")
              .describe("Share of people who start with opinion A, each drawn independently")};
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_MODEL(voter, "voter", "Voter model (Clifford & Sudbury 1973): copy a random neighbour's opinion",
                           gs::voter_params(),
                           {{"opinion_a", "Share of people holding opinion A", "share"},
                            {"disagreeing_ties", "Share of ties whose two ends hold different opinions", "share"}},
                           [](const gs::ParamValues& p, const gs::World& w) -> std::unique_ptr<gs::Model> {
                             return std::make_unique<gs::Voter>(p, w);
                           })
