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
        exposed_mark_(graph_.nodes(), 0) {}

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
    list_exposed();
  }

  // Only infected nodes and exposed ones (susceptible, with an infected
  // neighbour) can change, so a step looks at those two lists alone, and
  // keeps the exposed list up to date from the nodes that changed: it costs
  // the size of the epidemic, not of the graph, and no pass over the rows of
  // every infected node. Each node's draws are keyed by the node, so skipping
  // the others (and the order of the lists) changes no result.
  void step(const StepContext& ctx) override {
    const StreamKey key{ctx.seed, ctx.replicate, ctx.step, node_draws};
    // Decisions, all on the state at the start of the step. An infected node
    // draws at most three uniforms (two Philox blocks), an exposed one one.
    outcome_.resize(infected_.size());
    for_each_stream<2>(key, infected_, [&](std::size_t i, BlockStream& rng) { outcome_[i] = infected_outcome(rng); });
    caught_.resize(exposed_.size());
    for_each_stream<1>(key, exposed_, [&](std::size_t i, BlockStream& rng) {
      caught_[i] = rng.bernoulli(infection_chance(infected_neighbours_[exposed_[i]]));
    });
    // Now apply them.
    std::uint8_t* const health = health_.data();
    no_longer_infected_.clear();
    std::size_t kept = 0;
    for (std::size_t i = 0; i < infected_.size(); ++i) {
      const NodeId v = infected_[i];
      const Health is = outcome_[i];
      infected_[kept] = v;
      kept += is == infected;
      if (is == infected) continue;
      health[v] = is;
      no_longer_infected_.push_back(v);
      ++count_[is];
    }
    count_[infected] -= static_cast<std::int64_t>(no_longer_infected_.size());
    infected_.resize(kept);
    newly_infected_.clear();
    for (std::size_t i = 0; i < exposed_.size(); ++i) {
      if (!caught_[i]) continue;
      const NodeId v = exposed_[i];
      health[v] = infected;
      newly_infected_.push_back(v);
      infected_.push_back(v);
    }
    count_[susceptible] -= static_cast<std::int64_t>(newly_infected_.size());
    count_[infected] += static_cast<std::int64_t>(newly_infected_.size());
    update_exposed();
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
    list_exposed();
  }

 private:
  // The rule for an infected node: its health after this step; rng is its
  // stream for this step, Stream(seed, replicate, step, v, node_draws). The
  // three uniforms are always drawn (they sit at fixed places in the stream,
  // so this equals drawing each only when needed) and combined without
  // branches: whether a node recovers is as good as random.
  Health infected_outcome(BlockStream& rng) const {
    const bool checks = rng.bernoulli(check_), recovers = rng.bernoulli(recover_), resists = rng.bernoulli(resist_);
    const Health after = resists ? resistant : susceptible;
    return checks && recovers ? after : infected;
  }

  // The exposed list from scratch: the susceptible neighbours of infected nodes.
  void list_exposed() {
    for (NodeId v : exposed_) exposed_mark_[v] = 0;
    exposed_.clear();
    for (NodeId v : infected_)
      for (NodeId u : graph_.neighbours(v)) add_if_exposed(u);
  }

  // After this step's changes were applied to health_: counts of infected
  // neighbours follow the nodes that changed, and the exposed list keeps the
  // nodes still exposed and gains those the changes exposed (neighbours of new
  // infections, and recovered nodes that are susceptible again beside one).
  void update_exposed() {
    const std::uint8_t* const health = health_.data();
    std::uint8_t* const mark = exposed_mark_.data();
    std::size_t kept = 0;
    for (const NodeId v : exposed_) {
      exposed_[kept] = v;
      const bool still = health[v] == susceptible;  // counts are checked after the -1 below
      kept += still;
      mark[v] = still;
    }
    exposed_.resize(kept);
    infected_neighbours_.change(newly_infected_, +1, [&](NodeId u, std::int32_t) { add_if_exposed(u); });
    infected_neighbours_.change(no_longer_infected_, -1, [](NodeId, std::int32_t) {});
    kept = 0;
    for (const NodeId v : exposed_) {
      exposed_[kept] = v;
      const bool still = infected_neighbours_[v] > 0;
      kept += still;
      mark[v] = still;
    }
    exposed_.resize(kept);
    for (const NodeId v : no_longer_infected_)
      if (infected_neighbours_[v] > 0) add_if_exposed(v);
  }

  void add_if_exposed(NodeId u) {
    if (health_[u] != susceptible || exposed_mark_[u]) return;
    exposed_mark_[u] = 1;
    exposed_.push_back(u);
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
  std::vector<NodeId> exposed_;  // every susceptible node with an infected neighbour, in no particular order
  std::vector<std::uint8_t> exposed_mark_;  // 1 for the nodes in exposed_
  std::vector<NodeId> newly_infected_, no_longer_infected_;  // in this step
  std::vector<Health> outcome_;  // outcome_[i]: the new health of infected_[i]
  std::vector<std::uint8_t> caught_;  // caught_[i]: exposed_[i] is infected in this step
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
