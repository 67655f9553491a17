#pragma once
// Every person belongs to one constituency group: the people a campaign on
// health (patients), schools (parents) or housing (tenants) speaks to, or none
// of them. It is a fact about the population, drawn by the graph generators
// with the shares in docs/scenario-format.md, written with the graph
// (/nodes/group) and read by any rule that runs campaigns; the graph layer
// owns it so that generators and rules share one definition.
#include <cstdint>

namespace gs {

enum class Group : std::uint8_t { patient = 0, parent = 1, tenant = 2, other = 3 };
inline constexpr const char* group_names[] = {"patient", "parent", "tenant", "other"};

// The group of a person whose uniform draw is u in [0, 1), with the shares
// of docs/scenario-format.md (community graph, constituency groups): patient
// 0.25, parent 0.25, tenant 0.17, other 0.33. Inline: generators call it once
// per person.
inline Group draw_group(double u) {
  if (u < 0.25) return Group::patient;
  if (u < 0.50) return Group::parent;
  if (u < 0.67) return Group::tenant;
  return Group::other;
}

}  // namespace gs
