#include "sim/io/directory_sync.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

#include "sim/io/output.hpp"

namespace gs {
namespace {

using Clock = std::chrono::steady_clock;

// One policy per process: writers deep in the call tree (write_output under
// execute_scenario) follow whatever the sweep around them set up.
struct Policy {
  std::mutex mutex;
  int deferring = 0;  // live DeferredDirectorySync objects (nested ones share the outermost's interval)
  std::chrono::milliseconds interval{0};
  std::map<std::string, Clock::time_point> last_flush;
  std::set<std::string> pending;
  std::uint64_t flushes = 0;
};

Policy& policy() {
  static Policy p;
  return p;
}

// Caller holds the mutex.
void flush_now(Policy& p, const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw OutputError(dir + ": cannot open to flush: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  // Some file systems cannot flush a directory (EINVAL): nothing more to do there.
  if (rc != 0 && err != EINVAL) throw OutputError(dir + ": cannot flush to disk: " + std::strerror(err));
  ++p.flushes;
  p.last_flush[dir] = Clock::now();
  p.pending.erase(dir);
}

void flush_pending(Policy& p) {
  while (!p.pending.empty()) flush_now(p, *p.pending.begin());
}

// Caller holds the mutex. Every deferral's end flushes what is pending (an
// inner one's too: its caller counts on it); the outermost's also forgets
// the times, so the next deferral flushes its first rename at once.
void end_deferral(Policy& p) {
  --p.deferring;
  flush_pending(p);
  if (p.deferring == 0) p.last_flush.clear();
}

}  // namespace

DeferredDirectorySync::DeferredDirectorySync(std::chrono::milliseconds interval) {
  Policy& p = policy();
  const std::lock_guard lock(p.mutex);
  if (p.deferring++ == 0) p.interval = interval;
}

DeferredDirectorySync::~DeferredDirectorySync() {
  if (finished_) return;
  Policy& p = policy();
  const std::lock_guard lock(p.mutex);
  try {
    end_deferral(p);
  } catch (const OutputError&) {
    p.pending.clear();  // finish() was not called: nobody is left to tell
  }
}

void DeferredDirectorySync::finish() {
  if (finished_) return;
  finished_ = true;
  Policy& p = policy();
  const std::lock_guard lock(p.mutex);
  end_deferral(p);
}

void flush_directory_after_rename(const std::string& dir) {
  Policy& p = policy();
  const std::lock_guard lock(p.mutex);
  if (p.deferring == 0) return flush_now(p, dir);
  const auto last = p.last_flush.find(dir);
  if (last == p.last_flush.end() || Clock::now() - last->second >= p.interval)
    flush_now(p, dir);
  else
    p.pending.insert(dir);
}

std::uint64_t directory_flushes() {
  Policy& p = policy();
  const std::lock_guard lock(p.mutex);
  return p.flushes;
}

std::size_t pending_directory_flushes() {
  Policy& p = policy();
  const std::lock_guard lock(p.mutex);
  return p.pending.size();
}

}  // namespace gs
