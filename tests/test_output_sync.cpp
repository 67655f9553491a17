// When output directories are flushed to disk: at once after each rename for
// a lone write; inside a DeferredDirectorySync (a sweep) at most once per
// interval, and every pending one by the time it finishes. Files written
// meanwhile are complete: each was flushed before its rename.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "output_testing.hpp"
#include "sim/io/directory_sync.hpp"
#include "sim/io/output.hpp"
#include "sim/sweep/member_file.hpp"
#include "sim/sweep/run_sweep.hpp"

using namespace gs;
using gs::testing::TempDir;
using gs::testing::write_small_output;

namespace {

// Built with += : GCC 12 warns falsely (-Wrestrict) on "f" + string.
std::string file_name(int i) {
  std::string name = "f";
  name += std::to_string(i);
  name += ".h5";
  return name;
}

// Only finished files: no temporaries left beside them.
std::size_t entries(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST(OutputSync, ALoneWriteFlushesItsDirectoryAtOnce) {
  const TempDir dir("output-sync-lone");
  const std::uint64_t before = directory_flushes();
  for (int i = 0; i < 3; ++i) write_small_output(dir.path / file_name(i), "sync");
  EXPECT_EQ(directory_flushes(), before + 3);
  EXPECT_EQ(pending_directory_flushes(), 0u);
}

TEST(OutputSync, DeferredFlushesAtMostOncePerIntervalAndAllByTheEnd) {
  const TempDir dir("output-sync-deferred");
  const std::uint64_t before = directory_flushes();
  {
    DeferredDirectorySync deferred(std::chrono::hours(1));  // nothing comes due during the test
    for (int i = 0; i < 20; ++i) write_small_output(dir.path / file_name(i), "sync");
    EXPECT_EQ(directory_flushes(), before + 1);  // the first rename, then none within the hour
    EXPECT_EQ(pending_directory_flushes(), 1u);
    deferred.finish();
    EXPECT_EQ(directory_flushes(), before + 2);
    EXPECT_EQ(pending_directory_flushes(), 0u);
    // Finished, it defers no more (a sweep's index, written after, is flushed at once).
    write_small_output(dir.path / "index.h5", "sync");
    EXPECT_EQ(directory_flushes(), before + 3);
    EXPECT_EQ(pending_directory_flushes(), 0u);
  }
  EXPECT_EQ(directory_flushes(), before + 3);  // nothing left for the end of the scope
  EXPECT_EQ(entries(dir.path), 21u);
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(member_file_complete((dir.path / file_name(i)).string())) << i;
}

TEST(OutputSync, AnUnfinishedDeferralStillFlushesWhenItEnds) {
  const TempDir dir("output-sync-unfinished");
  const std::uint64_t before = directory_flushes();
  {
    const DeferredDirectorySync deferred(std::chrono::hours(1));
    for (int i = 0; i < 2; ++i) write_small_output(dir.path / file_name(i), "sync");
    EXPECT_EQ(pending_directory_flushes(), 1u);
  }
  EXPECT_EQ(pending_directory_flushes(), 0u);
  EXPECT_EQ(directory_flushes(), before + 2);
  // Outside any deferral, writes flush at once again.
  write_small_output(dir.path / "after.h5", "sync");
  EXPECT_EQ(directory_flushes(), before + 3);
}

TEST(OutputSync, ASweepHasFlushedItsDirectoryByTheTimeItReturns) {
  const TempDir dir("output-sync-sweep");
  const Sweep sweep = load_sweep(std::string(GROUNDSWELL_SOURCE_DIR) + "/scenarios/sweeps/small_town.yaml");
  SweepRunOptions options;
  options.dir = (dir.path / "out").string();
  options.quiet = true;
  const MpiSession no_mpi(false);
  const std::uint64_t before = directory_flushes();
  const SweepOutcome out = run_sweep(sweep, options, no_mpi);
  EXPECT_EQ(out.failed, 0u);
  EXPECT_EQ(out.ran, sweep.members.size());
  EXPECT_EQ(pending_directory_flushes(), 0u);
  EXPECT_GE(directory_flushes(), before + 1);
  for (const auto& m : sweep.members) EXPECT_TRUE(member_file_complete(member_path(options.dir, m))) << m.name;
}
