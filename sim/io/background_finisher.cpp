#include "sim/io/background_finisher.hpp"

#include <atomic>
#include <exception>
#include <stdexcept>
#include <utility>

namespace gs {
namespace {

std::atomic<BackgroundFinisher*> the_active{nullptr};

}  // namespace

BackgroundFinisher::BackgroundFinisher(std::size_t max_waiting) : max_waiting_(max_waiting == 0 ? 1 : max_waiting) {
  BackgroundFinisher* none = nullptr;
  if (!the_active.compare_exchange_strong(none, this))
    throw std::logic_error("a BackgroundFinisher is already active in this process");
  thread_ = std::thread([this] { work(); });
}

BackgroundFinisher::~BackgroundFinisher() {
  if (thread_.joinable()) finish();
}

BackgroundFinisher* BackgroundFinisher::active() { return the_active.load(); }

void BackgroundFinisher::hand_over(std::function<void()> task, std::string label) {
  std::unique_lock lock(mutex_);
  if (stopping_) {  // finished: nothing runs behind the caller's back any more
    lock.unlock();
    task();
    return;
  }
  changed_.wait(lock, [&] { return tasks_.size() < max_waiting_; });
  tasks_.emplace_back(std::move(task), std::move(label));
  changed_.notify_all();
}

std::vector<FinishFailure> BackgroundFinisher::wait() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return tasks_.empty() && !running_task_; });
  return std::exchange(failures_, {});
}

std::vector<FinishFailure> BackgroundFinisher::finish() {
  std::vector<FinishFailure> failures = wait();
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  BackgroundFinisher* self = this;
  the_active.compare_exchange_strong(self, nullptr);
  return failures;
}

void BackgroundFinisher::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
    if (tasks_.empty()) return;  // stopping, and nothing left
    auto [task, label] = std::move(tasks_.front());
    tasks_.pop_front();
    running_task_ = true;
    changed_.notify_all();  // a slot is free
    lock.unlock();
    std::string error;
    try {
      task();
    } catch (const std::exception& e) {
      error = e.what();
    } catch (...) {
      error = "unknown error";
    }
    task = nullptr;  // what it holds (a member's lock) is released once its file is in place
    lock.lock();
    if (!error.empty()) failures_.push_back({std::move(label), std::move(error)});
    running_task_ = false;
    changed_.notify_all();
  }
}

}  // namespace gs
