#include "shoppulse/runtime/shutdown.h"

#include <sys/socket.h>
#include <time.h>

#include <array>
#include <csignal>

namespace shoppulse::runtime {
namespace {

// One slot per worker that can wait on /next at once (Managed Instances runs
// up to one per concurrent invocation).
constexpr std::size_t kSlots = 2048;

std::atomic<bool> g_requested{false};
// CLOCK_MONOTONIC nanoseconds of the first request, 0 before it.
std::atomic<long long> g_requested_at_ns{0};
// fd + 1 per slot, 0 for a free one: zero-initialised before any signal.
std::array<std::atomic<int>, kSlots> g_watched{};

// Async-signal-safe: clock_gettime(2) and atomics.
void stamp_request() noexcept {
  timespec now{};
  if (::clock_gettime(CLOCK_MONOTONIC, &now) != 0) return;
  long long expected = 0;
  g_requested_at_ns.compare_exchange_strong(expected, now.tv_sec * 1000000000LL + now.tv_nsec);
}

// Async-signal-safe: atomics and shutdown(2) only.
void wake_all() noexcept {
  for (auto& slot : g_watched) {
    const int stored = slot.load();
    if (stored > 0) ::shutdown(stored - 1, SHUT_RD);
  }
}

extern "C" void on_shutdown_signal(int /*signal*/) {
  stamp_request();
  g_requested.store(true);
  wake_all();
}

}  // namespace

void ShutdownSignal::install() {
  struct sigaction action {};
  action.sa_handler = on_shutdown_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocked call returns EINTR
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

const std::atomic<bool>& ShutdownSignal::requested() noexcept {
  return g_requested;
}

void ShutdownSignal::request() noexcept {
  stamp_request();
  g_requested.store(true);
  wake_all();
}

std::optional<std::chrono::steady_clock::time_point> ShutdownSignal::requested_at() noexcept {
  const long long stamp = g_requested_at_ns.load();
  if (stamp == 0) return std::nullopt;
  // libstdc++'s steady_clock is CLOCK_MONOTONIC, so the stamp is one of its time points.
  return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(stamp));
}

bool ShutdownSignal::watch(int fd) noexcept {
  for (auto& slot : g_watched) {
    int expected = 0;
    if (slot.compare_exchange_strong(expected, fd + 1)) {
      // Registered first, then checked: a signal in between either sees the
      // slot or is seen here (both are sequentially consistent).
      if (g_requested.load()) {
        slot.store(0);
        return false;
      }
      return true;
    }
  }
  return !g_requested.load();  // no free slot: the wait ends on the next event instead
}

void ShutdownSignal::unwatch(int fd) noexcept {
  for (auto& slot : g_watched) {
    int expected = fd + 1;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

}  // namespace shoppulse::runtime
