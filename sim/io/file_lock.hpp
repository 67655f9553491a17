#pragma once
// An exclusive lock held by this process on a lock file (flock), so two
// processes never write the same sweep directory or sweep member at once.
// The kernel releases it when the process ends, however it ends; a lock file
// left by a killed process is taken over by the next one.
#include <string>

namespace gs {

class FileLock {
 public:
  // Locks `path` (created if missing; it holds the holder's PID and host) without
  // waiting. When another process holds it, throws OutputError naming that
  // process and `what` is locked ("the sweep directory out/").
  FileLock(std::string path, const std::string& what);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace gs
