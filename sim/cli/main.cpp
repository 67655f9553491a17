// groundswell: the command line. Subcommands live in sim/cli/cmd_*.cpp.
// Exit codes: 0 success, 1 failure while running, 2 bad input (scenario,
// options, output path).
#include <unistd.h>

#include <boost/program_options.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sim/cli/command.hpp"
#include "sim/core/cpu_features.hpp"
#include "sim/io/output.hpp"
#include "sim/scenario/scenario.hpp"

namespace {

constexpr int exit_failure = 1;
constexpr int exit_bad_input = 2;

void print_usage(std::FILE* to) {
  std::fprintf(to,
               "groundswell: agent-based simulation of community organising\n\nUsage: groundswell COMMAND "
               "[OPTIONS]\n\nCommands:\n");
  for (const auto& [name, info] : gs::CommandRegistry::instance().entries()) {
    const std::string head = name + " " + info.usage;
    std::fprintf(to, "  %-32s %s\n", head.c_str(), info.summary.c_str());
  }
  std::fprintf(to,
               "\nOptions: --help, --version. 'groundswell COMMAND --help' shows a command's options.\n"
               "Exit codes: 0 success, 1 failure while running, 2 bad input.\n");
}

// Commands that run many small runs one after another (a sweep's members),
// where threads left spinning between parallel regions take the core from
// another process on the machine (another MPI rank, a second job) and each
// waits for the other: members of 2,730 people took 0.15-0.45 s instead of
// 0.02 s. Passive waiting costs little there (docs/performance.md, "Ensembles").
bool waits_passively_by_default(const std::string& command) {
  return command == "sweep" || command == "sensitivity" || command == "calibrate";
}

// libgomp reads OMP_WAIT_POLICY and GOMP_SPINCOUNT once, when it is loaded,
// before main; setting them later has no effect. So unless the user set
// either, the batch commands set OMP_WAIT_POLICY=passive and execute this
// program again (same process id, so mpirun and Slurm see no difference,
// before MPI is initialised). If that fails the run carries on as it is.
void default_to_passive_waiting(const std::string& command, char** argv) {
  if (!waits_passively_by_default(command) || std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT")) return;
  if (::setenv("OMP_WAIT_POLICY", "passive", 1) != 0) return;
  std::fflush(nullptr);
  ::execv("/proc/self/exe", argv);
}

}  // namespace

int main(int argc, char** argv) {
  // Past the file-size limit (ulimit -f) a write then fails with EFBIG, which
  // the writers report like a full disk, instead of the signal killing us.
  std::signal(SIGXFSZ, SIG_IGN);
  if (argc < 2) {
    print_usage(stderr);
    return exit_bad_input;
  }
  const std::string command = argv[1];
  default_to_passive_waiting(command, argv);
  try {
    if (command == "--help" || command == "-h" || command == "help") {
      print_usage(stdout);
      return 0;
    }
    if (command == "--version" || command == "-V") {
      std::printf("%s\n", gs::software_version().c_str());
      return 0;
    }
    if (const auto error = gs::vector_level_environment_error()) {
      std::fprintf(stderr, "error: %s\n", error->c_str());
      return exit_bad_input;
    }
    if (const gs::CommandInfo* info = gs::CommandRegistry::instance().find(command))
      return info->main(argc - 1, argv + 1);
    const std::string hint = gs::did_you_mean(command, gs::CommandRegistry::instance().names());
    std::fprintf(stderr, "groundswell: unknown command '%s'%s\n\n", command.c_str(),
                 hint.empty() ? "" : (" (did you mean '" + hint + "'?)").c_str());
    print_usage(stderr);
    return exit_bad_input;
  } catch (const gs::InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return exit_bad_input;
  } catch (const gs::DiskFullError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return exit_failure;
  } catch (const gs::OutputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return exit_bad_input;
  } catch (const boost::program_options::error& e) {
    std::fprintf(stderr, "groundswell %s: %s (see 'groundswell %s --help')\n", command.c_str(), e.what(),
                 command.c_str());
    return exit_bad_input;
  } catch (const std::bad_alloc&) {
    // Only the commands that build a graph can be made smaller with population_scale.
    const bool builds = command == "run" || command == "sweep" || command == "graph";
    std::fprintf(
        stderr, "error: out of memory (groundswell %s)%s\n", command.c_str(),
        builds ? "; try a smaller run, e.g. --set population_scale=0.1" : "; the input files may be too large");
    return exit_failure;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return exit_failure;
  }
}
