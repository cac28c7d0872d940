#pragma once
// The runtime registered as an internal Lambda extension, for one reason:
// Lambda sends SIGTERM before it ends a sandbox only when an extension is
// registered; without one the process is SIGKILLed and never closes its
// database connections. Lambda then also waits for every registered
// extension to call event/next before it finishes init or an invocation, so
// a thread of its own keeps that call parked, blocking, until shutdown.
//
// Registration runs on that thread while init goes on (it must not add to
// the cold start); the runtime waits for its answer before its first /next,
// because Lambda closes registration when init ends. A platform without the
// Extensions API, or one that refuses the registration, is a single warning:
// the runtime carries on as it did before.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "shoppulse/core/log.h"
#include "shoppulse/core/result.h"
#include "shoppulse/runtime/extension_client.h"
#include "shoppulse/runtime/loop.h"

namespace shoppulse::runtime {

// Internal extension names are free-form; this one names us in Lambda's logs.
inline constexpr std::string_view kShutdownExtensionName = "shoppulse-runtime";

class ShutdownExtension {
 public:
  // Starts the thread: register, then event/next until ShutdownSignal is
  // requested (an INVOKE event just loops; a SHUTDOWN event requests it).
  // event/next failures are logged and retried with `retry`'s backoff, never
  // given up on: the process must not die of them. Fails only when no
  // thread can be started.
  static Result<std::unique_ptr<ShutdownExtension>> start(std::unique_ptr<Transport> transport, const Logger& logger,
                                                          RetryPolicy retry = {});
  // Requests shutdown (the process is ending: it is what wakes a parked
  // event/next) and joins the thread.
  ~ShutdownExtension();
  ShutdownExtension(const ShutdownExtension&) = delete;
  ShutdownExtension& operator=(const ShutdownExtension&) = delete;

  // Blocks until the registration has been answered. True when registered.
  bool await_registration();

 private:
  enum class State { kRegistering, kRegistered, kFailed };
  ShutdownExtension(std::unique_ptr<Transport> transport, const Logger& logger, RetryPolicy retry);
  void run();
  void settle(State state);
  void wait_for_events();

  ExtensionClient client_;
  const Logger& logger_;
  RetryPolicy retry_;
  std::mutex mutex_;
  std::condition_variable settled_;
  State state_ = State::kRegistering;
  std::thread thread_;  // last: started once everything it uses exists
};

}  // namespace shoppulse::runtime
