#pragma once
// The poll loop: /next -> handler -> /response or /error, forever, until
// SIGTERM or a Runtime API that stays unreachable.

#include <atomic>
#include <chrono>
#include <memory_resource>

#include "shoppulse/core/env.h"
#include "shoppulse/core/log.h"
#include "shoppulse/core/result.h"
#include "shoppulse/runtime/client.h"
#include "shoppulse/runtime/invocation.h"
#include "shoppulse/runtime/outcome.h"

namespace shoppulse::runtime {

// The one interface the runtime knows the application by.
class InvocationHandler {
 public:
  virtual ~InvocationHandler() = default;
  // `memory` is this invocation's arena: the outcome (and its Completion)
  // may live there. The loop releases it once the outcome is posted and
  // completed, so nothing allocated in it may outlive the invocation.
  virtual Outcome handle(const Invocation& invocation, std::pmr::memory_resource& memory) = 0;
};

struct RetryPolicy {
  int max_attempts = 6;  // consecutive failed /next calls before giving up
  std::chrono::milliseconds initial_backoff{50};
  double multiplier = 2.0;
  std::chrono::milliseconds max_backoff{1000};

  // From SHOPPULSE_RUNTIME_NEXT_MAX_ATTEMPTS / SHOPPULSE_RUNTIME_NEXT_BACKOFF_MS,
  // falling back to the defaults above.
  static Result<RetryPolicy> from_env(const env::Source& env = env::process());
  // Backoff before retry number `attempt` (1-based): the project's one
  // jittered backoff (core/backoff.h), in [ceiling/2, ceiling].
  [[nodiscard]] std::chrono::milliseconds backoff_for(int attempt, double jitter01) const;
};

// A retry's backoff: sleeps for `duration`, or less once `shutdown_requested`
// is set (checked every 20 ms), so a shutdown is never held up by a retry.
void sleep_unless_shutdown(std::chrono::milliseconds duration, const std::atomic<bool>& shutdown_requested);

enum class LoopExit { kShutdownRequested, kRuntimeApiUnreachable };

struct LoopOptions {
  // Export each invocation's trace id as _X_AMZN_TRACE_ID, as every AWS
  // runtime does. The environment is process-wide, so only a single loop may:
  // with concurrent workers the trace id lives in the invocation (and its log
  // context) only.
  bool export_trace_id_env = true;
};

// The per-invocation arena's first block, allocated once per loop: a warm
// invocation's request, rows and response fit in it, so they cost no malloc.
inline constexpr std::size_t kInvocationArenaBytes = std::size_t{512} * 1024;

// Every line logged on this thread while an invocation runs (by the handler,
// the loop or shared code it calls) carries that invocation's LogContext:
// the loop opens a LogScope per invocation with its request and trace ids,
// and the handler adds what it learns (LogScope::current()).
LoopExit run_loop(RuntimeClient& client, InvocationHandler& handler, const RetryPolicy& retry, const Logger& logger,
                  const std::atomic<bool>& shutdown_requested, const LoopOptions& options = {});

// Called in a catch block: logs the exception in flight and returns the
// Function.UnhandledException error reported for it.
FunctionError unhandled_exception(const Logger& logger);

// Invokes the handler with exceptions converted to Function.UnhandledException
// and oversize payloads converted to Function.ResponseSizeTooLarge.
Outcome invoke_safely(InvocationHandler& handler, const Invocation& invocation, std::pmr::memory_resource& memory,
                      const Logger& logger);

}  // namespace shoppulse::runtime
