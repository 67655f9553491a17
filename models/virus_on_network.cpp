// Virus on a Network. Stonedahl & Wilensky (2008), NetLogo model "Virus on a
// Network", and its Mesa example `virus_on_network`, with Mesa's parameter
// names and chances as probabilities. Nodes are susceptible, infected or
// resistant. Infected nodes try to infect each susceptible neighbour; now and
// then (virus_check_frequency) they check themselves and may recover
// (recovery_chance); a recovered node becomes resistant (gain_resistance_chance)
// or susceptible again.
//
// One step, synchronous, every decision made on the state at the start of the step:
//   1. a susceptible node with m infected neighbours is infected with
//      probability 1 - (1 - virus_spread_chance)^m (one independent try per edge);
//   2. each node infected at the start of the step, with probability
//      virus_check_frequency, checks: with probability recovery_chance it
//      recovers, then becomes resistant with probability gain_resistance_chance,
//      susceptible otherwise. Nodes infected in this step do not check until the next.
// So every infection transmits at least once before it can end (Mesa's order,
// "transmit, then recover"). With gamma = virus_check_frequency * recovery_chance
// and beta = virus_spread_chance, the chance an infected node ever infects a
// given susceptible neighbour is T = beta / (beta + gamma - beta * gamma).
// Docs: docs/models/virus_on_network.md.
#include <algorithm>
#include <cmath>

#include "sim/core/random.hpp"
#include "sim/engine/model.hpp"
#include "sim/engine/neighbour_counts.hpp"
#include "sim/engine/stream_batches.hpp"

namespace gs {
namespace {

enum Health : std::uint8_t { susceptible = 0, infected = 1, resistant = 2 };
enum : Purpose { pick_outbreak = 1, node_draws = 2 };

std::vector<ParamSpec> virus_params() {
  // Parameter declarations read as a table, one per entry.
  // clang-format off
  return {
      ParamSpec::integer("initial_outbreak_size", 1).range(0, 4000000000.0).scales()
          .describe("Nodes infected at the start, chosen at random"),
      ParamSpec::real("virus_spread_chance", 0.4).range(0, 1).units("per step")
          .describe("Chance an infected node infects a given susceptible neighbour in a step"),
      ParamSpec::real("virus_check_frequency", 0.4).range(0, 1).units("per step")
          .describe("Chance an infected node checks for recovery in a step"),
      ParamSpec::real("recovery_chance", 0.3).range(0, 1)
          .describe("Chance a check ends the infection"),
      ParamSpec::real("gain_resistance_chance", 0.5).range(0, 1)
          .describe("Chance a recovered node becomes resistant (otherwise susceptible again)"),
  };
  // clang-format on
}

class VirusOnNetwork final : public Model {
 public:
  VirusOnNetwork(const ParamValues& p, const World& world)
      : graph_(world.graph),
        outbreak_(static_cast<std::uint64_t>(p.integer("initial_outbreak_size"))),
        spread_(p.real("virus_spread_chance")),
        check_(p.real("virus_check_frequency")),
        recover_(p.real("recovery_chance")),
        resist_(p.real("gain_resistance_chance")),
        chance_by_count_(chances_by_count(spread_)),
        health_(graph_.nodes()),
        infected_neighbours_(graph_),
        frontier_(graph_.nodes()) {}

  void initialise(const StepContext& ctx) override {
    std::fill(health_.begin(), health_.end(), susceptible);
    infected_neighbours_.clear();
    infected_.clear();
    const std::size_t n = graph_.nodes();
    const std::uint64_t outbreak = std::min<std::uint64_t>(outbreak_, n);
    Stream rng(ctx.seed, ctx.replicate, 0, 0, pick_outbreak);
    while (infected_.size() < outbreak) {
      const auto v = static_cast<NodeId>(rng.below(n));
      if (health_[v] == infected) continue;
      health_[v] = infected;
      infected_neighbours_.change(v, +1);
      infected_.push_back(v);
    }
    count_[susceptible] = static_cast<std::int64_t>(n - outbreak);
    count_[infected] = static_cast<std::int64_t>(outbreak);
    count_[resistant] = 0;
  }

