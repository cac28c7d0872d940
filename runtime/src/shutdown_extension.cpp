#include "shoppulse/runtime/shutdown_extension.h"

#include <exception>
#include <random>
#include <system_error>

#include "shoppulse/runtime/shutdown.h"

namespace shoppulse::runtime {

ShutdownExtension::ShutdownExtension(std::unique_ptr<Transport> transport, const Logger& logger, RetryPolicy retry)
    : client_(std::move(transport)), logger_(logger), retry_(retry) {}

Result<std::unique_ptr<ShutdownExtension>> ShutdownExtension::start(std::unique_ptr<Transport> transport,
                                                                    const Logger& logger, RetryPolicy retry) {
  std::unique_ptr<ShutdownExtension> extension(new ShutdownExtension(std::move(transport), logger, retry));
  try {
    extension->thread_ = std::thread([self = extension.get()] { self->run(); });
  } catch (const std::system_error& e) {
    return fail(
        Error::make(ErrorKind::kInternal, "extension_thread", std::string("cannot start a thread: ") + e.what()));
  }
  return extension;
}

ShutdownExtension::~ShutdownExtension() {
  ShutdownSignal::request();
  if (thread_.joinable()) thread_.join();
}

bool ShutdownExtension::await_registration() {
  std::unique_lock lock(mutex_);
  settled_.wait(lock, [this] { return state_ != State::kRegistering; });
  return state_ == State::kRegistered;
}

void ShutdownExtension::settle(State state) {
  {
    const std::lock_guard lock(mutex_);
    state_ = state;
  }
  settled_.notify_all();
}

void ShutdownExtension::run() {
  try {
    if (Status registered = client_.register_extension(kShutdownExtensionName); !registered) {
      logger_.warn("not registered as a Lambda extension: SIGTERM will not be sent at shutdown",
                   {{"error", registered.error().message}});
      settle(State::kFailed);
      return;
    }
    settle(State::kRegistered);
    wait_for_events();
  } catch (const std::exception& e) {
    // Nothing may end the process from this thread; init must not wait forever either.
    logger_.warn("Lambda extension thread failed", {{"error", e.what()}});
    settle(State::kFailed);
  }
}

void ShutdownExtension::wait_for_events() {
  std::minstd_rand jitter_source(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  int consecutive_failures = 0;
  const std::atomic<bool>& shutdown_requested = ShutdownSignal::requested();
  while (!shutdown_requested.load()) {
    auto event = client_.next_event();
    if (!event) {
      if (shutdown_requested.load()) break;
      ++consecutive_failures;
      logger_.warn("Extensions API event/next failed",
                   {{"error", event.error().message}, {"attempt", consecutive_failures}});
      sleep_unless_shutdown(retry_.backoff_for(consecutive_failures, jitter(jitter_source)), shutdown_requested);
      continue;
    }
    consecutive_failures = 0;
    // INVOKE (were we subscribed) needs nothing but the next call. An
    // internal extension is never sent SHUTDOWN; were it, it means the same
    // as SIGTERM.
    if (*event == ExtensionEventType::kShutdown) ShutdownSignal::request();
  }
}

}  // namespace shoppulse::runtime
