#pragma once
// An exception must never leave an OpenMP region: the runtime then calls
// std::terminate (SIGABRT), so an out-of-memory while building a graph
// aborted instead of ending in the "out of memory" message. Work inside a
// region that can throw (an allocation, an InputError) runs under
// ParallelErrors::run(); the first exception is kept, the remaining work is
// skipped, and rethrow() raises it after the region. run() never throws, so
// a thread always reaches the region's barriers; code after a barrier that
// depends on the work before it checks failed() (seen by every thread after
// the barrier). Used by the graph builders, the run loop and the models.
#include <atomic>
#include <exception>

namespace gs {

class ParallelErrors {
 public:
  template <class Work>
  void run(Work&& work) noexcept {
    if (failed()) return;
    try {
      work();
    } catch (...) {
#pragma omp critical(gs_parallel_errors)
      {
        if (!first_) first_ = std::current_exception();
      }
      failed_.store(true, std::memory_order_relaxed);
    }
  }
  bool failed() const { return failed_.load(std::memory_order_relaxed); }
  void rethrow() const {
    if (first_) std::rethrow_exception(first_);
  }

 private:
  std::atomic<bool> failed_{false};
  std::exception_ptr first_;
};

}  // namespace gs
