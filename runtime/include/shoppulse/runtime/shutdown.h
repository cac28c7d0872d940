#pragma once
// SIGTERM and SIGINT for the runtime. The signal sets a flag and ends any
// wait for the next event at once: sockets registered with watch() are shut
// for reading, so a blocked recv(2) returns. No polling, no timeouts on /next,
// and an invocation in flight still finishes and posts its result.

#include <atomic>
#include <chrono>
#include <optional>

namespace shoppulse::runtime {

class ShutdownSignal {
 public:
  // Installs the handlers (without SA_RESTART). Idempotent.
  static void install();
  [[nodiscard]] static const std::atomic<bool>& requested() noexcept;
  // What the signal does, callable from code (tests, fatal paths).
  static void request() noexcept;
  // When shutdown was first requested (steady clock): Lambda's shutdown
  // budget runs from the SIGTERM, not from when the loops noticed it.
  [[nodiscard]] static std::optional<std::chrono::steady_clock::time_point> requested_at() noexcept;
  // Registers `fd` as waiting for an event; false (and nothing registered)
  // when shutdown was already requested, so the caller must not block.
  static bool watch(int fd) noexcept;
  static void unwatch(int fd) noexcept;
};

}  // namespace shoppulse::runtime
