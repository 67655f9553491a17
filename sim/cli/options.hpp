#pragma once
// Small helpers shared by the subcommands' option parsing.
#include <boost/program_options.hpp>
#include <exception>
#include <string>
#include <vector>

#include "sim/sweep/mpi_session.hpp"

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

// The commands that run many simulations into a directory (sweep,
// sensitivity, calibrate) share --out-dir,-d DIR, --resume, --list,
// --member N (those that have it), --threads,-t N, --mpi and --quiet,-q;
// each says what DIR holds, what resuming and listing do, and --member's use.
struct BatchOptionHelp {
  const char* out_dir;
  const char* resume;
  const char* list;
  const char* member = nullptr;  // nullptr: the command has no --member
};
void add_batch_options(po::options_description& opts, const BatchOptionHelp& help);

// After parsing them: refuses --mpi in a build without MPI, and several
// processes without MPI (each would run everything into the same DIR) unless
// the command only lists or runs one --member; applies --threads. True when
// the command should start MPI (--mpi, or started by mpirun or srun).
bool apply_batch_options(const po::options_description& opts, const po::variables_map& vm);

// Runs a command's body on every rank; an error is reported once, by rank 0,
// while the other ranks return exit status 2.
template <class Body>
int on_every_rank(const MpiSession& mpi, Body body) {
  try {
    return body();
  } catch (const std::exception&) {
    if (mpi.rank() == 0) throw;
    return 2;
  }
}

}  // namespace gs
