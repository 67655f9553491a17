#pragma once
// A sweep file: a base scenario and the values to vary. Expanding it gives
// the members, each a scenario with some parameters overridden; a member's
// index, name and seed depend only on the sweep file, so they are stable
// between runs, MPI rank counts and job-array tasks. Format: docs/cluster.md.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario/scenario.hpp"

namespace gs {

// One varied value: the parameter path, its YAML text and where it was
// written ("sweep.yaml:7:34"), so validation errors point at that line.
struct SweepValue {
  std::string path;
  std::string yaml;
  std::string origin;
};

struct SweepMember {
  std::uint32_t index = 0;
  std::string name;  // file name stem: DIR/<name>.h5
  std::uint64_t seed = 0;
  std::vector<SweepValue> values;  // in the order of Sweep::varied_paths
  std::vector<std::string> overrides;  // "origin: path=value", for load_scenario
};

struct Sweep {
  std::string path;
  std::string text;  // the sweep file as read (stored in index.h5)
  std::string base_text;  // the base scenario's YAML
  std::string base_origin;  // its file, or the sweep file for an inline base
  std::vector<std::string> varied_paths;
  std::vector<SweepMember> members;
};

// Throws InputError naming sweep file:line:col (or the base's) and the key.
Sweep load_sweep(const std::string& path);

// The member's scenario: the base with the member's values, seed and any
// replicates override applied. Throws InputError at the sweep file's line
// for a bad swept value.
Scenario load_member(const Sweep& sweep, const SweepMember& member);

// The declaration of a parameter path such as model.organisers.count, or
// nullptr when it names none (list items, unknown keys).
const ParamSpec* find_param_spec(const Scenario& scenario, const std::string& path);

// Seed of member `index` of a sweep with seed `sweep_seed`: a SplitMix64 mix,
// kept within the scenario seed range: [0, 2^52).
std::uint64_t member_seed(std::uint64_t sweep_seed, std::uint32_t index);

}  // namespace gs
