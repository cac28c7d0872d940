#include "shoppulse/runtime/loop.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "shoppulse/core/backoff.h"

namespace shoppulse::runtime {
namespace {

// Exported to the handler through the environment, as every AWS runtime does,
// so X-Ray aware code finds the current trace. Not setenv(): glibc never frees
// a replaced value, so one new trace id per invocation would grow the sandbox
// by its length every time. putenv() keeps our buffer, reused while it fits.
class TraceIdEnvironment {
 public:
  void set(std::string_view trace_id) {
    if (trace_id.empty()) {
      ::unsetenv(kName);
      return;
    }
    const std::size_t needed = sizeof(kPrefix) - 1 + trace_id.size() + 1;
    if (needed > buffer_.size()) {
      std::vector<char> larger(std::max<std::size_t>(needed, 256));
      write(larger, trace_id);
      ::putenv(larger.data());  // environ now points at `larger`; the old buffer is free to go
      buffer_.swap(larger);
      return;
    }
    write(buffer_, trace_id);
    ::putenv(buffer_.data());  // re-inserts it if an unsetenv() removed it
  }

 private:
  static constexpr const char* kName = "_X_AMZN_TRACE_ID";
  static constexpr char kPrefix[] = "_X_AMZN_TRACE_ID=";
  static void write(std::vector<char>& buffer, std::string_view trace_id) {
    std::memcpy(buffer.data(), kPrefix, sizeof(kPrefix) - 1);
    std::memcpy(buffer.data() + sizeof(kPrefix) - 1, trace_id.data(), trace_id.size());
    buffer[sizeof(kPrefix) - 1 + trace_id.size()] = '\0';
  }
  std::vector<char> buffer_;
};

}  // namespace

void sleep_unless_shutdown(std::chrono::milliseconds duration, const std::atomic<bool>& shutdown_requested) {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (!shutdown_requested.load() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::min(duration, std::chrono::milliseconds(20)));
  }
}

Result<RetryPolicy> RetryPolicy::from_env(const env::Source& env) {
  RetryPolicy policy;
  auto attempts = env::read_int(env, "SHOPPULSE_RUNTIME_NEXT_MAX_ATTEMPTS", policy.max_attempts, 1, 100);
  if (!attempts) return fail(std::move(attempts).error());
  auto backoff = env::read_milliseconds(env, "SHOPPULSE_RUNTIME_NEXT_BACKOFF_MS", policy.initial_backoff, 1, 10000);
  if (!backoff) return fail(std::move(backoff).error());
  policy.max_attempts = static_cast<int>(*attempts);
  policy.initial_backoff = *backoff;
  policy.max_backoff = std::max(policy.max_backoff, policy.initial_backoff);
  return policy;
}

std::chrono::milliseconds RetryPolicy::backoff_for(int attempt, double jitter01) const {
  return jittered_backoff(initial_backoff, multiplier, max_backoff, attempt - 1, jitter01);
}

FunctionError unhandled_exception(const Logger& logger) {
  try {
    throw;
  } catch (const std::exception& e) {
    logger.error("handler threw an exception", {{"exception", e.what()}});
  } catch (...) {
    logger.error("handler threw a non-standard exception");
  }
  return FunctionError{error_types::kUnhandled, "Unhandled exception in handler"};
}

Outcome invoke_safely(InvocationHandler& handler, const Invocation& invocation, std::pmr::memory_resource& memory,
                      const Logger& logger) {
  try {
    Outcome outcome = handler.handle(invocation, memory);
    if (outcome.is_success() && outcome.response().payload.size() > kMaxResponseBytes) {
      logger.error("handler response exceeds the Lambda payload limit",
                   {{"responseBytes", outcome.response().payload.size()}, {"limitBytes", kMaxResponseBytes}});
      Outcome too_large = FunctionError{error_types::kResponseTooLarge,
                                        "Response payload size (" + std::to_string(outcome.response().payload.size()) +
                                            " bytes) exceeded maximum allowed payload size (" +
                                            std::to_string(kMaxResponseBytes) + " bytes)."};
      too_large.set_completion(outcome.completion());
      return too_large;
    }
    return outcome;
  } catch (...) {
    return unhandled_exception(logger);
  }
}

LoopExit run_loop(RuntimeClient& client, InvocationHandler& handler, const RetryPolicy& retry, const Logger& logger,
                  const std::atomic<bool>& shutdown_requested, const LoopOptions& options) {
  std::minstd_rand jitter_source(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  int consecutive_failures = 0;
  TraceIdEnvironment trace_environment;
  // One arena per loop, released after every invocation: everything an
  // invocation allocates comes from memory the previous one used.
#if defined(__SANITIZE_ADDRESS__)
  // Under ASan every block comes from the heap and goes back to it at each
  // release, so anything that outlives its invocation is a reported
  // use-after-free instead of a silent read of reused memory.
  std::pmr::monotonic_buffer_resource arena(std::pmr::new_delete_resource());
#else
  const std::unique_ptr<std::byte[]> arena_block(new std::byte[kInvocationArenaBytes]);  // NOLINT
  std::pmr::monotonic_buffer_resource arena(arena_block.get(), kInvocationArenaBytes);
#endif

  while (!shutdown_requested.load()) {
    auto next = client.next();
    if (!next) {
      if (shutdown_requested.load()) break;
      ++consecutive_failures;
      logger.warn(
          "Runtime API /next failed",
          {{"error", next.error().message}, {"attempt", consecutive_failures}, {"maxAttempts", retry.max_attempts}});
      if (consecutive_failures >= retry.max_attempts) return LoopExit::kRuntimeApiUnreachable;
      sleep_unless_shutdown(retry.backoff_for(consecutive_failures, jitter(jitter_source)), shutdown_requested);
      continue;
    }
    consecutive_failures = 0;
    const Invocation& invocation = *next;
    if (options.export_trace_id_env) trace_environment.set(invocation.trace_id);

    const auto started = std::chrono::steady_clock::now();
    {
      // Ends before the arena is released: the handler may point the
      // context at text in it.
      LogContext log_context{invocation.request_id, {}, {}, {}, invocation.trace_id, false};
      const LogScope log_scope(log_context);
      Outcome outcome = invoke_safely(handler, invocation, arena, logger);
      Status posted = outcome.is_success() ? client.post_response(invocation.request_id, outcome.response())
                                           : client.post_error(invocation.request_id, outcome.error());
      if (!posted) {
        // The invocation's fate is now Lambda's to decide; the next /next tells us
        // whether the Runtime API is still there.
        logger.error("Runtime API rejected the invocation result", {{"error", posted.error().message}});
      }
      if (Completion* completion = outcome.completion(); completion != nullptr) {
        completion->complete(invocation, outcome, std::chrono::steady_clock::now() - started);
        std::destroy_at(completion);
      }
    }
    arena.release();
  }
  return LoopExit::kShutdownRequested;
}

}  // namespace shoppulse::runtime
