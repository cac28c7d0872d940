#pragma once
// The allocation counter behind alloc_bench (see counting_malloc.cpp).

#include <cstdint>

namespace shoppulse::bench {

struct AllocationTotals {
  std::uint64_t allocations = 0;  // malloc, calloc, realloc and the aligned variants
  std::uint64_t bytes = 0;        // bytes requested by those calls
};

// False in sanitizer builds, whose allocator cannot be interposed.
bool allocation_counting_available() noexcept;
// Counts (or stops counting) the calling thread's allocations.
void count_allocations_on_this_thread(bool counted) noexcept;
// Writes the call stack of every counted allocation to `fd` (-1: stop).
void trace_allocations_to(int fd) noexcept;
// Totals over every counted thread since the process started.
AllocationTotals allocation_totals() noexcept;

}  // namespace shoppulse::bench
