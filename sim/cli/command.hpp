#pragma once
// Subcommands register themselves, so adding one is one new file in sim/cli:
//   GROUNDSWELL_REGISTER_COMMAND(run, "run", "SCENARIO -o OUT.h5", "run a scenario", command_run)
// A command gets argv with its own name at argv[0]; it returns the exit code
// and throws InputError / OutputError / boost::program_options::error for bad
// input (exit code 2).
#include <functional>
#include <string>

#include "sim/core/registry.hpp"

namespace gs {

struct CommandInfo {
  std::string name;
  std::string usage;  // arguments, e.g. "SCENARIO -o OUT.h5"
  std::string summary;  // one line for 'groundswell --help'
  std::function<int(int argc, char** argv)> main;
};

using CommandRegistry = Registry<CommandInfo>;

}  // namespace gs

#define GROUNDSWELL_REGISTER_COMMAND(ident, ...)                                                                 \
  namespace {                                                                                                    \
  const bool registered_command_##ident = ::gs::CommandRegistry::instance().add(::gs::CommandInfo{__VA_ARGS__}); \
  }
