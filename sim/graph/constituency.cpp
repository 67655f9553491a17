#include "sim/graph/constituency.hpp"

namespace gs {

Group draw_group(double u) {
  // Shares: see docs/scenario-format.md (community graph, constituency groups).
  if (u < 0.25) return Group::patient;
  if (u < 0.50) return Group::parent;
  if (u < 0.67) return Group::tenant;
  return Group::other;
}

}  // namespace gs
