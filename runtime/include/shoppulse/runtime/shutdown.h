#pragma once
// SIGTERM and SIGINT for the runtime. The signal sets a flag and ends any
// wait for the next event at once: sockets registered with watch() are shut
// for reading, so a blocked recv(2) returns. No polling, no timeouts on /next,
// and an invocation in flight still finishes and posts its result.

#include <atomic>

namespace shoppulse::runtime {

class ShutdownSignal {
 public:
  // Installs the handlers (without SA_RESTART). Idempotent.
  static void install();
  [[nodiscard]] static const std::atomic<bool>& requested() noexcept;
  // What the signal does, callable from code (tests, fatal paths).
  static void request() noexcept;
  // Registers `fd` as waiting for an event; false (and nothing registered)
  // when shutdown was already requested, so the caller must not block.
  static bool watch(int fd) noexcept;
  static void unwatch(int fd) noexcept;
};

}  // namespace shoppulse::runtime
