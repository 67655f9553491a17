#pragma once
// A finished run as the page draws it: for every metric the mean over
// replicates with its 95% t interval at each step; the first metric's
// replicate series; per-neighbourhood means over replicates with the
// neighbourhood table; and, for two arms run with the same seeds (common
// random numbers), B - A at each step with the paired 95% interval.
#include <nlohmann/json.hpp>
#include <vector>

#include "sim/cli/explore/run_service.hpp"
#include "sim/engine/run.hpp"

namespace gs::explore {

nlohmann::json results_json(const Run& run, const std::vector<RunResult>& results);

}  // namespace gs::explore
