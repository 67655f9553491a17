// `groundswell explore` in the main executable: hands over to
// groundswell-explore, built beside it. The web server's libraries
// (cpp-httplib, OpenSSL, Brotli) live in that executable alone, so a plain
// `groundswell run` does not load and relocate them at every start, which
// cost a small run more time than its steps (docs/performance.md, "The virus
// job's cost model"). Not part of groundswell_core: groundswell-explore
// registers the real command.
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "sim/cli/command.hpp"

namespace gs {
namespace {

// The directory of this executable, from /proc/self/exe (so a symlink to
// groundswell finds the real build directory).
std::string own_directory() {
  char path[PATH_MAX];
  const ssize_t length = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (length <= 0) return ".";
  const std::string exe(path, static_cast<std::size_t>(length));
  const auto slash = exe.rfind('/');
  return slash == std::string::npos ? "." : exe.substr(0, slash);
}

int launch_explore(int argc, char** argv) {
  const std::string explorer = own_directory() + "/groundswell-explore";
  std::vector<char*> args;
  args.push_back(const_cast<char*>(explorer.c_str()));
  for (int i = 0; i < argc; ++i) args.push_back(argv[i]);  // argv[0] is "explore"
  args.push_back(nullptr);
  std::fflush(nullptr);
  ::execv(explorer.c_str(), args.data());
  std::fprintf(stderr, "error: cannot start %s: %s (it is built beside groundswell)\n", explorer.c_str(),
               std::strerror(errno));
  return 1;
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_COMMAND(explore, "explore", "[SCENARIO] [--port N]",
                             "a local web page to change parameters, run, watch and compare (A vs B)",
                             gs::launch_explore)
