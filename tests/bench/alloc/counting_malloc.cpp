// Heap allocation counter for alloc_bench: replaces glibc's malloc family by
// ELF symbol interposition (glibc documents this: every allocation, libc's
// own and libpq's included, then goes through these) and forwards to glibc's
// allocator. Only threads that opted in are counted, so the benchmark's own
// threads (the stand-in Runtime API, the fake AWS) never pollute the counts.
//
// Sanitizer builds keep their own allocator: there the counter reads zero and
// alloc_bench says the counts are unavailable.

#include "counting_malloc.h"

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include <execinfo.h>
#include <unistd.h>

#if !defined(__SANITIZE_ADDRESS__)

// glibc's own allocator entry points, exported for exactly this use.
// NOLINTBEGIN(bugprone-reserved-identifier)
extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void __libc_free(void* pointer);
}
// NOLINTEND(bugprone-reserved-identifier)

namespace {

// initial-exec: reading it never allocates, which matters inside malloc.
__attribute__((tls_model("initial-exec"))) thread_local bool t_counted = false;
__attribute__((tls_model("initial-exec"))) thread_local bool t_tracing = false;
std::atomic<std::uint64_t> g_allocations{0};
std::atomic<std::uint64_t> g_bytes{0};
std::atomic<int> g_trace_fd{-1};

// SHOPPULSE_ALLOC_TRACE_FD=n (set by alloc_bench --trace FILE): the call
// stack of every counted allocation goes to fd n, to find where they come from.
void trace(std::size_t size) noexcept {
  const int fd = g_trace_fd.load(std::memory_order_relaxed);
  if (fd < 0 || t_tracing) return;
  t_tracing = true;  // backtrace() may allocate on first use
  void* frames[24];
  const int depth = ::backtrace(frames, 24);
  char header[48];
  const int n = std::snprintf(header, sizeof header, "-- malloc %zu\n", size);
  if (n > 0) static_cast<void>(::write(fd, header, static_cast<std::size_t>(n)));
  ::backtrace_symbols_fd(frames, depth, fd);
  t_tracing = false;
}

inline void note(std::size_t size) noexcept {
  if (t_counted) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    g_bytes.fetch_add(size, std::memory_order_relaxed);
    trace(size);
  }
}

bool power_of_two(std::size_t value) noexcept {
  return value != 0 && (value & (value - 1)) == 0;
}

}  // namespace

extern "C" {

void* malloc(std::size_t size) noexcept {
  note(size);
  return __libc_malloc(size);
}

void* calloc(std::size_t count, std::size_t size) noexcept {
  note(count * size);
  return __libc_calloc(count, size);
}

void* realloc(void* pointer, std::size_t size) noexcept {
  note(size);
  return __libc_realloc(pointer, size);
}

void free(void* pointer) noexcept {
  __libc_free(pointer);
}

void* memalign(std::size_t alignment, std::size_t size) noexcept {
  note(size);
  return __libc_memalign(alignment, size);
}

void* aligned_alloc(std::size_t alignment, std::size_t size) noexcept {
  note(size);
  return __libc_memalign(alignment, size);
}

int posix_memalign(void** out, std::size_t alignment, std::size_t size) noexcept {
  if (!power_of_two(alignment) || alignment % sizeof(void*) != 0) return EINVAL;
  note(size);
  void* pointer = __libc_memalign(alignment, size);
  if (pointer == nullptr) return ENOMEM;
  *out = pointer;
  return 0;
}

}  // extern "C"

namespace shoppulse::bench {

bool allocation_counting_available() noexcept {
  return true;
}
void count_allocations_on_this_thread(bool counted) noexcept {
  t_counted = counted;
}
void trace_allocations_to(int fd) noexcept {
  g_trace_fd.store(fd);
}
AllocationTotals allocation_totals() noexcept {
  return {g_allocations.load(std::memory_order_relaxed), g_bytes.load(std::memory_order_relaxed)};
}

}  // namespace shoppulse::bench

#else  // sanitizer build

namespace shoppulse::bench {

bool allocation_counting_available() noexcept {
  return false;
}
void count_allocations_on_this_thread(bool /*counted*/) noexcept {}
void trace_allocations_to(int /*fd*/) noexcept {}
AllocationTotals allocation_totals() noexcept {
  return {};
}

}  // namespace shoppulse::bench

#endif
