#include "sim/cli/explore/run_service.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "sim/cli/explore/network_view.hpp"
#include "sim/cli/explore/parameters_json.hpp"
#include "sim/cli/explore/results_json.hpp"
#include "sim/run/execute.hpp"

namespace gs::explore {
namespace {

constexpr std::size_t runs_kept = 8;  // finished runs whose results and files stay downloadable
constexpr std::size_t max_queued = 16;

struct Cancelled {};

// The YAML parser behind --set recurses per level of [ and {: refuse deep values before it sees them.
constexpr int max_value_depth = 32;

int bracket_depth(const std::string& text) {
  int depth = 0, deepest = 0;
  for (const char c : text) {
    if (c == '[' || c == '{') deepest = std::max(deepest, ++depth);
    if ((c == ']' || c == '}') && depth > 0) --depth;
  }
  return deepest;
}

const char* state_word(RunState s) {
  switch (s) {
    case RunState::queued: return "queued";
    case RunState::running: return "running";
    case RunState::done: return "done";
    case RunState::failed: return "failed";
    case RunState::cancelled: return "cancelled";
  }
  return "failed";
}

bool finished(RunState s) { return s == RunState::done || s == RunState::failed || s == RunState::cancelled; }

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The resolved scenario with a first line saying where it came from instead
// of the base file's path: `groundswell run` of it gives the same data.
std::string downloadable_yaml(const Scenario& s, const std::string& origin) {
  const std::string body = s.resolved_yaml.substr(s.resolved_yaml.find('\n') + 1);
  return "# Exported by groundswell explore from " + std::filesystem::path(origin).filename().string() +
         " with the explorer's parameters.\n# Reproduce: groundswell run THIS.yaml -o OUT.h5\n" + body;
}

}  // namespace

nlohmann::json status_json(const Run& run) {
  nlohmann::json out = {{"id", run.id}, {"state", state_word(run.state)}, {"done", run.done}, {"total", run.total}};
  if (!run.error.empty()) out["error"] = run.error;
  return out;
}

RunService::RunService(std::string base_text, std::string origin, Limits limits, std::string work_dir)
    : base_text_(std::move(base_text)), origin_(std::move(origin)), limits_(limits), work_dir_(std::move(work_dir)) {
  base_ = load_scenario_text(base_text_, origin_);
  neighbourhoods_ = base_.graph->neighbourhoods && base_.new_graph_every == 0;
  base_ = scenario_for({});  // the base scenario must itself be within the limits
  worker_ = std::thread([this] { work(); });
}

RunService::~RunService() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [id, run] : runs_) run->cancel_requested = true;
  }
  wake_.notify_all();
  worker_.join();
}

Scenario RunService::scenario_for(const Overrides& overrides) const {
  std::vector<std::string> sets;
  for (const auto& [key, value] : overrides) {
    const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    if (bracket_depth(text) > max_value_depth)
      throw InputError("--set " + key + "=...: the value is nested more than " + std::to_string(max_value_depth) +
                       " levels deep");
    if (is_locked_key(base_, key))
      throw InputError("--set " + key + "=" + text +
                       ": the explorer does not change this key (file paths, the output section and the graph and "
                       "model types come from the scenario it was started with)");
    sets.push_back(key + "=" + text);
  }
  if (neighbourhoods_) sets.push_back("output.neighbourhoods=true");
  Scenario s = load_scenario_text(base_text_, origin_, sets);
  auto over = [](const std::string& what, std::int64_t value, std::int64_t limit, const std::string& flag) {
    return InputError(what + ": " + std::to_string(value) + " is above the explorer's limit of " +
                      std::to_string(limit) + "; start it with groundswell explore --" + flag + " N to allow more");
  };
  if (s.steps > limits_.steps) throw over("steps", s.steps, limits_.steps, "max-steps");
  if (s.replicates > limits_.replicates) throw over("replicates", s.replicates, limits_.replicates, "max-replicates");
  if (!s.graph->size_param.empty()) {
    const std::int64_t people = s.graph_params.integer(s.graph->size_param);
    if (people > limits_.population)
      throw over("graph." + s.graph->size_param + " (after population_scale)", people, limits_.population,
                 "max-population");
  }
  return s;
}

