#pragma once
// Large blocks on huge pages. Every C++ allocation of large_block_bytes or
// more (a national graph's rows, agents' state, a builder's buffers) gets a
// mapping of its own whose body the kernel is asked to back with 2 MiB pages
// (madvise MADV_HUGEPAGE). A 4 KiB page costs one fault the first time it is
// written; on the project's virtual machines a fault costs 2-10 us, so the
// UK run's 1.6 million of them took a quarter to a third of its time
// (docs/performance.md, "Huge pages"). Smaller blocks go to malloc as before.
//
// The replacement of the global operator new and delete that does this is in
// large_blocks.cpp, compiled out in sanitizer builds (whose runtimes must see
// every allocation). It also advises the heap's first 16 MiB onto huge pages,
// where a small run builds its graph (Mesa's virus job: 1,460 faults -> 305).
// GROUNDSWELL_HUGE_PAGES=0 in the environment turns all advice off (large
// blocks still get mappings of their own).
#include <cstddef>

namespace gs::large_blocks {

inline constexpr std::size_t large_block_bytes = std::size_t{2} << 20;

// Whether this build routes large blocks through their own mappings.
bool enabled() noexcept;
// Large blocks alive now, and whether `p` is the start of one of them.
std::size_t live() noexcept;
bool owns(const void* p) noexcept;
// The part of the heap advised onto huge pages at start-up (empty if none).
struct HeapArena {
  const void* start = nullptr;
  std::size_t bytes = 0;
  bool filled_below = false;  // the heap below `start` is taken, so blocks come from the arena
};
HeapArena heap_arena() noexcept;

}  // namespace gs::large_blocks
