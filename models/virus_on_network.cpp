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

#include "sim/core/random.hpp"
#include "sim/engine/model.hpp"
#include "sim/engine/neighbour_counts.hpp"
#include "sim/engine/stream_batches.hpp"

namespace gs {
namespace {

enum Health : std::uint8_t { susceptible = 0, infected = 1, resistant = 2, susceptible_listed = 3 };
// susceptible_listed: susceptible, and on the exposed list. Keeping the
// list's mark in the health byte means the hot loops read one byte of each
// neighbour, not two from two arrays (0.92x the time of Mesa's job).
enum : Purpose { pick_outbreak = 1, node_draws = 2 };
// What a step does to a listed exposed node.
enum Fate : std::uint8_t { exposed = 0, caught = 1, unexposed = 2 };

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
        check_below_(bernoulli_threshold(check_)),
        recover_below_(bernoulli_threshold(recover_)),
        resist_below_(bernoulli_threshold(resist_)),
        threshold_by_count_(thresholds_by_count(spread_)),
        health_(graph_.nodes()),
        infected_neighbours_(graph_) {}

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
    // draws at most three uniforms, an exposed one one. The third, whether a
    // recovered node becomes resistant, sits in the second Philox block of
    // the node's stream: made only for the nodes that recover (a pass of
    // their own, resolve_recoveries), it is the same draw.
    ends_.resize(infected_.size());
    for_each_stream_batch<1>(key, infected_,
                             [&](std::size_t first, std::size_t n, const std::uint32_t* w, std::size_t s) {
                               for (std::size_t i = 0; i < n; ++i) ends_[first + i] = infection_ends(w + i, s);
                             });
    fate_.resize(exposed_.size());
    for_each_stream_batch<1>(key, exposed_,
                             [&](std::size_t first, std::size_t n, const std::uint32_t* w, std::size_t s) {
                               decide_exposed(exposed_.data() + first, n, w, s, fate_.data() + first);
                             });
    apply_outcomes();
    resolve_recoveries(key);
    apply_fates();
    update_exposed();
  }

  void measure(std::span<double> out) const override {
    const auto n = static_cast<double>(graph_.nodes());
    for (int h = 0; h < 3; ++h) out[h] = n > 0 ? static_cast<double>(count_[h]) / n : 0.0;
  }

  // Health by node (values of Health; a checkpoint may hold susceptible_listed).
  std::vector<StateArray> state_arrays() override { return {{"health", health_.data(), health_.size()}}; }
  void restored() override {  // after a checkpoint: recount what derives from health_
    count_[susceptible] = count_[infected] = count_[resistant] = 0;
    infected_.clear();
    exposed_.clear();  // list_exposed lists afresh
    for (NodeId v = 0; v < graph_.nodes(); ++v) {
      if (health_[v] == susceptible_listed) health_[v] = susceptible;
      ++count_[health_[v]];
      if (health_[v] == infected) infected_.push_back(v);
    }
    infected_neighbours_.recount([&](NodeId v) { return health_[v] == infected; });
    list_exposed();
  }

 private:
  // The rule for an infected node, from the words of its stream for this
  // step, Stream(seed, replicate, step, v, node_draws), word k at
  // words[k * stride]: whether its infection ends in this step (it checks and
  // recovers; the stream's first two uniforms, each drawn only when needed in
  // the rule as written, but they sit at fixed places, so reading both is the
  // same), compared in integers and combined without a branch: whether a node
  // recovers is as good as random.
  std::uint8_t infection_ends(const std::uint32_t* words, std::size_t stride) const {
    const bool checks = uniform_bits(words[0], words[stride]) < check_below_;
    const bool recovers = uniform_bits(words[2 * stride], words[3 * stride]) < recover_below_;
    return static_cast<std::uint8_t>(checks & recovers);
  }