std::string RunService::start(const std::string& client, const std::vector<std::pair<std::string, Overrides>>& arms) {
  auto run = std::make_shared<Run>();
  run->client = client;
  for (const auto& [label, overrides] : arms) {
    Arm arm;
    arm.label = label;
    arm.overrides = overrides;
    try {
      arm.scenario = scenario_for(overrides);
    } catch (const InputError& e) {
      throw InputError(arms.size() > 1 ? label + ": " + e.what() : std::string(e.what()));
    }
    arm.yaml = downloadable_yaml(arm.scenario, origin_);
    run->total += std::uint64_t{arm.scenario.steps} * arm.scenario.replicates;
    run->arms.push_back(std::move(arm));
  }
  if (run->arms.size() == 2) {
    const Scenario& a = run->arms[0].scenario;
    const Scenario& b = run->arms[1].scenario;
    if (a.seed != b.seed || a.steps != b.steps || a.replicates != b.replicates)
      throw InputError(
          "A and B must have the same seed, steps and replicates: the comparison pairs replicates run with the same "
          "random numbers (common random numbers)");
  }
  std::lock_guard lock(mutex_);
  for (auto& [id, other] : runs_)
    if (other->client == client && !finished(other->state)) other->cancel_requested = true;
  if (queue_.size() >= max_queued)
    throw InputError("the explorer has " + std::to_string(max_queued) + " runs waiting; try again when they are done");
  run->id = "r" + std::to_string(next_id_++);
  runs_[run->id] = run;
  order_.push_back(run->id);
  queue_.push_back(run);
  forget_old_runs();
  wake_.notify_all();
  return run->id;
}

void RunService::forget_old_runs() {
  std::size_t finished_count = 0;
  for (const auto& id : order_) finished_count += finished(runs_.at(id)->state) ? 1 : 0;
  for (auto it = order_.begin(); finished_count > runs_kept && it != order_.end();) {
    if (finished(runs_.at(*it)->state)) {
      runs_.erase(*it);
      it = order_.erase(it);
      --finished_count;
    } else {
      ++it;
    }
  }
}

std::optional<nlohmann::json> RunService::status(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto it = runs_.find(id);
  if (it == runs_.end()) return std::nullopt;
  return status_json(*it->second);
}

std::optional<std::string> RunService::results(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto it = runs_.find(id);
  if (it == runs_.end() || it->second->state != RunState::done) return std::nullopt;
  return it->second->results;
}

std::optional<std::string> RunService::arm_yaml(const std::string& id, std::size_t arm) const {
  std::lock_guard lock(mutex_);
  const auto it = runs_.find(id);
  if (it == runs_.end() || arm >= it->second->arms.size()) return std::nullopt;
  return it->second->arms[arm].yaml;
}

std::optional<std::string> RunService::arm_hdf5(const std::string& id, std::size_t arm) const {
  std::lock_guard lock(mutex_);
  const auto it = runs_.find(id);
  if (it == runs_.end() || it->second->state != RunState::done || arm >= it->second->arms.size()) return std::nullopt;
  return it->second->arms[arm].hdf5;
}

bool RunService::cancel(const std::string& id) {
  std::lock_guard lock(mutex_);
  const auto it = runs_.find(id);
  if (it == runs_.end()) return false;
  it->second->cancel_requested = true;
  return true;
}

nlohmann::json RunService::network(const Overrides& overrides, std::uint32_t neighbourhood) {
  const Scenario s = scenario_for(overrides);
  std::lock_guard busy(compute_);
  return network_view(s, neighbourhood);
}

void RunService::work() {
  for (;;) {
    std::shared_ptr<Run> run;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      run = queue_.front();
      queue_.pop_front();
      if (run->cancel_requested) {
        run->state = RunState::cancelled;
        continue;
      }
      run->state = RunState::running;
    }
    execute(*run);
  }
}

void RunService::execute(Run& run) {
  std::lock_guard busy(compute_);
  std::vector<RunResult> results;
  std::string error;
  RunState outcome = RunState::done;
  try {
    std::uint64_t before = 0;  // steps of the arms already run
    WorldCache worlds;  // arms on the same graph build it once
    for (std::size_t a = 0; a < run.arms.size(); ++a) {
      const Arm& arm = run.arms[a];
      ExecuteOptions options;
      options.quiet = true;
      options.worlds = &worlds;
      options.progress = [&](std::uint64_t done, std::uint64_t) {
        std::lock_guard lock(mutex_);
        run.done = before + done;
        if (run.cancel_requested) throw Cancelled{};
      };
      const std::string path = (std::filesystem::path(work_dir_) / (run.id + "-" + std::to_string(a) + ".h5")).string();
      ExecuteSummary summary = execute_scenario(arm.scenario, path, options);
      std::string bytes = read_bytes(path);
      std::filesystem::remove(path);
      results.push_back(std::move(summary.result));
      {
        std::lock_guard lock(mutex_);
        run.arms[a].hdf5 = std::move(bytes);
      }
      before += std::uint64_t{arm.scenario.steps} * arm.scenario.replicates;
    }
  } catch (const Cancelled&) {
    outcome = RunState::cancelled;
  } catch (const std::exception& e) {
    outcome = RunState::failed;
    error = e.what();
  }
  std::string text;
  if (outcome == RunState::done) text = results_json(run, results).dump();
  std::lock_guard lock(mutex_);
  run.results = std::move(text);
  run.error = std::move(error);
  run.state = outcome;
  if (outcome != RunState::done)
    for (auto& arm : run.arms) arm.hdf5.clear();
}

}  // namespace gs::explore
