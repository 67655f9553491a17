#pragma once
// Two helpers for rules in which a node's chance of changing depends on how
// many of its neighbours are in some state (infected, adopted, active):
//
//   NeighbourCounts  how many neighbours of each node are in the state, kept
//                    up to date as nodes enter and leave it, so that no step
//                    has to look at every neighbour of every node;
//   Frontier         the distinct nodes a step has to look at (those in the
//                    state and their neighbours), so that a step costs what
//                    can change, not the size of the graph.
//
// Both are deterministic for any thread count: counts are integer sums, which
// commute, and a Frontier lists nodes in the order they were added.
#include <atomic>
#include <cstdint>
#include <span>
#include <vector>

#include "sim/graph/graph.hpp"
#include "sim/graph/neighbour_walk.hpp"

namespace gs {

class NeighbourCounts {
 public:
  explicit NeighbourCounts(const Graph& graph) : graph_(graph), count_(graph.nodes(), 0) {}

  void clear() { std::fill(count_.begin(), count_.end(), 0); }

  // Node v entered (+1) or left (-1) the state: tell each of its neighbours.
  void change(NodeId v, std::int32_t delta) {
    for (NodeId u : graph_.neighbours(v)) count_[u] += delta;
  }
  // Each node of `nodes` entered (+1) or left (-1) the state: as change()
  // node by node, with the rows walked as one stream (sim/graph/neighbour_walk.hpp).
  void change(std::span<const NodeId> nodes, std::int32_t delta) {
    std::int32_t* const count = count_.data();
    for_each_neighbour_of(graph_, nodes, [&](NodeId u) { count[u] += delta; });
  }
  // The same, then reached(u, count) for each neighbour u with its new count
  // (a rule keeping a list of nodes with a nonzero count updates it here,
  // without a second pass over the rows).
  template <class Reached>
  void change(std::span<const NodeId> nodes, std::int32_t delta, Reached&& reached) {
    std::int32_t* const count = count_.data();
    for_each_neighbour_of(graph_, nodes, [&](NodeId u) { reached(u, count[u] += delta); });
  }
  // The same, safe to call from several threads at once (and slower: an
  // atomic add per neighbour).
  void change_concurrently(NodeId v, std::int32_t delta) {
    for (NodeId u : graph_.neighbours(v))
      std::atomic_ref<std::int32_t>(count_[u]).fetch_add(delta, std::memory_order_relaxed);
  }

  // Rebuilds every count from a per-node flag (after a checkpoint is loaded).
  template <class InState>
  void recount(InState&& in_state) {
    clear();
    for (NodeId v = 0; v < graph_.nodes(); ++v)
      if (in_state(v)) change(v, +1);
  }

  std::int32_t operator[](NodeId v) const { return count_[v]; }
  const std::int32_t* data() const { return count_.data(); }  // count by node

 private:
  const Graph& graph_;
  std::vector<std::int32_t> count_;
};

class Frontier {
 public:
  explicit Frontier(std::size_t nodes) : marked_(nodes, 0), nodes_(nodes + 1) {}

  // Adds v unless it is already listed. No branch: whether a node is new is
  // as good as random, and a mispredicted branch would also stop the
  // processor from fetching the next nodes' state while it waits for this one's.
  void add(NodeId v) {
    nodes_[size_] = v;  // there is always room for one more: nodes_ has a spare slot
    size_ += 1u - marked_[v];
    marked_[v] = 1;
  }

  // Adds each neighbour of each node of `from` for which wanted(u) holds,
  // row after row, without a branch (as add()), the rows walked as one
  // stream (sim/graph/neighbour_walk.hpp).
  template <class Wanted>
  void add_neighbours(const Graph& graph, std::span<const NodeId> from, Wanted&& wanted) {
    std::uint8_t* const marked = marked_.data();
    NodeId* const list = nodes_.data();
    std::size_t size = size_;
    for_each_neighbour_of(graph, from, [&](NodeId u) {
      const std::uint8_t take = static_cast<std::uint8_t>(wanted(u)) & static_cast<std::uint8_t>(1u - marked[u]);
      list[size] = u;
      size += take;
      marked[u] |= take;
    });
    size_ = size;
  }

  std::span<const NodeId> nodes() const { return {nodes_.data(), size_}; }
  std::size_t size() const { return size_; }

  // Empties the list in time proportional to its length.
  void clear() {
    for (std::size_t i = 0; i < size_; ++i) marked_[nodes_[i]] = 0;
    size_ = 0;
  }

 private:
  std::vector<std::uint8_t> marked_;
  std::vector<NodeId> nodes_;  // the first size_ are the list
  std::size_t size_ = 0;
};

}  // namespace gs
