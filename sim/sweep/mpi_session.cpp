#include "sim/sweep/mpi_session.hpp"

#include <cstdlib>
#include <stdexcept>

#ifdef GROUNDSWELL_HAVE_MPI
#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#endif

namespace gs {

#ifdef GROUNDSWELL_HAVE_MPI
namespace {

const GroundswellMpiCalls* loaded_calls = nullptr;

// Beside the executable (CMake builds it there; install both), unless
// GROUNDSWELL_MPI_PLUGIN names it.
std::string plugin_path() {
  if (const char* path = std::getenv("GROUNDSWELL_MPI_PLUGIN"); path != nullptr && *path != '\0') return path;
  char exe[PATH_MAX];
  const ssize_t length = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (length <= 0) return "groundswell-mpi.so";
  const std::string path(exe, static_cast<std::size_t>(length));
  return path.substr(0, path.rfind('/') + 1) + "groundswell-mpi.so";
}

const GroundswellMpiCalls& load_plugin() {
  if (loaded_calls != nullptr) return *loaded_calls;
  const std::string path = plugin_path();
  // RTLD_GLOBAL: OpenMPI opens its own components later, and they find
  // libmpi's symbols in the global scope.
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (handle == nullptr)
    throw std::runtime_error("cannot open the MPI plug-in: " + std::string(::dlerror()) +
                             " (it is built beside the groundswell executable, as groundswell-mpi.so: install both, "
                             "or set GROUNDSWELL_MPI_PLUGIN to its path)");
  using Entry = const GroundswellMpiCalls* (*)();
  const auto entry = reinterpret_cast<Entry>(::dlsym(handle, "groundswell_mpi_calls"));
  const GroundswellMpiCalls* calls = entry != nullptr ? entry() : nullptr;
  if (calls == nullptr || calls->version != GROUNDSWELL_MPI_CALLS_VERSION)
    throw std::runtime_error(path + " is not the MPI plug-in of this groundswell (" + "its table is not version " +
                             std::to_string(GROUNDSWELL_MPI_CALLS_VERSION) + "); rebuild both from the same source");
  loaded_calls = calls;
  return *calls;
}

}  // namespace
#endif

bool mpi_available() {
#ifdef GROUNDSWELL_HAVE_MPI
  return true;
#else
  return false;
#endif
}

bool launched_by_mpi_runner() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID"})
    if (std::getenv(name)) return true;
  return false;
}

const GroundswellMpiCalls& mpi_calls() {
#ifdef GROUNDSWELL_HAVE_MPI
  if (loaded_calls != nullptr) return *loaded_calls;
#endif
  throw std::logic_error("MPI calls before MPI was started");
}

MpiSession::MpiSession(bool start) {
#ifdef GROUNDSWELL_HAVE_MPI
  if (!start) return;
  if (load_plugin().start(&rank_, &size_) != 0) throw std::runtime_error("MPI_Init_thread failed");
  active_ = true;
#else
  (void)start;
#endif
}

MpiSession::~MpiSession() {
  if (active_) mpi_calls().finish();
}

int MpiSession::broadcast(int code) const {
  if (active_) mpi_calls().broadcast(&code, sizeof code);
  return code;
}

std::string MpiSession::broadcast(std::string text) const {
  if (active_) {
    const int size = broadcast(static_cast<int>(text.size()));
    text.resize(static_cast<std::size_t>(size));
    mpi_calls().broadcast(text.data(), size);
  }
  return text;
}

}  // namespace gs
