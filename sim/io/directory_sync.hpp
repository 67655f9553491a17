#pragma once
// When a directory is flushed to disk after a file was renamed into it. The
// file itself is always flushed before its rename, so the target holds its
// old content, nothing, or the complete new file, whatever happens; flushing
// the directory makes the rename itself survive a crash. A lone write does
// that at once. A sweep renames thousands of small files into one directory
// (a flush each cost about as much as writing the file), so while a
// DeferredDirectorySync is alive a directory is flushed at most once per
// interval, and every one still pending when it finishes. A crash meanwhile
// can lose the last renames: those members are absent (never partial), and
// `sweep --resume` runs them again.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace gs {

class DeferredDirectorySync {
 public:
  explicit DeferredDirectorySync(std::chrono::milliseconds interval = std::chrono::seconds(1));
  // Unless finished, flushes whatever is still pending; errors are lost here: call finish().
  ~DeferredDirectorySync();
  DeferredDirectorySync(const DeferredDirectorySync&) = delete;
  DeferredDirectorySync& operator=(const DeferredDirectorySync&) = delete;

  // Stops deferring (renames after it flush at once, as outside) and
  // flushes every pending directory now; throws OutputError naming the one
  // that failed. Once only.
  void finish();

 private:
  bool finished_ = false;
};

// Called after a rename into `dir`: flushes dir now, or, inside a
// DeferredDirectorySync, now if it was last flushed an interval ago, else
// later. Throws OutputError when a flush fails.
void flush_directory_after_rename(const std::string& dir);

// Directories this process has flushed, and those waiting: for tests and measurements.
std::uint64_t directory_flushes();
std::size_t pending_directory_flushes();

}  // namespace gs
