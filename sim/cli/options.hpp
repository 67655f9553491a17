#pragma once
// Small helpers shared by the subcommands' option parsing.
#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace gs {

namespace po = boost::program_options;

// Parses argv with the given options (adds --help); returns false when --help
// was asked for, after printing the options.
bool parse_options(int argc, char** argv, po::options_description& opts, const po::positional_options_description& pos,
                   po::variables_map& vm, const std::string& extra_help = "");

std::vector<std::string> strings_option(const po::variables_map& vm, const std::string& name);

// Above this the OpenMP runtime aborts or crashes (tens of thousands of
// threads); no machine this runs on has more hardware threads.
constexpr int max_threads = 1024;

// --threads N (1 <= N <= max_threads) sets the OpenMP thread count.
void apply_threads_option(const po::variables_map& vm);

}  // namespace gs
