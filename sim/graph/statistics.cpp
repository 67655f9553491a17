#include "sim/graph/statistics.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <sstream>

#include "sim/core/ordered_sum.hpp"

namespace gs {

namespace {
// Twice the triangles at every node: for each neighbour u, |N(v) ∩ N(u)| by
// merging sorted rows. Cost sum over ties of (deg v + deg u).
std::vector<std::uint64_t> twice_triangles(const Graph& g) {
  const auto n = static_cast<std::int64_t>(g.nodes());
  std::vector<std::uint64_t> t(g.nodes(), 0);
#pragma omp parallel for schedule(dynamic, 256)
  for (std::int64_t vs = 0; vs < n; ++vs) {
    const auto row = g.neighbours(static_cast<NodeId>(vs));
    if (row.size() < 2) continue;
    std::uint64_t closed = 0;
    for (NodeId u : row) {
      const auto other = g.neighbours(u);
      auto a = row.begin(), b = other.begin();
      while (a != row.end() && b != other.end()) {
        if (*a < *b) {
          ++a;
        } else if (*b < *a) {
          ++b;
        } else {
          ++closed;
          ++a;
          ++b;
        }
      }
    }
    t[static_cast<std::size_t>(vs)] = closed;
  }
  return t;
}
}  // namespace

std::vector<double> local_clustering(const Graph& g) {
  const std::vector<std::uint64_t> t = twice_triangles(g);
  std::vector<double> c(g.nodes(), 0.0);
  for (NodeId v = 0; v < g.nodes(); ++v) {
    const std::uint64_t d = g.degree(v);
    if (d >= 2) c[v] = static_cast<double>(t[v]) / static_cast<double>(d * (d - 1));
  }
  return c;
}

double mean_clustering(const Graph& g) { return clustering(g).average; }

Clustering clustering(const Graph& g) {
  Clustering out;
  if (g.nodes() == 0) return out;
  const std::vector<std::uint64_t> t = twice_triangles(g);
  std::uint64_t closed = 0, triples = 0;  // both twice: exact integers
  for (NodeId v = 0; v < g.nodes(); ++v) {
    const std::uint64_t d = g.degree(v);
    closed += t[v];
    triples += d * (d - (d > 0));
  }
  out.average = ordered_sum(g.nodes(),
                            [&](std::size_t v) {
                              const std::uint64_t d = g.degree(static_cast<NodeId>(v));
                              return d < 2 ? 0.0 : static_cast<double>(t[v]) / static_cast<double>(d * (d - 1));
                            }) /
                static_cast<double>(g.nodes());
  out.global = triples ? static_cast<double>(closed) / static_cast<double>(triples) : 0.0;
  return out;
}

double degree_assortativity(const Graph& g) {
  // Sums over tie ends of d, d^2 and d(v) d(u): integers, so exact and the
  // same for any thread count.
  const auto n = static_cast<std::int64_t>(g.nodes());
  std::uint64_t s1 = 0, s2 = 0, sxy = 0;
#pragma omp parallel for schedule(static) reduction(+ : s1, s2, sxy)
  for (std::int64_t v = 0; v < n; ++v) {
    const std::uint64_t d = g.degree(static_cast<NodeId>(v));
    s1 += d * d;
    s2 += d * d * d;
    for (NodeId u : g.neighbours(static_cast<NodeId>(v))) sxy += d * g.degree(u);
  }
  const auto m = static_cast<long double>(g.directed_edges());
  if (m == 0) return 0.0;
  const long double mean = s1 / m, variance = s2 / m - mean * mean;
  if (variance <= 0) return 0.0;
  return static_cast<double>((sxy / m - mean * mean) / variance);
}

Homophily homophily(const Graph& g, std::span<const std::uint8_t> class_of_node, int classes) {
  Homophily h;
  if (g.directed_edges() == 0) return h;
  const auto n = static_cast<std::int64_t>(g.nodes());
  std::uint64_t within = 0;
  std::vector<std::uint64_t> ends(static_cast<std::size_t>(classes), 0);
#pragma omp parallel for schedule(static) reduction(+ : within)
  for (std::int64_t v = 0; v < n; ++v)
    for (NodeId u : g.neighbours(static_cast<NodeId>(v)))
      within += class_of_node[u] == class_of_node[static_cast<std::size_t>(v)];
  for (NodeId v = 0; v < g.nodes(); ++v) ends[class_of_node[v]] += g.degree(v);
  const auto m = static_cast<double>(g.directed_edges());
  h.within = static_cast<double>(within) / m;
  for (std::uint64_t e : ends) h.expected += (static_cast<double>(e) / m) * (static_cast<double>(e) / m);
  h.coefficient = h.expected < 1 ? (h.within - h.expected) / (1 - h.expected) : 0.0;
  return h;
}

Components connected_components(const Graph& g) {
  Components out;
  const std::size_t n = g.nodes();
  out.label.assign(n, UINT32_MAX);
  std::vector<NodeId> queue;
  for (std::size_t start = 0; start < n; ++start) {
    if (out.label[start] != UINT32_MAX) continue;
    const auto id = static_cast<std::uint32_t>(out.count++);
    queue.assign(1, static_cast<NodeId>(start));
    out.label[start] = id;
    for (std::size_t head = 0; head < queue.size(); ++head) {
      for (NodeId u : g.neighbours(queue[head])) {
        if (out.label[u] == UINT32_MAX) {
          out.label[u] = id;
          queue.push_back(u);
        }
      }
    }
    out.largest = std::max<std::uint64_t>(out.largest, queue.size());
  }
  return out;
}

namespace {

template <class Starts>
SizeSummary size_summary(const Starts& start) {
  SizeSummary s;
  if (start.size() < 2) return s;
  s.count = start.size() - 1;
  s.min = UINT64_MAX;
  for (std::size_t i = 0; i + 1 < start.size(); ++i) {
    const std::uint64_t size = start[i + 1] - start[i];
    s.min = std::min(s.min, size);
    s.max = std::max(s.max, size);
  }
  s.mean = static_cast<double>(start.back() - start.front()) / static_cast<double>(s.count);
  return s;
}

// Group id of every node for a partition given by start offsets.
template <class Starts>
std::vector<std::uint32_t> labels_from_starts(const Starts& start, std::size_t n) {
  std::vector<std::uint32_t> label(n, 0);
  for (std::size_t i = 0; i + 1 < start.size(); ++i)
    std::fill(label.begin() + static_cast<std::ptrdiff_t>(start[i]),
              label.begin() + static_cast<std::ptrdiff_t>(start[i + 1]), static_cast<std::uint32_t>(i));
  return label;
}

// Share of ties whose two ends have the same label (integer counts: exact).
double share_within(const Graph& g, std::span<const std::uint32_t> label) {
  if (g.directed_edges() == 0) return 0.0;
  const auto n = static_cast<std::int64_t>(g.nodes());
  std::uint64_t inside = 0;
#pragma omp parallel for schedule(static) reduction(+ : inside)
  for (std::int64_t v = 0; v < n; ++v)
    for (NodeId u : g.neighbours(static_cast<NodeId>(v))) inside += label[u] == label[static_cast<std::size_t>(v)];
  return static_cast<double>(inside) / static_cast<double>(g.directed_edges());
}

}  // namespace

GraphStatistics graph_statistics(const World& w, bool with_clustering) {
  const Graph& g = w.graph;
  GraphStatistics s;
  s.nodes = g.nodes();
  s.edges = g.edges();
  if (s.nodes > 0) {
    std::vector<std::uint64_t> histogram;
    s.min_degree = UINT32_MAX;
    for (NodeId v = 0; v < s.nodes; ++v) {
      const std::uint32_t d = g.degree(v);
      if (d >= histogram.size()) histogram.resize(d + 1, 0);
      ++histogram[d];
      s.min_degree = std::min(s.min_degree, d);
      s.max_degree = std::max(s.max_degree, d);
    }
    s.isolated = histogram[0];
    s.mean_degree = static_cast<double>(g.directed_edges()) / static_cast<double>(s.nodes);
    double ss = 0;
    for (std::size_t d = 0; d < histogram.size(); ++d)
      ss += static_cast<double>(histogram[d]) * (static_cast<double>(d) - s.mean_degree) *
            (static_cast<double>(d) - s.mean_degree);
    s.degree_variance = ss / static_cast<double>(s.nodes);
    // Quantile q: the smallest degree d with at least q * nodes nodes of degree <= d.
    for (double q : {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999}) {
      const double needed = q * static_cast<double>(s.nodes);
      std::uint64_t cumulative = 0;
      std::uint32_t d = 0;
      for (; d < histogram.size(); ++d) {
        cumulative += histogram[d];
        if (static_cast<double>(cumulative) >= needed) break;
      }
      s.degree_quantiles.emplace_back(q, d);
    }
  }
  if (with_clustering) {
    const Clustering c = clustering(g);
    s.mean_clustering = c.average;
    s.global_clustering = c.global;
  }
  s.assortativity = degree_assortativity(g);
  s.layers = !g.layers.empty();
  if (s.layers && s.nodes > 0) {
    std::uint64_t count[tie_layer_count] = {};
    for (std::uint64_t e = 0; e < g.directed_edges(); ++e) ++count[static_cast<int>(g.layers.at(e))];
    for (int l = 0; l < tie_layer_count; ++l)
      s.layer_degree[l] = static_cast<double>(count[l]) / static_cast<double>(s.nodes);
  }
  const Components c = connected_components(g);
  s.components = c.count;
  s.largest_component = c.largest;

  const Population& p = w.population;
  s.community = p.neighbourhoods() > 1 || !p.household_start.empty();
  if (s.community) {
    s.neighbourhoods = size_summary(p.neighbourhood_start);
    std::vector<std::uint64_t> region_start{0};
    for (std::size_t h = 1; h < p.neighbourhoods(); ++h)
      if (p.region[h] != p.region[h - 1]) region_start.push_back(p.neighbourhood_start[h]);
    region_start.push_back(p.neighbourhood_start.back());
    s.regions = size_summary(region_start);
    s.share_in_neighbourhood = share_within(g, p.neighbourhood);
    s.share_in_region = share_within(g, labels_from_starts(region_start, g.nodes()));
    std::vector<std::uint8_t> group(g.nodes()), quintile(g.nodes());
    for (NodeId v = 0; v < g.nodes(); ++v) {
      group[v] = static_cast<std::uint8_t>(p.group[v]);
      quintile[v] = static_cast<std::uint8_t>(p.deprivation_quintile(p.neighbourhood[v]) - 1);  // 0-based for homophily
    }
    s.same_group = homophily(g, group, 4);
    s.same_deprivation_quintile = homophily(g, quintile, 5);
    if (!p.household_start.empty()) {
      s.households = size_summary(p.household_start);
      s.share_in_household = share_within(g, labels_from_starts(p.household_start, g.nodes()));
    }
  }
  return s;
}

std::string format_statistics(const GraphStatistics& s) {
  std::ostringstream out;
  char line[256];
  auto add = [&](const char* fmt, auto... args) {
    std::snprintf(line, sizeof line, fmt, args...);
    out << line;
  };
  add("nodes                 %llu\n", static_cast<unsigned long long>(s.nodes));
  add("edges                 %llu\n", static_cast<unsigned long long>(s.edges));
  add("degree mean           %.4f\n", s.mean_degree);
  add("degree variance       %.4f\n", s.degree_variance);
  add("degree variance/mean  %.4f\n", s.mean_degree > 0 ? s.degree_variance / s.mean_degree : 0.0);
  add("degree min / max      %u / %u\n", s.min_degree, s.max_degree);
  add("isolated nodes        %llu\n", static_cast<unsigned long long>(s.isolated));
  out << "degree quantiles     ";
  for (auto [q, d] : s.degree_quantiles) add(" %g%%:%u", q * 100, d);
  out << "\n";
  add("mean local clustering %.6f\n", s.mean_clustering);
  add("global clustering     %.6f\n", s.global_clustering);
  add("degree assortativity  %.6f\n", s.assortativity);
  if (s.layers)
    for (int l = 0; l < tie_layer_count; ++l)
      add("layer %-15s %.4f ties per person\n", tie_layer_names[l], s.layer_degree[l]);
  add("components            %llu (largest %llu nodes, %.2f%%)\n", static_cast<unsigned long long>(s.components),
      static_cast<unsigned long long>(s.largest_component),
      s.nodes ? 100.0 * static_cast<double>(s.largest_component) / static_cast<double>(s.nodes) : 0.0);
  if (s.community) {
    auto sizes = [&](const char* name, const SizeSummary& z) {
      add("%-21s %llu (size mean %.2f, min %llu, max %llu)\n", name, static_cast<unsigned long long>(z.count), z.mean,
          static_cast<unsigned long long>(z.min), static_cast<unsigned long long>(z.max));
    };
    if (s.households.count) sizes("households", s.households);
    sizes("neighbourhoods", s.neighbourhoods);
    sizes("regions", s.regions);
    if (s.households.count) add("ties in household     %.2f%%\n", 100 * s.share_in_household);
    add("ties in neighbourhood %.2f%%\n", 100 * s.share_in_neighbourhood);
    add("ties in region        %.2f%%\n", 100 * s.share_in_region);
    auto mixing = [&](const char* name, const Homophily& h) {
      add("%-21s %.4f%% (random mixing %.4f%%, assortativity %.6f)\n", name, 100 * h.within, 100 * h.expected,
          h.coefficient);
    };
    mixing("same group", s.same_group);
    mixing("same deprivation q.", s.same_deprivation_quintile);
  }
  return out.str();
}

}  // namespace gs
