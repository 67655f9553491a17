#pragma once
// What a model rule is to the engine. A rule owns its agent state as arrays
// and advances all its agents in one call to step(): no object per agent, no
// virtual call per agent. Register a rule with
//   GROUNDSWELL_REGISTER_MODEL(ident, "name", "summary", params, metrics, factory)
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sim/core/ordered_sum.hpp"
#include "sim/core/params.hpp"
#include "sim/core/registry.hpp"
#include "sim/graph/graph.hpp"

namespace gs {

struct MetricSpec {
  std::string name;
  std::string description;
  std::string units;  // empty where none applies
};

// Which replicate and step is being computed, and the random-number key.
struct StepContext {
  std::uint64_t seed;
  std::uint32_t replicate;
  std::uint32_t step;  // 0 for initialise(), t for the step that produces state t
};

// A named block of agent state, for checkpoints. Blocks whose size can
// change during a run (a list of organisers that grows) give `resize`, which
// makes room for the checkpoint's bytes and returns where to put them.
struct StateArray {
  std::string name;
  void* data;
  std::size_t bytes;
  std::function<void*(std::size_t bytes)> resize = {};
};

// A vector whose size is fixed by the world (one entry per citizen, ...): a
// checkpoint of another size is refused.
template <class T>
StateArray state_vector(std::string name, std::vector<T>& v) {
  return {std::move(name), v.data(), v.size() * sizeof(T)};
}

// A vector that may grow during a run: restored at the checkpoint's size.
template <class T>
StateArray state_growing(std::string name, std::vector<T>& v) {
  return {std::move(name), v.data(), v.size() * sizeof(T), [&v](std::size_t bytes) -> void* {
            v.resize(bytes / sizeof(T));
            return v.data();
          }};
}

template <class T>
StateArray state_value(std::string name, T& value) {
  return {std::move(name), &value, sizeof(T)};
}

class Model {
 public:
  virtual ~Model() = default;
  virtual void initialise(const StepContext& ctx) = 0;  // state at step 0
  virtual void step(const StepContext& ctx) = 0;  // state t-1 -> state t
  // One value per declared metric, in declaration order, for the current state.
  virtual void measure(std::span<double> values) const = 0;
  // For ModelInfo::neighbourhood_metrics, asked for only when the scenario
  // sets output.neighbourhoods: values[m * neighbourhoods + h] for metric m
  // and neighbourhood h, for the current state. Called once per recorded step.
  virtual void measure_neighbourhoods(std::span<double> /*values*/) const {}
  // Everything step() reads that initialise() does not rebuild identically
  // from the seed: a checkpoint saves these bytes, and a resumed run calls
  // initialise(), overwrites them and then restored().
  virtual std::vector<StateArray> state_arrays() { return {}; }
  // After a checkpoint's arrays were loaded: rebuild what is derived from them
  // (for example counts of active neighbours).
  virtual void restored() {}
};

// What a run's parameters say about the organisers it models, for `compare`,
// `report` and `summarize` (which count and cost them); a model declares it
// (ModelInfo::organisers) so the analysis never reads a model's own keys.
struct OrganiserFacts {
  std::int64_t count = 0;  // every organiser the run starts with, scaled as the run scaled them
  std::string kinds;  // "paid", "volunteer" or "paid and volunteer"; "" when there are none
  double cost_per_organiser = 0;  // GBP for the whole run; 0 = unknown
};

struct ModelInfo {
  std::string name;
  std::string summary;
  std::vector<ParamSpec> params;
  std::vector<MetricSpec> metrics;
  std::function<std::unique_ptr<Model>(const ParamValues&, const World&)> create;
  // Series the model can report for each neighbourhood (measure_neighbourhoods),
  // written as /timeseries/<name> [replicate, step, neighbourhood] when the
  // scenario sets output.neighbourhoods; empty when it has none.
  std::vector<MetricSpec> neighbourhood_metrics = {};
  // Models with organisers: the OrganiserFacts of a run with these
  // (validated, scaled) parameters; empty for the others.
  std::function<OrganiserFacts(const ParamValues&)> organisers = {};
};

using ModelRegistry = Registry<ModelInfo>;

// Loops over fewer agents than this run on one thread (`#pragma omp parallel
// for if (n >= min_parallel_agents)`): below it, starting and joining a
// parallel region costs more than the loop itself, and far more on a busy machine.
inline constexpr std::int64_t min_parallel_agents = 100000;

}  // namespace gs

#define GROUNDSWELL_REGISTER_MODEL(ident, ...)                                                             \
  namespace {                                                                                              \
  const bool registered_model_##ident = ::gs::ModelRegistry::instance().add(::gs::ModelInfo{__VA_ARGS__}); \
  }
