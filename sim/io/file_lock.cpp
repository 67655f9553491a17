#include "sim/io/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sim/io/output.hpp"

namespace gs {
namespace {

// The lock file holds "PID HOST\n"; the holder is named as "pid PID on host HOST" (the PID alone would not
// say which machine to look on when the directory is shared by a cluster's nodes).
std::string holder_of(int fd) {
  char text[320] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  const std::string content(text, n > 0 ? static_cast<std::size_t>(n) : 0);
  const std::size_t pid_end = content.find_first_not_of("0123456789");
  const std::string pid = content.substr(0, pid_end);
  if (pid.empty()) return "pid unknown";
  std::string host;
  if (pid_end != std::string::npos && content[pid_end] == ' ') {
    for (std::size_t i = pid_end + 1; i < content.size() && content[i] != '\n'; ++i) {
      const char c = content[i];
      if (c <= ' ' || c > '~') return "pid " + pid;  // not a host name: name the PID only
      host += c;
    }
  }
  return host.empty() ? "pid " + pid : "pid " + pid + " on host " + host;
}

std::string this_host() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

bool same_file(int fd, const std::string& path) {
  struct stat held {};
  struct stat named {};
  return ::fstat(fd, &held) == 0 && ::stat(path.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
         held.st_dev == named.st_dev;
}

}  // namespace

FileLock::FileLock(std::string path, const std::string& what) : path_(std::move(path)) {
  // The holder unlinks the file before releasing it; a lock won on an
  // unlinked file is worthless, so try again on the new one.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw OutputError(path_ + ": cannot create lock file: " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      const std::string holder = holder_of(fd);
      ::close(fd);
      if (err == EWOULDBLOCK)
        throw OutputError(what + " is in use by another groundswell process (pid " + holder + ", lock file " + path_ +
                          "); wait for it to finish, or use another directory");
      throw OutputError(path_ + ": cannot lock: " + std::strerror(err));
    }
    if (!same_file(fd, path_)) {
      ::close(fd);
      continue;
    }
    const std::string holder = std::to_string(::getpid()) + " " + this_host() + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, holder.data(), holder.size(), 0) < 0) {
      // The lock holds without the PID and host; only the message would lack them.
    }
    fd_ = fd;
    return;
  }
  throw OutputError(path_ + ": cannot lock: the lock file keeps being replaced");
}

FileLock::~FileLock() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // before releasing: see the constructor
  ::close(fd_);
}

}  // namespace gs
