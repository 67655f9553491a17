#include "sim/cli/options.hpp"

#include <omp.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

namespace gs {

bool parse_options(int argc, char** argv, po::options_description& opts, const po::positional_options_description& pos,
                   po::variables_map& vm, const std::string& extra_help) {
  opts.add_options()("help,h", "show this help");
  po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << opts << extra_help;
    return false;
  }
  return true;
}

std::vector<std::string> strings_option(const po::variables_map& vm, const std::string& name) {
  return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>{};
}

void apply_threads_option(const po::variables_map& vm) {
  if (!vm.count("threads")) return;
  const int threads = vm["threads"].as<int>();
  if (threads < 1 || threads > max_threads)
    throw po::error("--threads " + std::to_string(threads) + " is out of range; allowed: 1 to " +
                    std::to_string(max_threads) + " (this machine has " +
                    std::to_string(std::thread::hardware_concurrency()) + " hardware threads)");
  omp_set_num_threads(threads);
}

void add_batch_options(po::options_description& opts, const BatchOptionHelp& help) {
  opts.add_options()("out-dir,d", po::value<std::string>(), help.out_dir)("resume", help.resume)("list", help.list);
  if (help.member != nullptr) opts.add_options()("member", po::value<long long>(), help.member);
  opts.add_options()("threads,t", po::value<int>(),
                     "OpenMP threads per process (default: OMP_NUM_THREADS or all cores)")(
      "mpi", "initialise MPI even when no MPI launcher is detected")("quiet,q", "no progress lines");
}

bool apply_batch_options(const po::options_description& opts, const po::variables_map& vm) {
  if (vm.count("mpi") && !mpi_available())
    throw po::error("--mpi: this groundswell was built without MPI (configure with MPI installed)");
  const bool has_member = opts.find_nothrow("member", false) != nullptr;
  const bool one_process = vm.count("list") || vm.count("member");
  for (const char* size : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    const char* ranks = std::getenv(size);
    if (!mpi_available() && !one_process && ranks != nullptr && std::strtol(ranks, nullptr, 10) > 1)
      throw po::error(std::string("started as several processes, but this groundswell was built without MPI; ") +
                      "rebuild with MPI or run one process" + (has_member ? " (or use --member with job arrays)" : ""));
  }
  apply_threads_option(vm);
  return mpi_available() && (vm.count("mpi") || launched_by_mpi_runner());
}

}  // namespace gs
