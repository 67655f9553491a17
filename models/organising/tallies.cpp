// Which thread updates which counts, and the tallies behind measure(): the
// plumbing that makes the pass over citizens give the same numbers for any
// thread count without atomics on the hot path.
#include <algorithm>
#include <atomic>

#include "models/organising/model.hpp"

namespace gs::organising {

void Tally::add(std::uint8_t state, std::uint8_t f, int quintile, Group g) {
  const bool in = state != inactive;
  active += in;
  leaders += state == leader;
  reached += (f & reached_any) != 0;
  listened_n += (f & listened) != 0;
  paid += (f & listened_paid) != 0;
  mobilised_n += (f & mobilised) != 0;
  q_active[quintile - 1] += in;
  g_active[static_cast<int>(g)] += in;
}

Tally& Tally::operator+=(const Tally& o) {
  active += o.active;
  leaders += o.leaders;
  reached += o.reached;
  listened_n += o.listened_n;
  paid += o.paid;
  mobilised_n += o.mobilised_n;
  for (int q = 0; q < 5; ++q) q_active[q] += o.q_active[q];
  for (int g = 0; g < 4; ++g) g_active[g] += o.g_active[g];
  return *this;
}

// Efficacy sums of this thread's blocks where some efficacy changed, each
// in citizen order as ordered_sum adds. Each sum is a chain of dependent
// additions, so four blocks are summed side by side.
void Organising::sum_efficacy(std::int64_t b0, std::int64_t b1) {
  const auto n = static_cast<std::int64_t>(world_.graph.nodes());
  const float* efficacy = efficacy_.data();
  std::int64_t group[4];
  int grouped = 0;
  auto sum_one = [&](std::int64_t b) {
    double sum = 0;
    for (std::int64_t v = b * tally_block; v < std::min(n, (b + 1) * tally_block); ++v) sum += efficacy[v];
    efficacy_partial_[static_cast<std::size_t>(b)] = sum;
  };
  for (std::int64_t b = b0; b < b1; ++b) {
    if (!efficacy_dirty_[static_cast<std::size_t>(b)]) continue;
    efficacy_dirty_[static_cast<std::size_t>(b)] = 0;
    if ((b + 1) * tally_block > n) {
      sum_one(b);  // the short last block
      continue;
    }
    group[grouped++] = b;
    if (grouped < 4) continue;
    grouped = 0;
    const float *e0 = efficacy + group[0] * tally_block, *e1 = efficacy + group[1] * tally_block;
    const float *e2 = efficacy + group[2] * tally_block, *e3 = efficacy + group[3] * tally_block;
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (std::int64_t i = 0; i < tally_block; ++i) {
      s0 += e0[i];
      s1 += e1[i];
      s2 += e2[i];
      s3 += e3[i];
    }
    efficacy_partial_[static_cast<std::size_t>(group[0])] = s0;
    efficacy_partial_[static_cast<std::size_t>(group[1])] = s1;
    efficacy_partial_[static_cast<std::size_t>(group[2])] = s2;
    efficacy_partial_[static_cast<std::size_t>(group[3])] = s3;
  }
  for (int j = 0; j < grouped; ++j) sum_one(group[j]);
}

// The same tally by a pass of its own, for the state initialise() leaves.
void Organising::tally_all() {
  const Population& pop = world_.population;
  const auto n = static_cast<std::int64_t>(world_.graph.nodes());
  const auto blocks = (n + tally_block - 1) / tally_block;
  Tally t;
#pragma omp parallel for schedule(static) reduction(+ : t)
  for (std::int64_t b = 0; b < blocks; ++b) {
    double efficacy_sum = 0;
    for (std::int64_t v = b * tally_block; v < std::min(n, (b + 1) * tally_block); ++v) {
      t.add(state_[v], flags_[v], hood_quintile_[pop.neighbourhood[v]], pop.group[v]);
      efficacy_sum += efficacy_[v];
    }
    efficacy_partial_[static_cast<std::size_t>(b)] = efficacy_sum;
  }
  tally_ = t;
  efficacy_dirty_.assign(static_cast<std::size_t>(blocks), 0);
}

// Push this thread's changes to the counts of the citizens in [lo, hi),
// which this thread owns, and of the neighbourhoods whose first citizen it
// owns; changes to other threads' counts (ties that cross the boundary, a
// small share on the community graph) go to this thread's outbox for
// apply_inbox. Each change's row is read once, by the thread that found
// it. Integer additions commute, so the result does not depend on the
// number of threads.
void Organising::apply_changes(std::int64_t lo, std::int64_t hi, int me) {
  const Population& pop = world_.population;
  const Graph& graph = world_.graph;
  const auto own = [lo, hi](std::uint64_t v) {
    return v >= static_cast<std::uint64_t>(lo) && v < static_cast<std::uint64_t>(hi);
  };
  std::vector<Push>& outbox = outboxes_[static_cast<std::size_t>(me)];
  // Changers are scattered over the population, so their rows and their
  // contacts' counts are cache misses: fetch the row eight changes ahead
  // and the counts four ahead, so that the misses overlap.
  constexpr std::size_t row_ahead = 8, counts_ahead = 4;
  const std::vector<Change>& changes = changes_[static_cast<std::size_t>(me)];
  for (std::size_t j = 0; j < changes.size(); ++j) {
    if (j + row_ahead < changes.size()) __builtin_prefetch(&graph.targets[graph.offsets[changes[j + row_ahead].v]]);
    if (j + counts_ahead < changes.size())
      for (NodeId u : graph.neighbours(changes[j + counts_ahead].v))
        if (own(u)) {
          __builtin_prefetch(&active_contacts_[u], 1);
          __builtin_prefetch(&leader_contacts_[u], 1);
        }
    const Change& c = changes[j];
    const auto d_active = static_cast<std::int8_t>((c.after != inactive) - (c.before != inactive));
    const auto d_leader = static_cast<std::int8_t>((c.after == leader) - (c.before == leader));
    const std::uint32_t h = pop.neighbourhood[c.v];
    if (own(pop.neighbourhood_start[h]))
      hood_active_[h] += d_active;
    else
      outbox.push_back({h, d_active, 0, true});
    if (!rates_.weighted) {
      for (NodeId u : graph.neighbours(c.v))
        if (own(u))
          add_contact(u, d_active, d_leader);
        else
          outbox.push_back({u, d_active, d_leader, false});
      continue;
    }
    // With tie weights each contact's counts move by the tie's weight (at
    // most 100: fits the push's bytes).
    for (std::uint64_t e = graph.offsets[c.v]; e < graph.offsets[c.v + 1]; ++e) {
      const NodeId u = graph.targets[e];
      const std::int32_t w = tie_weight(e);
      const auto wa = static_cast<std::int8_t>(d_active * w), wl = static_cast<std::int8_t>(d_leader * w);
      if (own(u))
        add_contact(u, wa, wl);
      else
        outbox.push_back({u, wa, wl, false});
    }
  }
}

// The other threads' outboxes, for the counts this thread owns.
void Organising::apply_inbox(std::int64_t lo, std::int64_t hi, int me, int threads) {
  const Population& pop = world_.population;
  const auto own = [lo, hi](std::uint64_t v) {
    return v >= static_cast<std::uint64_t>(lo) && v < static_cast<std::uint64_t>(hi);
  };
  for (int list = 0; list < threads; ++list) {
    if (list == me) continue;
    for (const Push& p : outboxes_[static_cast<std::size_t>(list)]) {
      if (p.hood) {
        if (own(pop.neighbourhood_start[p.target])) hood_active_[p.target] += p.d_active;
      } else if (own(p.target)) {
        add_contact(p.target, p.d_active, p.d_leader);
      }
    }
  }
}

void Organising::add_contact(NodeId u, std::int32_t d_active, std::int32_t d_leader) {
  // In range: counts stay between 0 and the degree, which initialise() bounded.
  active_contacts_[u] = static_cast<ContactCount>(active_contacts_[u] + d_active);
  leader_contacts_[u] = static_cast<ContactCount>(leader_contacts_[u] + d_leader);
  // Rare (leaders are few); a neighbourhood may span two threads.
  if (d_leader != 0)
    std::atomic_ref<std::int64_t>(hood_leader_contacts_[world_.population.neighbourhood[u]])
        .fetch_add(d_leader, std::memory_order_relaxed);
}

// Leaders for the next leaders_meet, after initialise() or a restore.
void Organising::list_leaders() {
  leaders_.clear();
  for (std::size_t v = 0; v < state_.size(); ++v)
    if (state_[v] == leader) leaders_.push_back(static_cast<NodeId>(v));
}

void Organising::recount_contacts() {
  const auto n = static_cast<std::int64_t>(world_.graph.nodes());
#pragma omp parallel for schedule(dynamic, 4096)
  for (std::int64_t v = 0; v < n; ++v) {
    std::int32_t a = 0, l = 0;
    const Graph& graph = world_.graph;
    for (std::uint64_t e = graph.offsets[v]; e < graph.offsets[v + 1]; ++e) {
      const NodeId u = graph.targets[e];
      const std::int32_t w = rates_.weighted ? tie_weight(e) : 1;
      a += (state_[u] != inactive) * w;
      l += (state_[u] == leader) * w;
    }
    active_contacts_[v] = static_cast<ContactCount>(a);
    leader_contacts_[v] = static_cast<ContactCount>(l);
  }
  const Population& pop = world_.population;
  const auto hoods = static_cast<std::int64_t>(pop.neighbourhoods());
#pragma omp parallel for schedule(dynamic, 64)
  for (std::int64_t h = 0; h < hoods; ++h) {
    std::int64_t l = 0;
    for (std::uint64_t v = pop.neighbourhood_start[h]; v < pop.neighbourhood_start[h + 1]; ++v)
      l += leader_contacts_[v];
    hood_leader_contacts_[static_cast<std::size_t>(h)] = l;
  }
}

}  // namespace gs::organising
