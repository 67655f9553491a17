// A sweep's member files are flushed and renamed on a BackgroundFinisher's
// thread while the next member runs. These check that nothing is claimed
// done before its file is in place: the finisher's wait() returns only when
// every task handed over has run, a sweep returns with every member file
// complete under its final name (no temporaries), and a flush or rename that
// fails on the finisher's thread fails the member, with a message naming it.
// The finisher's own tests are in the Sweep suite, which CI's
// ThreadSanitizer run covers. Those that run sweep members (SweepFiles) are
// clean under TSan too, but building a member's graph inside WorldCache's
// lock draws a lock-order report on Archer's own mutex (libarcher.so, an
// OpenMP ordered section; OutputSync's sweep test shows it as well), which
// scripts/tsan.supp suppresses.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "output_testing.hpp"
#include "sim/io/background_finisher.hpp"
#include "sim/io/output.hpp"
#include "sim/sweep/member_file.hpp"
#include "sim/sweep/run_sweep.hpp"

using namespace gs;
using gs::testing::TempDir;
using gs::testing::write_small_output;

namespace {

namespace fs = std::filesystem;

std::string small_town() { return std::string(GROUNDSWELL_SOURCE_DIR) + "/scenarios/sweeps/small_town.yaml"; }

// Names in dir that are not member files, the index or lock files: temporaries left behind.
std::vector<std::string> leftovers(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".h5") && name[0] != '.') continue;
    if (name == "index.csv" || name.ends_with(".lock")) continue;
    out.push_back(name);
  }
  return out;
}

// Waits until done() holds; gives up after a minute (the test then fails on
// what it checks next).
template <class Done>
void wait_for(Done done) {
  for (int i = 0; i < 60000 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

// The temporary write_atomically makes for `target` in this process
// (.NAME.tmp-HOST-PID), once it exists; gives up after a minute.
fs::path temporary_of(const fs::path& target) {
  // Built with += : GCC 12 warns falsely (-Wrestrict) on "." + string.
  std::string prefix = ".";
  prefix += target.filename().string();
  prefix += ".tmp-";
  std::string suffix = "-";
  suffix += std::to_string(::getpid());
  for (int i = 0; i < 60000; ++i) {
    for (const auto& entry : fs::directory_iterator(target.parent_path())) {
      const std::string name = entry.path().filename().string();
      if (name.starts_with(prefix) && name.ends_with(suffix)) return entry.path();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return {};
}

}  // namespace

TEST(Sweep, FinisherWaitReturnsOnlyOnceEveryTaskHasRun) {
  BackgroundFinisher finisher(2);
  std::atomic<int> ran{0};
  for (int i = 0; i < 6; ++i)  // more than the queue holds: handing over waits for room
    finisher.hand_over([&ran] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      ++ran;
    });
  EXPECT_TRUE(finisher.wait().empty());
  EXPECT_EQ(ran.load(), 6);
  finisher.hand_over([] { throw OutputError("out.h5: cannot flush to disk"); }, "out.h5");
  finisher.hand_over([&ran] { ++ran; });  // tasks after a failed one still run
  const std::vector<FinishFailure> failures = finisher.finish();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].label, "out.h5");
  EXPECT_EQ(failures[0].message, "out.h5: cannot flush to disk");
  EXPECT_EQ(ran.load(), 7);
  EXPECT_EQ(BackgroundFinisher::active(), nullptr);
}

TEST(SweepFiles, EveryMemberFileIsCompleteAndInPlaceWhenTheSweepReturns) {
  const TempDir dir("finisher-complete");
  const Sweep sweep = load_sweep(small_town());
  SweepRunOptions options;
  options.dir = (dir.path / "out").string();
  options.quiet = true;
  const SweepOutcome out = run_sweep(sweep, options, MpiSession(false));
  EXPECT_EQ(out.failed, 0u);
  EXPECT_EQ(out.ran, sweep.members.size());
  EXPECT_EQ(BackgroundFinisher::active(), nullptr);  // finished: later writes are in place on return
  for (const auto& m : sweep.members) {
    EXPECT_EQ(out.results[m.index].status, "done") << m.name;
    EXPECT_TRUE(member_file_complete(member_path(options.dir, m))) << m.name;
  }
  EXPECT_EQ(leftovers(options.dir), std::vector<std::string>{});
}

