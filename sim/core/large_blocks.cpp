// The replaceable global allocation functions ([new.delete]), routing blocks
// of large_block_bytes or more to mappings of their own on 2 MiB pages
// (large_blocks.hpp says why). Everything else goes to malloc, as the
// library's own operator new does.
//
// A large block's mapping starts on a 2 MiB boundary and its data lies a
// small offset in (64 bytes, or the alignment asked for if larger), so every
// whole 2 MiB of it can be one huge page. Which pointers are large blocks is
// kept in a small table, not in a header before the data: an unsized delete
// of a malloc'd pointer must never read memory that is not its own.
#include "sim/core/large_blocks.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <new>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GROUNDSWELL_LARGE_BLOCKS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define GROUNDSWELL_LARGE_BLOCKS 0
#endif
#endif
#ifndef GROUNDSWELL_LARGE_BLOCKS
#define GROUNDSWELL_LARGE_BLOCKS 1
#endif

namespace gs::large_blocks {
namespace {

constexpr std::size_t huge_page = std::size_t{2} << 20;
constexpr std::size_t small_page = 4096;
constexpr std::size_t min_offset = 64;  // a cache line: the data keeps any alignment up to it
// Alignments above this (rare: none in the project) go to aligned_alloc.
constexpr std::size_t max_offset = small_page;

struct Mapping {
  const void* data = nullptr;
  void* start = nullptr;
  std::size_t length = 0;
};
// Enough for every large array of a run many times over; when it is full,
// further large blocks come from malloc.
constexpr std::size_t table_size = 1024;

// Constant-initialised (no constructors run), so allocations made by other
// files' static initialisers, before this file's, find them ready.
std::mutex table_mutex;
std::array<Mapping, table_size> table{};
std::size_t table_end = 0;  // entries past it are empty
std::atomic<std::size_t> live_blocks{0};
HeapArena advised_arena{};
// Kept for the life of the process; volatile, or the compiler drops the
// malloc whose result nothing reads.
void* volatile heap_filler = nullptr;

std::uintptr_t round_up(std::uintptr_t value, std::uintptr_t to) { return (value + to - 1) / to * to; }

bool huge_pages_wanted() {
  static const bool wanted = [] {
    const char* value = std::getenv("GROUNDSWELL_HUGE_PAGES");
    return value == nullptr || value[0] != '0';
  }();
  return wanted;
}

// A pointer at one of the offsets a large block's data can have from its
// 2 MiB boundary: the cheap test before the table is searched.
bool may_be_large(const void* p) {
  const std::uintptr_t within = reinterpret_cast<std::uintptr_t>(p) & (huge_page - 1);
  return within >= min_offset && within <= max_offset && (within & (within - 1)) == 0;
}

bool remember(const Mapping& mapping) {
  const std::lock_guard lock(table_mutex);
  auto* free_slot = std::find_if(table.begin(), table.begin() + static_cast<std::ptrdiff_t>(table_end),
                                 [](const Mapping& m) { return m.data == nullptr; });
  if (free_slot == table.begin() + static_cast<std::ptrdiff_t>(table_end)) {
    if (table_end == table_size) return false;
    ++table_end;
  }
  *free_slot = mapping;
  live_blocks.fetch_add(1, std::memory_order_relaxed);
  return true;
}

// p's entry in the table, or nullptr; the caller holds table_mutex.
Mapping* entry_of(const void* p) {
  const auto end = table.begin() + static_cast<std::ptrdiff_t>(table_end);
  auto* found = std::find_if(table.begin(), end, [p](const Mapping& m) { return m.data == p; });
  return found == end ? nullptr : found;
}

// Removes p's entry and returns its mapping; an empty Mapping if p is not a large block.
Mapping forget(const void* p) {
  const std::lock_guard lock(table_mutex);
  Mapping* found = entry_of(p);
  if (found == nullptr) return {};
  const Mapping mapping = *found;
  *found = {};
  while (table_end > 0 && table[table_end - 1].data == nullptr) --table_end;
  live_blocks.fetch_sub(1, std::memory_order_relaxed);
  return mapping;
}

void* map_large(std::size_t bytes, std::size_t alignment) noexcept {
  const std::size_t offset = std::max(min_offset, alignment);
  if (offset > max_offset || bytes > SIZE_MAX / 2) return nullptr;
  const std::size_t length = round_up(bytes + offset, small_page);
  // Map 2 MiB more than needed, then give back what lies before the first
  // 2 MiB boundary and after the block.
  const std::size_t reserved = length + huge_page;
  void* raw = ::mmap(nullptr, reserved, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  const auto raw_address = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t start_address = round_up(raw_address, huge_page);
  const std::size_t head = start_address - raw_address;
  auto* start = reinterpret_cast<char*>(start_address);
  if (head > 0) ::munmap(raw, head);
  if (reserved - head > length) ::munmap(start + length, reserved - head - length);
  // Advice only: where the kernel has no huge pages to give, 4 KiB pages serve.
  if (huge_pages_wanted()) ::madvise(start, length, MADV_HUGEPAGE);
  void* data = start + offset;
  if (!remember({data, start, length})) {
    ::munmap(start, length);
    return nullptr;
  }
  return data;
}

void* allocate(std::size_t bytes, std::size_t alignment) {
  if (GROUNDSWELL_LARGE_BLOCKS && bytes >= large_block_bytes)
    if (void* p = map_large(bytes, alignment)) return p;
  if (bytes == 0) bytes = 1;
  for (;;) {
    void* p = alignment <= alignof(std::max_align_t) ? std::malloc(bytes)
                                                     : std::aligned_alloc(alignment, round_up(bytes, alignment));
    if (p != nullptr) return p;
    const std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

// release and allocate_nothrow serve only the operators below, which sanitizer
// builds leave out.
[[maybe_unused]] void release(void* p) noexcept {
  if (p == nullptr) return;
  if (GROUNDSWELL_LARGE_BLOCKS && live_blocks.load(std::memory_order_relaxed) > 0 && may_be_large(p)) {
    const Mapping mapping = forget(p);
    if (mapping.start != nullptr) {
      ::munmap(mapping.start, mapping.length);
      return;
    }
  }
  std::free(p);
}

[[maybe_unused]] void* allocate_nothrow(std::size_t bytes, std::size_t alignment) noexcept {
  try {
    return allocate(bytes, alignment);
  } catch (...) {
    return nullptr;
  }
}

#if GROUNDSWELL_LARGE_BLOCKS
// glibc serves blocks from 128 KiB up with mappings of their own, a
// threshold it raises towards 32 MiB as such blocks are freed. Large blocks
// no longer reach it, so it would stay at 128 KiB and map (and fault in)
// each medium-sized block afresh: keep everything below large_block_bytes in
// the heap instead. And the heap's first heap_arena_bytes are advised onto
// huge pages too: small runs (Mesa's virus job: 1,460 faults, a third of its
// time, before) build their graph there.
constexpr std::size_t heap_arena_bytes = std::size_t{16} << 20;

void advise_the_heap() {
  // Grow the heap by heap_arena_bytes now; give memory free at its top back
  // to the system only past twice that (it would come back without the advice).
  ::mallopt(M_TOP_PAD, static_cast<int>(heap_arena_bytes));
  ::mallopt(M_TRIM_THRESHOLD, static_cast<int>(2 * heap_arena_bytes));
  constexpr std::size_t probe_bytes = large_block_bytes / 2;  // more than the heap has free: it grows now
  constexpr std::uintptr_t chunk_header = 64;
  void* probe = std::malloc(probe_bytes);
  ::mallopt(M_TOP_PAD, 128 << 10);  // glibc's default: later growth as before
  if (probe == nullptr) return;
  const auto at = reinterpret_cast<std::uintptr_t>(probe);
  // Growing the heap, malloc wrote a header just past the probe, before any
  // advice, and the 2 MiB around a page already written can no longer be one
  // huge page: the advised part starts at the boundary after that header.
  const std::uintptr_t from = round_up(at + probe_bytes + chunk_header, huge_page);
  const auto to = reinterpret_cast<std::uintptr_t>(::sbrk(0));
  if (to <= from || ::madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE) != 0) {
    std::free(probe);
    return;
  }
  advised_arena = {reinterpret_cast<const void*>(from), to - from};
  // malloc would serve the next blocks from the heap below `from` first: fill
  // it with a block that is kept and never written (so it holds no memory),
  // and blocks come from the advised part.
  std::free(probe);
  heap_filler = std::malloc(from - at - chunk_header);
}

[[gnu::constructor]] void prepare_the_heap() {
  // The probe and the filler (up to 3 MiB) must come from the heap: glibc's
  // largest threshold while they are made.
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
  if (huge_pages_wanted()) advise_the_heap();
  ::mallopt(M_MMAP_THRESHOLD, static_cast<int>(large_block_bytes));
}
#endif

}  // namespace

bool enabled() noexcept { return GROUNDSWELL_LARGE_BLOCKS != 0; }
std::size_t live() noexcept { return live_blocks.load(std::memory_order_relaxed); }
HeapArena heap_arena() noexcept {
  HeapArena arena = advised_arena;
  arena.filled_below = heap_filler != nullptr;
  return arena;
}
bool owns(const void* p) noexcept {
  if (!may_be_large(p)) return false;
  const std::lock_guard lock(table_mutex);
  return entry_of(p) != nullptr;
}

}  // namespace gs::large_blocks

#if GROUNDSWELL_LARGE_BLOCKS
namespace {
constexpr std::size_t default_alignment = __STDCPP_DEFAULT_NEW_ALIGNMENT__;
std::size_t as_size(std::align_val_t alignment) { return static_cast<std::size_t>(alignment); }
}  // namespace

void* operator new(std::size_t bytes) { return gs::large_blocks::allocate(bytes, default_alignment); }
void* operator new[](std::size_t bytes) { return gs::large_blocks::allocate(bytes, default_alignment); }
void* operator new(std::size_t bytes, std::align_val_t alignment) {
  return gs::large_blocks::allocate(bytes, as_size(alignment));
}
void* operator new[](std::size_t bytes, std::align_val_t alignment) {
  return gs::large_blocks::allocate(bytes, as_size(alignment));
}
void* operator new(std::size_t bytes, const std::nothrow_t&) noexcept {
  return gs::large_blocks::allocate_nothrow(bytes, default_alignment);
}
void* operator new[](std::size_t bytes, const std::nothrow_t&) noexcept {
  return gs::large_blocks::allocate_nothrow(bytes, default_alignment);
}
void* operator new(std::size_t bytes, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return gs::large_blocks::allocate_nothrow(bytes, as_size(alignment));
}
void* operator new[](std::size_t bytes, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return gs::large_blocks::allocate_nothrow(bytes, as_size(alignment));
}
void operator delete(void* p) noexcept { gs::large_blocks::release(p); }
void operator delete[](void* p) noexcept { gs::large_blocks::release(p); }
void operator delete(void* p, std::size_t) noexcept { gs::large_blocks::release(p); }
void operator delete[](void* p, std::size_t) noexcept { gs::large_blocks::release(p); }
void operator delete(void* p, std::align_val_t) noexcept { gs::large_blocks::release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { gs::large_blocks::release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { gs::large_blocks::release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { gs::large_blocks::release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { gs::large_blocks::release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { gs::large_blocks::release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { gs::large_blocks::release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { gs::large_blocks::release(p); }
#endif
