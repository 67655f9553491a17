#pragma once
// The explorer's runs: each request's overrides go through the same
// validation as `groundswell run --set`, within size limits; runs execute one
// after another on one worker thread (the model steps use every core), each
// client has at most one run queued or running (a new one cancels it), and a
// run can be cancelled. A run writes its HDF5 file exactly as `groundswell
// run` does, into the server's own temporary directory, keeps its bytes in
// memory for download and deletes the file.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sim/scenario/scenario.hpp"

namespace gs::explore {

// Documented defaults (docs/explorer.md); `groundswell explore --max-*` raises them.
struct Limits {
  std::int64_t population = 300000;
  std::uint32_t steps = 520;
  std::uint32_t replicates = 20;
};

// One parameter set: "key.path" -> JSON value, as the page sends it.
using Overrides = std::map<std::string, nlohmann::json>;

enum class RunState { queued, running, done, failed, cancelled };

struct Arm {
  std::string label;  // "A", "B"
  Overrides overrides;
  Scenario scenario;  // validated, with output.neighbourhoods where the graph has them
  std::string yaml;  // the scenario to download: `groundswell run` reproduces the run from it
  std::string hdf5;  // the output file's bytes, once done
};

struct Run {
  std::string id;
  std::string client;
  std::vector<Arm> arms;
  RunState state = RunState::queued;
  std::uint64_t done = 0;
  std::uint64_t total = 0;
  bool cancel_requested = false;
  std::string error;
  std::string results;  // JSON text, once done
};

// A snapshot of a run's progress for GET /api/runs/ID.
nlohmann::json status_json(const Run& run);

class RunService {
 public:
  // base_text: the scenario YAML the explorer starts from; origin names it in messages.
  RunService(std::string base_text, std::string origin, Limits limits, std::string work_dir);
  ~RunService();
  RunService(const RunService&) = delete;
  RunService& operator=(const RunService&) = delete;

  const Scenario& base() const { return base_; }
  const Limits& limits() const { return limits_; }

  // Validates every arm (throws InputError with the --set message) and queues
  // the run, cancelling the client's previous one. Returns the run's id.
  std::string start(const std::string& client, const std::vector<std::pair<std::string, Overrides>>& arms);
  // A copy of the run's public state, or nullopt for an unknown id.
  std::optional<nlohmann::json> status(const std::string& id) const;
  std::optional<std::string> results(const std::string& id) const;  // only once done
  std::optional<std::string> arm_yaml(const std::string& id, std::size_t arm) const;
  std::optional<std::string> arm_hdf5(const std::string& id, std::size_t arm) const;
  bool cancel(const std::string& id);

  // The network view of one neighbourhood (network_view.hpp) for a parameter
  // set; waits for the run in progress, as it computes as much as a replicate.
  nlohmann::json network(const Overrides& overrides, std::uint32_t neighbourhood);

  // The scenario for one parameter set, validated and limited (throws InputError).
  Scenario scenario_for(const Overrides& overrides) const;

 private:
  void work();
  void execute(Run& run);
  void forget_old_runs();  // under mutex_

  std::string base_text_;
  std::string origin_;
  Scenario base_;
  Limits limits_;
  std::string work_dir_;
  bool neighbourhoods_ = false;

  std::mutex compute_;  // one computation at a time: each uses every core
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, std::shared_ptr<Run>> runs_;
  std::deque<std::string> order_;  // ids, oldest first
  std::deque<std::shared_ptr<Run>> queue_;
  std::uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace gs::explore
