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
#include <atomic>
#include <cmath>

#include "sim/engine/model.hpp"
#include "sim/engine/random.hpp"

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
        health_(graph_.nodes()),
        next_(graph_.nodes()),
        infected_neighbours_(graph_.nodes()) {}

  void initialise(const StepContext& ctx) override {
    std::fill(health_.begin(), health_.end(), susceptible);
    std::fill(infected_neighbours_.begin(), infected_neighbours_.end(), 0);
    const std::size_t n = graph_.nodes();
    const std::uint64_t outbreak = std::min<std::uint64_t>(outbreak_, n);
    Stream rng(ctx.seed, ctx.replicate, 0, 0, pick_outbreak);
    for (std::uint64_t placed = 0; placed < outbreak;) {
      const auto v = static_cast<NodeId>(rng.below(n));
      if (health_[v] == infected) continue;
      health_[v] = infected;
      tell_neighbours(v, +1);
      ++placed;
    }
    count_[susceptible] = static_cast<std::int64_t>(n - outbreak);
    count_[infected] = static_cast<std::int64_t>(outbreak);
    count_[resistant] = 0;
  }

  void step(const StepContext& ctx) override {
    if (count_[infected] == 0) return;  // nothing can change any more
    const auto n = static_cast<std::int64_t>(graph_.nodes());
    std::int64_t s = 0, i = 0, r = 0;
#pragma omp parallel for schedule(static, 4096) reduction(+ : s, i, r) if (n >= min_parallel_agents)
    for (std::int64_t v = 0; v < n; ++v) {
      Stream rng(ctx.seed, ctx.replicate, ctx.step, static_cast<std::uint32_t>(v), node_draws);
      Health h = static_cast<Health>(health_[v]);
      if (h == susceptible && infected_neighbours_[v] > 0) {
        if (rng.bernoulli(1.0 - std::pow(1.0 - spread_, infected_neighbours_[v]))) h = infected;
      } else if (h == infected && rng.bernoulli(check_) && rng.bernoulli(recover_)) {
        h = rng.bernoulli(resist_) ? resistant : susceptible;
      }
      next_[v] = h;
      s += h == susceptible;
      i += h == infected;
      r += h == resistant;
    }
#pragma omp parallel for schedule(dynamic, 4096) if (n >= min_parallel_agents)
    for (std::int64_t v = 0; v < n; ++v) {
      const bool was = health_[v] == infected, is = next_[v] == infected;
      if (was != is) tell_neighbours(static_cast<NodeId>(v), is ? +1 : -1);
    }
    health_.swap(next_);
    count_[susceptible] = s;
    count_[infected] = i;
    count_[resistant] = r;
  }

  void measure(std::span<double> out) const override {
    const auto n = static_cast<double>(graph_.nodes());
    for (int h = 0; h < 3; ++h) out[h] = n > 0 ? static_cast<double>(count_[h]) / n : 0.0;
  }

  std::vector<StateArray> state_arrays() override { return {{"health", health_.data(), health_.size()}}; }
  void restored() override {  // after a checkpoint: recount what derives from health_
    std::fill(infected_neighbours_.begin(), infected_neighbours_.end(), 0);
    count_[susceptible] = count_[infected] = count_[resistant] = 0;
    for (std::size_t v = 0; v < graph_.nodes(); ++v) {
      ++count_[health_[v]];
      if (health_[v] == infected)
        for (NodeId u : graph_.neighbours(static_cast<NodeId>(v))) ++infected_neighbours_[u];
    }
  }

 private:
  // Integer additions commute, so the counts do not depend on thread order.
  void tell_neighbours(NodeId v, std::int32_t change) {
    for (NodeId u : graph_.neighbours(v))
      std::atomic_ref<std::int32_t>(infected_neighbours_[u]).fetch_add(change, std::memory_order_relaxed);
  }

  const Graph& graph_;
  std::uint64_t outbreak_;
  double spread_, check_, recover_, resist_;
  std::vector<std::uint8_t> health_, next_;
  std::vector<std::int32_t> infected_neighbours_;
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
