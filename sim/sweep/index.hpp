#pragma once
// DIR/index.h5 and DIR/index.csv: one row per member (index, name, varied
// values, seed, file, status, wall time). index.h5 also holds
// /runs/<name> -> external link to <name>.h5:/timeseries for every complete
// member, so one h5py.File opens the whole sweep. Both written atomically.
#include <string>
#include <vector>

#include "sim/sweep/runner.hpp"

namespace gs {

void write_index(const std::string& dir, const Sweep& sweep, const std::vector<MemberStatus>& results);

}  // namespace gs