  // The rule for n exposed nodes, from the first two words of each one's
  // stream (words[i], words[stride + i]): caught with the chance its count of
  // infected neighbours gives, else still exposed if it has any. Through
  // local pointers and a table read clamped to its end (a count past it is
  // rare, and then its nodes are decided again with the exact chance), so
  // the loop has no branch and no reload: the counts' random reads overlap.
  void decide_exposed(const NodeId* nodes, std::size_t n, const std::uint32_t* words, std::size_t stride,
                      Fate* fates) const {
    const std::int32_t* const counts = infected_neighbours_.data();
    const std::uint64_t* const below = threshold_by_count_.data();
    const auto last = static_cast<std::int32_t>(threshold_by_count_.size() - 1);
    std::int32_t most = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::int32_t m = counts[nodes[i]];
      most = std::max(most, m);
      const bool caught = uniform_bits(words[i], words[stride + i]) < below[std::min(m, last)];
      // caught ? caught : m > 0 ? exposed : unexposed, in arithmetic (m == 0 is never caught)
      fates[i] = static_cast<Fate>(caught + 2 * (m <= 0));
    }
    if (most > last) [[unlikely]]
      for (std::size_t i = 0; i < n; ++i) {
        const std::int32_t m = counts[nodes[i]];
        if (m > last)
          fates[i] = uniform_bits(words[i], words[stride + i]) < infection_threshold(m) ? Fate::caught : exposed;
      }
  }

  // The nodes that recovered in this step become resistant or susceptible
  // again: the stream's third uniform, the first of its second block.
  void resolve_recoveries(const StreamKey& key) {
    std::int64_t resisting = 0;
    std::uint8_t* const health = health_.data();
    for_each_stream_batch<1>(
        key, no_longer_infected_,
        [&](std::size_t first, std::size_t n, const std::uint32_t* w, std::size_t s) {
          std::int64_t here = 0;
          for (std::size_t i = 0; i < n; ++i) {
            const bool resists = uniform_bits(w[i], w[s + i]) < resist_below_;
            health[no_longer_infected_[first + i]] = resists ? resistant : susceptible;
            here += resists;
          }
          std::atomic_ref<std::int64_t>(resisting).fetch_add(here, std::memory_order_relaxed);  // integers: any order
        },
        1);
    const auto left = static_cast<std::int64_t>(no_longer_infected_.size());
    count_[resistant] += resisting;
    count_[susceptible] += left - resisting;
    count_[infected] -= left;
  }

  // The exposed list from scratch: the susceptible neighbours of infected nodes.
  void list_exposed() {
    for (NodeId v : exposed_)
      if (health_[v] == susceptible_listed) health_[v] = susceptible;
    exposed_.clear();
    for (NodeId v : infected_)
      for (NodeId u : graph_.neighbours(v))
        if (health_[u] == susceptible) {
          health_[u] = susceptible_listed;
          exposed_.push_back(u);
        }
  }

  // The hot loops below write through local pointers into lists sized for
  // the most they can hold (uninitialised), then trim them: a store to a byte
  // array may alias anything, so the compiler would otherwise reload every
  // vector's bounds after each one. And they do not branch on outcomes,
  // which are as good as random.

  // Infected nodes that recover leave infected_ for no_longer_infected_
  // (their health and the counts follow in resolve_recoveries).
  void apply_outcomes() {
    const std::size_t n = infected_.size();
    no_longer_infected_.resize(n);
    NodeId* const list = infected_.data();
    NodeId* const lost = no_longer_infected_.data();
    const std::uint8_t* const ends = ends_.data();
    std::size_t kept = 0, left = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const NodeId v = list[i];
      list[kept] = v;
      lost[left] = v;
      kept += 1u - ends[i];
      left += ends[i];
    }
    infected_.resize(kept);
    no_longer_infected_.resize(left);
  }

  // Exposed nodes caught in this step join infected_ and newly_infected_;
  // those still exposed stay listed, and those left without an infected
  // neighbour (by recoveries in the step before) leave the list.
  void apply_fates() {
    const std::size_t n = exposed_.size(), infected_before = infected_.size();
    newly_infected_.resize(n);
    infected_.resize(infected_before + n);
    NodeId* const list = exposed_.data();
    NodeId* const caught_list = newly_infected_.data();
    NodeId* const infected_list = infected_.data() + infected_before;
    const Fate* const fate = fate_.data();
    std::uint8_t* const health = health_.data();
    // By Fate: a table, not a choice the compiler may turn into a branch on an outcome.
    static constexpr std::uint8_t health_after[] = {susceptible_listed, infected, susceptible};
    std::size_t kept = 0, newly = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const NodeId v = list[i];
      const Fate f = fate[i];
      list[kept] = v;
      caught_list[newly] = v;
      infected_list[newly] = v;
      kept += f == exposed;
      newly += f == caught;
      health[v] = health_after[f];
    }
    exposed_.resize(kept);
    newly_infected_.resize(newly);
    infected_.resize(infected_before + newly);
    count_[susceptible] -= static_cast<std::int64_t>(newly);
    count_[infected] += static_cast<std::int64_t>(newly);
  }

  // After this step's changes: counts of infected neighbours follow the nodes
  // that changed, and the exposed list gains the nodes the changes exposed
  // (susceptible neighbours of new infections, and recovered nodes that are
  // susceptible again beside one). A listed node that recoveries leave with
  // no infected neighbour stays listed until its next draw (its chance is
  // then exactly 0, so that draw changes nothing), which saves a pass here.
  void update_exposed() {
    const std::size_t listed = exposed_.size();
    exposed_.resize(graph_.nodes() + 1);  // the most it can hold (nodes are listed once), and a spare slot
    NodeId* const list = exposed_.data();
    std::uint8_t* const health = health_.data();
    std::size_t size = listed;
    auto add_if_exposed = [&](NodeId u) {
      const bool add = health[u] == susceptible;  // and not yet listed
      list[size] = u;
      size += add;
      health[u] |= static_cast<std::uint8_t>(add ? susceptible_listed : 0);  // susceptible is 0
    };
    infected_neighbours_.change(newly_infected_, +1, [&](NodeId u, std::int32_t) { add_if_exposed(u); });
    infected_neighbours_.change(no_longer_infected_, -1);
    for (const NodeId v : no_longer_infected_)
      if (infected_neighbours_[v] > 0) add_if_exposed(v);
    exposed_.resize(size);
  }

  // bernoulli(1 - (1 - virus_spread_chance)^m) in integers (bernoulli_threshold):
  // one independent try per infected neighbour.
  std::uint64_t infection_threshold(std::int32_t m) const {
    const auto k = static_cast<std::size_t>(m);
    return k < threshold_by_count_.size() ? threshold_by_count_[k]
                                          : bernoulli_threshold(1.0 - std::pow(1.0 - spread_, m));
  }
  static std::vector<std::uint64_t> thresholds_by_count(double spread) {  // the same values, computed once
    std::vector<std::uint64_t> table(64);
    for (std::size_t m = 0; m < table.size(); ++m)
      table[m] = bernoulli_threshold(1.0 - std::pow(1.0 - spread, static_cast<int>(m)));
    return table;
  }

  const Graph& graph_;
  std::uint64_t outbreak_;
  double spread_, check_, recover_, resist_;
  std::uint64_t check_below_, recover_below_, resist_below_;  // bernoulli_threshold of each chance
  std::vector<std::uint64_t> threshold_by_count_;
  std::vector<std::uint8_t> health_;  // a Health by node
  NeighbourCounts infected_neighbours_;
  using NodeList = std::vector<NodeId, UninitialisedAllocator<NodeId>>;  // resized without writes
  NodeList infected_;  // every infected node, in no particular order
  // Every susceptible node with an infected neighbour (and possibly a few
  // without one, update_exposed), in no particular order; their health is
  // susceptible_listed.
  NodeList exposed_;
  NodeList newly_infected_, no_longer_infected_;  // in this step
  std::vector<std::uint8_t> ends_;  // ends_[i]: 1 when infected_[i] recovers in this step
  std::vector<Fate> fate_;  // fate_[i]: what happens to exposed_[i] in this step
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
