// Large blocks on huge pages (sim/core/large_blocks.*): where each block comes
// from, that the kernel was asked for huge pages, and that every form of
// new and delete gives back what it took.
#include "sim/core/large_blocks.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <new>
#include <sstream>
#include <string>
#include <vector>

namespace {

using gs::large_blocks::large_block_bytes;
constexpr std::uintptr_t huge_page = std::uintptr_t{2} << 20;

bool advice_on() {
  const char* value = std::getenv("GROUNDSWELL_HUGE_PAGES");
  return value == nullptr || value[0] != '0';
}

// The VmFlags line of the mapping holding `p` in /proc/self/smaps ("" if none).
std::string vm_flags_at(const void* p) {
  const auto address = reinterpret_cast<std::uintptr_t>(p);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t from = 0, to = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> from >> dash >> to && dash == '-') {
      inside = from <= address && address < to;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line;
    }
  }
  return "";
}

bool mapped(const void* p) {
  unsigned char resident = 0;
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  void* start = reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(p) / page * page);
  return ::mincore(start, page, &resident) == 0;  // ENOMEM when nothing is mapped there
}

class LargeBlocks : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!gs::large_blocks::enabled()) GTEST_SKIP() << "large blocks go to malloc in sanitizer builds";
  }
};

TEST_F(LargeBlocks, ALargeVectorGetsAMappingOfItsOwnAdvisedOntoHugePages) {
  const std::size_t before = gs::large_blocks::live();
  const void* where = nullptr;
  {
    std::vector<std::uint8_t> bytes(4 * large_block_bytes + 123, 7);
    where = bytes.data();
    EXPECT_TRUE(gs::large_blocks::owns(where));
    EXPECT_EQ(gs::large_blocks::live(), before + 1);
    // The data lies 64 bytes past a 2 MiB boundary, so whole huge pages hold it.
    EXPECT_EQ((reinterpret_cast<std::uintptr_t>(where) - 64) % huge_page, 0u);
    const std::string flags = vm_flags_at(where);
    ASSERT_FALSE(flags.empty());
    if (advice_on()) {
      EXPECT_NE(flags.find(" hg"), std::string::npos) << flags;
    }
    EXPECT_EQ(bytes.back(), 7);
    bytes.back() = 9;
    EXPECT_EQ(bytes[bytes.size() - 2], 7);
  }
  EXPECT_EQ(gs::large_blocks::live(), before);
  EXPECT_FALSE(gs::large_blocks::owns(where));
  EXPECT_FALSE(mapped(where)) << "the block's mapping is given back when it is freed";
}

TEST_F(LargeBlocks, SmallerBlocksComeFromMalloc) {
  const std::size_t before = gs::large_blocks::live();
  std::vector<std::uint8_t> bytes(large_block_bytes - 1, 1);
  EXPECT_FALSE(gs::large_blocks::owns(bytes.data()));
  EXPECT_EQ(gs::large_blocks::live(), before);
}

TEST_F(LargeBlocks, EveryFormOfNewAndDeleteGivesBackWhatItTook) {
  const std::size_t before = gs::large_blocks::live();
  const std::size_t bytes = large_block_bytes + 1;
  {
    auto array = std::make_unique<char[]>(bytes);  // new[] and an unsized delete[]
    EXPECT_TRUE(gs::large_blocks::owns(array.get()));
  }
  void* plain = ::operator new(bytes);
#if defined(__cpp_sized_deallocation)
  ::operator delete(plain, bytes);  // sized
#else
  ::operator delete(plain);
#endif
  for (const std::size_t alignment : {std::size_t{64}, std::size_t{256}, std::size_t{4096}}) {
    void* aligned = ::operator new (bytes, std::align_val_t{alignment});
    EXPECT_TRUE(gs::large_blocks::owns(aligned));
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(aligned) % alignment, 0u) << alignment;
    std::memset(aligned, 1, bytes);
    ::operator delete (aligned, std::align_val_t{alignment});
  }
  void* nothrow = ::operator new[](bytes, std::nothrow);
  EXPECT_TRUE(gs::large_blocks::owns(nothrow));
  ::operator delete[](nothrow, std::nothrow);
  EXPECT_EQ(gs::large_blocks::live(), before);
  // An alignment past a page goes to aligned_alloc and is still honoured.
  void* wide = ::operator new (bytes, std::align_val_t{huge_page});
  EXPECT_FALSE(gs::large_blocks::owns(wide));
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(wide) % huge_page, 0u);
  ::operator delete (wide, std::align_val_t{huge_page});
}

TEST_F(LargeBlocks, PastTheTableLargeBlocksComeFromMallocAndAllAreFreed) {
  const std::size_t before = gs::large_blocks::live();
  std::vector<void*> blocks;  // untouched, so they cost address space, not memory
  for (int i = 0; i < 1100; ++i) blocks.push_back(::operator new(large_block_bytes));
  EXPECT_GT(gs::large_blocks::live(), before);
  EXPECT_LE(gs::large_blocks::live(), 1024u);
  EXPECT_FALSE(gs::large_blocks::owns(blocks.back())) << "the table holds 1024 blocks";
  for (void* block : blocks) ::operator delete(block);
  EXPECT_EQ(gs::large_blocks::live(), before);
  void* again = ::operator new(large_block_bytes);
  EXPECT_TRUE(gs::large_blocks::owns(again)) << "freed entries are reused";
  ::operator delete(again);
}

TEST_F(LargeBlocks, AnImpossibleSizeThrowsBadAlloc) {
  const std::size_t impossible = std::size_t{1} << 62;
  bool threw = false;
  try {
    ::operator delete(::operator new(impossible));
  } catch (const std::bad_alloc&) {
    threw = true;
  }
  EXPECT_TRUE(threw);
  void* none = ::operator new(impossible, std::nothrow);
  EXPECT_EQ(none, nullptr);
  ::operator delete(none, std::nothrow);
}

TEST_F(LargeBlocks, TheHeapsFirstMegabytesAreAdvisedOntoHugePages) {
  if (!advice_on()) GTEST_SKIP() << "GROUNDSWELL_HUGE_PAGES=0";
  const auto arena = gs::large_blocks::heap_arena();
  ASSERT_NE(arena.start, nullptr);
  EXPECT_GE(arena.bytes, std::size_t{8} << 20);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(arena.start) % huge_page, 0u);
  const std::string flags = vm_flags_at(arena.start);
  EXPECT_NE(flags.find(" hg"), std::string::npos) << flags;
  EXPECT_TRUE(arena.filled_below) << "the heap below the arena would be used first";
}

}  // namespace