// A file whose rename fails on the finisher's thread: the writer returned
// long before, so the failure must come back through the finisher.
TEST(Sweep, AFailedBackgroundRenameIsReportedWithItsPath) {
  const TempDir dir("finisher-rename");
  const fs::path target = dir.path / "run.h5";
  BackgroundFinisher finisher;
  // Holds the finisher until the file is handed over, then puts a directory
  // (not empty) where the file would go: the rename of a file over it fails.
  // Not before: the writer checks its target after making the temporary.
  std::atomic<bool> handed_over{false};
  finisher.hand_over([&] {
    wait_for([&] { return handed_over.load(); });
    fs::create_directories(target / "occupied");
  });
  write_small_output(target, "finisher");  // returns once handed over
  handed_over = true;
  const std::vector<FinishFailure> failures = finisher.finish();
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].label, target.string());
  EXPECT_NE(failures[0].message.find("cannot rename the finished file into place"), std::string::npos)
      << failures[0].message;
  EXPECT_NE(failures[0].message.find("nothing was left at " + target.string()), std::string::npos);
  EXPECT_TRUE(fs::is_directory(target));
  EXPECT_EQ(leftovers(dir.path), std::vector<std::string>{});  // the temporary was removed
}

// The same inside a sweep: the member ran and its file was written, but it
// never reached its name, so the member is failed, not done.
TEST(SweepFiles, AMemberWhoseFileFailsInTheBackgroundIsFailedNotDone) {
  const TempDir dir("finisher-member");
  const Sweep sweep = load_sweep(small_town());
  SweepJob job;
  job.sweep = &sweep;
  job.dir = dir.path.string();
  job.quiet = true;
  for (const auto& m : sweep.members) job.scenarios.push_back(load_member(sweep, m));
  BackgroundFinisher finisher;
  job.finisher = &finisher;
  const fs::path target = member_path(job.dir, sweep.members[1]);
  // The next member's temporary means this member's file was handed over
  // (the writer checks its target after making its temporary, so the
  // directory must come later than that).
  finisher.hand_over([&] {
    temporary_of(member_path(job.dir, sweep.members[2]));
    fs::create_directories(target / "occupied");
  });
  std::vector<MemberStatus> results(sweep.members.size());
  run_serial(job, {1, 2}, results);
  EXPECT_EQ(results[1].status, "failed");
  EXPECT_NE(results[1].message.find(target.string() + ": cannot rename the finished file into place"),
            std::string::npos)
      << results[1].message;
  EXPECT_EQ(results[2].status, "done");  // the next member's file is unaffected
  EXPECT_TRUE(member_file_complete(member_path(job.dir, sweep.members[2])));
  EXPECT_TRUE(finisher.finish().empty());  // run_serial collected them
}

// The directory is listed once for stale temporaries, not before each
// member: those present when the sweep starts are still removed, each under
// its member's lock.
TEST(SweepFiles, AResumedSweepRemovesItsMembersStaleTemporaries) {
  const TempDir dir("finisher-stale");
  const Sweep sweep = load_sweep(small_town());
  SweepRunOptions options;
  options.dir = (dir.path / "out").string();
  options.quiet = true;
  options.resume = true;
  fs::create_directories(options.dir);
  for (const auto& m : sweep.members)  // another host's: only the member's lock says it is stale
    std::ofstream(fs::path(options.dir) / ("." + m.name + ".h5.tmp-elsewhere-1")) << "partial";
  const SweepOutcome out = run_sweep(sweep, options, MpiSession(false));
  EXPECT_EQ(out.ran, sweep.members.size());
  EXPECT_EQ(leftovers(options.dir), std::vector<std::string>{});
}
