// groundswell explore [SCENARIO] [--port N] [--host H] [--open] [--max-population N] [--max-steps N]
//                     [--max-replicates N]
// A local web page to change a scenario's parameters, run it and watch the
// results, and compare two parameter sets (docs/explorer.md).
#include <httplib.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include <unistd.h>

#include "sim/cli/command.hpp"
#include "sim/cli/explore/assets.hpp"
#include "sim/cli/explore/run_service.hpp"
#include "sim/cli/explore/server.hpp"
#include "sim/cli/options.hpp"
#include "sim/io/output.hpp"

extern char** environ;

namespace gs {
namespace {

std::string read_scenario_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read scenario file");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A private directory for the runs' HDF5 files (removed on exit).
std::string make_work_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "groundswell-explore-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw OutputError("cannot create a temporary directory under " + pattern);
  return pattern;
}

void open_browser(const std::string& url) {
  const char* argv[] = {"xdg-open", url.c_str(), nullptr};
  pid_t pid = 0;
  if (posix_spawnp(&pid, "xdg-open", nullptr, nullptr, const_cast<char* const*>(argv), environ) != 0)
    std::fprintf(stderr, "groundswell explore: could not start xdg-open; open %s yourself\n", url.c_str());
}

int command_explore(int argc, char** argv) {
  explore::Limits limits;
  po::options_description opts("groundswell explore [SCENARIO] [options]");
  opts.add_options()("scenario", po::value<std::string>(),
                     "scenario YAML to start from (default: a town of 136,500 with 20 volunteer organisers)")(
      "port,p", po::value<int>()->default_value(8050), "TCP port (0: any free port)")(
      "host", po::value<std::string>()->default_value("127.0.0.1"),
      "address to listen on; anything but 127.0.0.1 lets other machines run simulations here")(
      "open", "open the page in the default browser")(
      "max-population", po::value<std::int64_t>()->default_value(limits.population),
      "largest graph a request may ask for (people, after population_scale)")(
      "max-steps", po::value<std::uint32_t>()->default_value(limits.steps), "most steps a request may ask for")(
      "max-replicates", po::value<std::uint32_t>()->default_value(limits.replicates),
      "most replicates a request may ask for")("threads,t", po::value<int>(), "OpenMP threads for the runs");
  po::positional_options_description pos;
  pos.add("scenario", 1);
  po::variables_map vm;
  if (!parse_options(argc, argv, opts, pos, vm,
                     "\nServes one page and a JSON API; every run is validated like `groundswell run --set`.\n"))
    return 0;
  apply_threads_option(vm);
  const int port = vm["port"].as<int>();
  if (port < 0 || port > 65535) throw po::error("--port must be 0 to 65535");
  limits.population = vm["max-population"].as<std::int64_t>();
  limits.steps = vm["max-steps"].as<std::uint32_t>();
  limits.replicates = vm["max-replicates"].as<std::uint32_t>();
  const std::string host = vm["host"].as<std::string>();

  std::string text, origin;
  if (vm.count("scenario")) {
    origin = vm["scenario"].as<std::string>();
    text = read_scenario_text(origin);
  } else {
    origin = "default_town.yaml";
    text = std::string(explore::find_asset("/default_town.yaml")->body);
  }
  const std::string work_dir = make_work_dir();
  struct RemoveDir {
    std::string dir;
    ~RemoveDir() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } cleanup{work_dir};

  // Ctrl-C and SIGTERM stop the server from a thread waiting for them, so
  // the runs end and the temporary directory is removed.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  explore::RunService runs(text, origin, limits, work_dir);
  httplib::Server server;
  const int bound = port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  if (bound < 0)
    throw InputError("cannot listen on " + host + ":" + std::to_string(port) +
                     " (in use, or not an address of this machine); try --port 0");
  explore::install_routes(server, runs, explore::allowed_hosts(host, bound));
  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    server.stop();
  });

  const std::string shown = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host;
  const std::string url = "http://" + (shown.find(':') != std::string::npos ? "[" + shown + "]" : shown) + ":" +
                          std::to_string(bound) + "/";
  if (host != "127.0.0.1" && host != "localhost")
    std::fprintf(stderr,
                 "groundswell explore: warning: listening on %s, not only this machine: anyone who can reach it can "
                 "run simulations here\n",
                 host.c_str());
  std::printf("groundswell explore: %s (%s) at %s\nPress Ctrl-C to stop.\n", runs.base().name.c_str(), origin.c_str(),
              url.c_str());
  std::fflush(stdout);
  if (vm.count("open")) open_browser(url);
  server.listen_after_bind();
  kill(getpid(), SIGTERM);  // pending (blocked) until the stopper takes it, if it has not already
  stopper.join();
  return 0;
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_COMMAND(explore, "explore", "[SCENARIO] [--port N]",
                             "a local web page to change parameters, run, watch and compare (A vs B)",
                             gs::command_explore)
