#pragma once
// Finishing result files off the writer's critical path. write_atomically
// (output.hpp) writes a file under a temporary name, flushes it to disk,
// renames it into place and flushes the directory; for a small sweep member
// the flush is most of that time when the disk is busy. While a
// BackgroundFinisher is alive, write_output hands its written temporary to
// the finisher's thread, which flushes and renames the files one by one in
// the order they came, while the writer goes on to its next member.
//
// The guarantee does not change: a file is flushed before its rename, so its
// final name holds nothing or the complete file. What the finisher adds is a
// window in which a handed-over file is not yet in place; finish() closes it
// and says which files failed (a full disk, say), so a sweep marks those
// members failed before it writes an index that lists members as complete.
// docs/reliability.md, "Outputs are whole or absent".
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gs {

// A task that threw on the finisher's thread: its label (the target path of
// a file) and the error's message.
struct FinishFailure {
  std::string label;
  std::string message;
};

class BackgroundFinisher {
 public:
  // At most `max_waiting` tasks wait at once; handing over one more blocks
  // until one is done, which bounds the data not yet flushed. One finisher
  // per process at a time (std::logic_error otherwise).
  explicit BackgroundFinisher(std::size_t max_waiting = 4);
  // Unless finished, finishes every waiting task; their errors are lost
  // there: call finish().
  ~BackgroundFinisher();
  BackgroundFinisher(const BackgroundFinisher&) = delete;
  BackgroundFinisher& operator=(const BackgroundFinisher&) = delete;

  // Runs `task` on the finisher's thread after every task handed over
  // before it. An exception it throws is recorded under `label`, and the
  // tasks after it still run.
  void hand_over(std::function<void()> task, std::string label = "");

  // Waits for every task handed over so far and returns the failures not
  // yet returned. The finisher stays usable.
  std::vector<FinishFailure> wait();

  // wait(), then stops the thread and the deferral: write_output writes at
  // once again (a sweep's index, written after, must not be deferred).
  std::vector<FinishFailure> finish();

  // The live, unfinished finisher of this process, or nullptr.
  static BackgroundFinisher* active();

 private:
  void work();

  std::size_t max_waiting_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::pair<std::function<void()>, std::string>> tasks_;
  bool running_task_ = false;
  bool stopping_ = false;
  std::vector<FinishFailure> failures_;
  std::thread thread_;
};

}  // namespace gs