  // Only infected nodes and their susceptible neighbours can change, so a
  // step looks at those alone: it costs the size of the epidemic, not of the
  // graph. Each node's draws are keyed by the node, so skipping the others
  // changes no result.
  void step(const StepContext& ctx) override {
    frontier_.clear();
    frontier_.add_with_neighbours(graph_, infected_, [&](NodeId u) { return health_[u] == susceptible; });
    const std::span<const NodeId> nodes = frontier_.nodes();
    next_.resize(nodes.size());
    // A node draws at most three uniforms, two Philox blocks' worth.
    for_each_stream<2>(StreamKey{ctx.seed, ctx.replicate, ctx.step, node_draws}, nodes,
                       [&](std::size_t i, BlockStream& rng) { next_[i] = next_health(nodes[i], rng); });
    // Every decision above read the state at the start of the step; now apply them.
    infected_.clear();
    newly_infected_.clear();
    no_longer_infected_.clear();
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const NodeId v = nodes[i];
      const auto was = static_cast<Health>(health_[v]), is = next_[i];
      if (is == infected) infected_.push_back(v);
      if (was == is) continue;
      if (is == infected) newly_infected_.push_back(v);
      if (was == infected) no_longer_infected_.push_back(v);
      health_[v] = is;
      --count_[was];
      ++count_[is];
    }
    infected_neighbours_.change(newly_infected_, +1);
    infected_neighbours_.change(no_longer_infected_, -1);
  }

  void measure(std::span<double> out) const override {
    const auto n = static_cast<double>(graph_.nodes());
    for (int h = 0; h < 3; ++h) out[h] = n > 0 ? static_cast<double>(count_[h]) / n : 0.0;
  }

  std::vector<StateArray> state_arrays() override { return {{"health", health_.data(), health_.size()}}; }
  void restored() override {  // after a checkpoint: recount what derives from health_
    count_[susceptible] = count_[infected] = count_[resistant] = 0;
    infected_.clear();
    for (NodeId v = 0; v < graph_.nodes(); ++v) {
      ++count_[health_[v]];
      if (health_[v] == infected) infected_.push_back(v);
    }
    infected_neighbours_.recount([&](NodeId v) { return health_[v] == infected; });
  }

 private:
  // The rule: node v's health after this step, from the state at its start;
  // rng is v's stream for this step, Stream(seed, replicate, step, v, node_draws).
  Health next_health(NodeId v, BlockStream& rng) const {
    const auto h = static_cast<Health>(health_[v]);
    if (h == susceptible && infected_neighbours_[v] > 0)
      return rng.bernoulli(infection_chance(infected_neighbours_[v])) ? infected : susceptible;
    if (h == infected && rng.bernoulli(check_) && rng.bernoulli(recover_))
      return rng.bernoulli(resist_) ? resistant : susceptible;
    return h;
  }

  // 1 - (1 - virus_spread_chance)^m: one independent try per infected neighbour.
  double infection_chance(std::int32_t m) const {
    const auto k = static_cast<std::size_t>(m);
    return k < chance_by_count_.size() ? chance_by_count_[k] : 1.0 - std::pow(1.0 - spread_, m);
  }
  static std::vector<double> chances_by_count(double spread) {  // the same values, computed once
    std::vector<double> table(64);
    for (std::size_t m = 0; m < table.size(); ++m) table[m] = 1.0 - std::pow(1.0 - spread, static_cast<int>(m));
    return table;
  }

  const Graph& graph_;
  std::uint64_t outbreak_;
  double spread_, check_, recover_, resist_;
  std::vector<double> chance_by_count_;
  std::vector<std::uint8_t> health_;
  NeighbourCounts infected_neighbours_;
  std::vector<NodeId> infected_;  // every infected node, in no particular order
  std::vector<NodeId> newly_infected_, no_longer_infected_;  // in this step
  Frontier frontier_;
  std::vector<Health> next_;  // next_[i]: the new health of frontier_.nodes()[i]
  std::int64_t count_[3] = {0, 0, 0};  // nodes in each Health state
};

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_MODEL(virus_on_network, "virus_on_network",
                           "Virus on a Network (Stonedahl & Wilensky 2008; Mesa example): SIR/SIRS on a graph",
                           gs::virus_params(),
                           {{"susceptible", "Share of nodes susceptible", "share"},
                            {"infected", "Share of nodes infected", "share"},
                            {"resistant", "Share of nodes resistant", "share"}},
                           [](const gs::ParamValues& p, const gs::World& w) -> std::unique_ptr<gs::Model> {
                             return std::make_unique<gs::VirusOnNetwork>(p, w);
                           })
