// gs::ParallelErrors carries an exception out of an OpenMP region (an
// exception leaving a region calls std::terminate: the process would abort
// with SIGABRT). Each test throws from inside a region, on several threads,
// and expects the exception after it; the last ones go through the real
// regions of ordered_sum and the CSR builders.
#include <gtest/gtest.h>
#include <omp.h>

#include <atomic>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sim/core/ordered_sum.hpp"
#include "sim/core/parallel_errors.hpp"
#include "sim/graph/csr_builder.hpp"

using namespace gs;

namespace {
constexpr int threads = 4;
}

TEST(ParallelErrors, FirstExceptionIsRethrownAfterTheRegion) {
  ParallelErrors errors;
  std::atomic<int> ran{0};
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (int i = 0; i < 1000; ++i) {
    // Items are handed out in order, so item 3 is taken before item 500: waiting there until the
    // failure is recorded keeps a busy machine from finishing every item before it is.
    if (i >= 500)
      while (!errors.failed()) std::this_thread::yield();
    errors.run([&] {
      ran.fetch_add(1);
      if (i == 3) throw std::runtime_error("item 3 failed");
    });
  }
  EXPECT_TRUE(errors.failed());
  EXPECT_LT(ran.load(), 1000) << "work after the failure should have been skipped";
  try {
    errors.rethrow();
    FAIL() << "rethrow() did not throw";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "item 3 failed");
  }
}

TEST(ParallelErrors, EveryThreadThrowingKeepsOneException) {
  ParallelErrors errors;
#pragma omp parallel num_threads(threads)
  {
    const int me = omp_get_thread_num();
    errors.run([&] { throw std::runtime_error("thread " + std::to_string(me)); });
  }
  EXPECT_THROW(errors.rethrow(), std::runtime_error);
}

TEST(ParallelErrors, NoFailureNoRethrowAndWorkRuns) {
  ParallelErrors errors;
  std::vector<int> done(100, 0);
#pragma omp parallel for num_threads(threads)
  for (int i = 0; i < 100; ++i) errors.run([&] { done[static_cast<std::size_t>(i)] = 1; });
  EXPECT_FALSE(errors.failed());
  EXPECT_NO_THROW(errors.rethrow());
  for (int d : done) EXPECT_EQ(d, 1);
}

TEST(ParallelErrors, AfterAFailureRunSkipsWork) {
  ParallelErrors errors;
  errors.run([] { throw std::bad_alloc(); });
  bool called = false;
  errors.run([&] { called = true; });
  EXPECT_FALSE(called);
  EXPECT_THROW(errors.rethrow(), std::bad_alloc);
}

// The failure is seen by every thread after a barrier, so that work after it
// that depends on the work before it can be skipped alike (graph.cpp's
// finish_rows, the organising model's citizens' step).
TEST(ParallelErrors, FailureIsSeenByEveryThreadAfterABarrier) {
  ParallelErrors errors;
  std::atomic<int> saw{0}, team{0};
#pragma omp parallel num_threads(threads)
  {
    if (omp_get_thread_num() == 0) errors.run([] { throw std::bad_alloc(); });
#pragma omp single
    team = omp_get_num_threads();
#pragma omp barrier
    if (errors.failed()) saw.fetch_add(1);
  }
  EXPECT_EQ(saw.load(), team.load());
  EXPECT_THROW(errors.rethrow(), std::bad_alloc);
}

TEST(ParallelErrors, OrderedSumCarriesTheExceptionOut) {
  const auto f = [](std::size_t i) -> double {
    if (i == 50000) throw std::bad_alloc();
    return 1.0;
  };
  const int before = omp_get_max_threads();
  omp_set_num_threads(threads);
  EXPECT_THROW(ordered_sum(100000, f), std::bad_alloc);
  omp_set_num_threads(before);
}

TEST(ParallelErrors, CsrBuildersCarryTheExceptionOut) {
  const int before = omp_get_max_threads();
  omp_set_num_threads(threads);
  const std::size_t nodes = 1000, chunks = 16;
  const auto source = [](std::size_t c, auto&& emit) {
    if (c == 7) throw std::bad_alloc();
    for (std::size_t v = c * 62; v + 1 < (c + 1) * 62; ++v) emit(NodeId(v), NodeId(v + 1));
  };
  EXPECT_THROW(build_csr_streamed(nodes, chunks, source), std::bad_alloc);
  std::vector<std::uint64_t> chunk_start;
  for (std::size_t c = 0; c <= chunks; ++c) chunk_start.push_back(c * nodes / chunks);
  const auto leaving = [](std::size_t c, auto&&) -> std::uint64_t {
    if (c == 3) throw std::bad_alloc();
    return 100;
  };
  const auto nothing = [](std::size_t, auto&&) {};
  EXPECT_THROW(build_csr_owned(nodes, chunk_start, nothing, leaving), std::bad_alloc);
  const auto failing_source = [](std::size_t c, auto&&) {
    if (c == 5) throw std::bad_alloc();
  };
  const auto none_leave = [](std::size_t, auto&&) -> std::uint64_t { return 0; };
  EXPECT_THROW(build_csr_owned(nodes, chunk_start, failing_source, none_leave), std::bad_alloc);
  omp_set_num_threads(before);
}
