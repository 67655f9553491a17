#include "sim/cli/options.hpp"

#include <omp.h>

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

}  // namespace gs
