#include "shoppulse/emulator/runtime_emulator.h"

#include <cstdlib>
#include <mutex>

#include <signal.h>
#include <unistd.h>

#include "invocation_broker.h"
#include "runtime_api_server.h"

namespace shoppulse::emulator {

namespace {

// AWS_LAMBDA_MAX_CONCURRENCY in the function's environment turns the
// environment into a Managed Instance: that many events at once. Anything
// unset or unusable is one at a time (the bootstrap itself rejects bad values).
std::size_t max_concurrency_of(const EmulatorOptions& options) {
  const auto found = options.env.find("AWS_LAMBDA_MAX_CONCURRENCY");
  if (found == options.env.end()) return 1;
  char* end = nullptr;
  const long value = std::strtol(found->second.c_str(), &end, 10);
  return end != found->second.c_str() && *end == '\0' && value >= 1 && value <= 1600 ? static_cast<std::size_t>(value)
                                                                                     : 1;
}

// The function as its environment describes it (the caller's overrides
// included): what an extension's registration is told.
FunctionMetadata function_metadata(const EmulatorOptions& options) {
  FunctionMetadata function;
  for (const std::string& entry : lambda_environment(options, {})) {
    const std::string_view variable(entry);
    const auto equals = variable.find('=');
    const std::string_view name = variable.substr(0, equals);
    const std::string_view value = variable.substr(equals + 1);
    if (name == "AWS_LAMBDA_FUNCTION_NAME") function.name = value;
    if (name == "AWS_LAMBDA_FUNCTION_VERSION") function.version = value;
    if (name == "_HANDLER") function.handler = value;
  }
  return function;
}

ServerSettings server_settings(const EmulatorOptions& options, std::size_t max_concurrency) {
  return {"arn:aws:lambda:" + options.region + ":123456789012:function:" + options.function_name,
          function_metadata(options), max_concurrency, options.extensions_api};
}

}  // namespace

std::string_view shutdown_path_name(ShutdownPath path) noexcept {
  switch (path) {
    case ShutdownPath::kSigkill: return "SIGKILL";
    case ShutdownPath::kSigterm: return "SIGTERM";
    case ShutdownPath::kSigtermThenSigkill: return "SIGTERM, then SIGKILL";
  }
  return "unknown";
}

struct RuntimeEmulator::Impl {
  explicit Impl(EmulatorOptions opts)
      : options(std::move(opts)),
        max_concurrency(max_concurrency_of(options)),
        broker(max_concurrency),
        server(broker, server_settings(options, max_concurrency)) {}

  EmulatorOptions options;
  std::size_t max_concurrency;
  InvocationBroker broker;
  RuntimeApiServer server;

  std::mutex invoke_mutex;                // one invocation at a time, as in one sandbox (classic mode)
  std::mutex process_mutex;               // guards `process`; never held while the broker reports
  std::shared_ptr<ChildProcess> process;  // shared: wait_for_exit() may outlive a restart

  // What the last stop() sent; guarded by process_mutex.
  std::optional<ShutdownPath> last_shutdown_path;

  mutable std::mutex log_mutex;
  std::vector<std::string> out_lines;
  std::vector<std::string> err_lines;

  void on_line(Stream stream, std::string line) {
    if (options.forward_logs) {
      std::string copy = line + "\n";
      // One write per line so concurrent emulators do not interleave halves.
      [[maybe_unused]] const ssize_t n = ::write(2, copy.data(), copy.size());
    }
    std::lock_guard lock(log_mutex);
    (stream == Stream::kStdout ? out_lines : err_lines).push_back(std::move(line));
  }

  Status spawn() {
    if (options.before_spawn) {
      if (auto ready = options.before_spawn(); !ready) return ready;
    }
    const std::uint64_t generation = broker.process_started();
    SpawnOptions spawn_options;
    spawn_options.path = options.bootstrap_path;
    spawn_options.args = options.bootstrap_args;
    spawn_options.env = lambda_environment(options, "127.0.0.1:" + std::to_string(server.port()));
    spawn_options.on_line = [this](Stream stream, std::string line) { on_line(stream, std::move(line)); };
    spawn_options.on_exit = [this, generation](const ExitStatus& status) { broker.process_exited(generation, status); };
    auto child = ChildProcess::spawn(std::move(spawn_options));
    if (!child) {
      broker.process_exited(generation, ExitStatus{true, 127, 0, 0});
      return fail(child.error());
    }
    std::lock_guard lock(process_mutex);
    process = std::shared_ptr<ChildProcess>(std::move(*child));
    return {};
  }

  // Takes the process out under the lock, ends it outside: its monitor thread
  // reports the exit through the broker and must not wait on our locks.
  std::optional<ExitStatus> end_process(bool graceful) {
    std::shared_ptr<ChildProcess> old;
    {
      std::lock_guard lock(process_mutex);
      old = std::move(process);
    }
    if (!old) return std::nullopt;
    if (graceful) return old->terminate(std::chrono::milliseconds(options.stop_grace_ms));
    old->signal_group(SIGKILL);
    return old->wait_for_exit(std::chrono::hours(1));
  }
};

RuntimeEmulator::RuntimeEmulator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

RuntimeEmulator::~RuntimeEmulator() {
  impl_->end_process(false);
  impl_->broker.shutdown();
  impl_->server.stop();
}

Result<std::unique_ptr<RuntimeEmulator>> RuntimeEmulator::start(EmulatorOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  if (auto started = impl->server.start(impl->options.port, impl->options.initial_fault); !started) {
    return fail(started.error());
  }
  std::unique_ptr<RuntimeEmulator> emulator(new RuntimeEmulator(std::move(impl)));
  Impl& self = *emulator->impl_;
  if (self.options.bootstrap_path.empty()) {
    self.broker.external_runtime();
  } else if (auto spawned = self.spawn(); !spawned) {
    return fail(spawned.error());
  }
  return emulator;
}

std::uint16_t RuntimeEmulator::port() const noexcept {
  return impl_->server.port();
}
std::string RuntimeEmulator::runtime_api() const {
  return "127.0.0.1:" + std::to_string(port());
}
const EmulatorOptions& RuntimeEmulator::options() const noexcept {
  return impl_->options;
}
std::size_t RuntimeEmulator::max_concurrency() const noexcept {
  return impl_->max_concurrency;
}

InvocationResult RuntimeEmulator::invoke(std::string payload, const InvokeOptions& options) {
  const InvocationTimeouts timeouts{impl_->options.timeout_ms, impl_->options.init_timeout_ms,
                                    impl_->options.timeout_grace_ms};
  if (impl_->max_concurrency > 1) {
    // Managed Instances: callers run at once, up to the limit in flight (the
    // broker queues the rest). A timed-out invocation does not end an
    // environment other invocations are still running in.
    return impl_->broker.invoke(std::move(payload), options, timeouts);
  }
  std::lock_guard serial(impl_->invoke_mutex);
  InvocationResult result = impl_->broker.invoke(std::move(payload), options, timeouts);
  if (result.outcome == InvocationResult::Outcome::kTimeout && !impl_->options.bootstrap_path.empty()) {
    // Lambda does not reuse a sandbox whose invocation timed out.
    result.exit = impl_->end_process(false);
    if (impl_->options.restart_after_timeout) (void)impl_->spawn();
  }
  return result;
}

std::future<InvocationResult> RuntimeEmulator::invoke_async(std::string payload, const InvokeOptions& options) {
  return std::async(std::launch::async, [this, payload = std::move(payload), options]() mutable {
    return invoke(std::move(payload), options);
  });
}

bool RuntimeEmulator::wait_for_next_poll(std::chrono::milliseconds timeout) {
  return impl_->broker.wait_for_next_poll(timeout);
}

std::optional<std::chrono::microseconds> RuntimeEmulator::time_to_first_next() const {
  return impl_->broker.time_to_first_next();
}
std::size_t RuntimeEmulator::next_calls() const {
  return impl_->broker.next_calls();
}
std::size_t RuntimeEmulator::fault_connections() const {
  return impl_->server.fault_connections();
}
std::optional<InitErrorReport> RuntimeEmulator::init_error() const {
  return impl_->broker.init_error();
}

std::vector<std::string> RuntimeEmulator::stdout_lines() const {
  std::lock_guard lock(impl_->log_mutex);
  return impl_->out_lines;
}
std::vector<std::string> RuntimeEmulator::stderr_lines() const {
  std::lock_guard lock(impl_->log_mutex);
  return impl_->err_lines;
}
void RuntimeEmulator::clear_logs() {
  std::lock_guard lock(impl_->log_mutex);
  impl_->out_lines.clear();
  impl_->err_lines.clear();
}

pid_t RuntimeEmulator::pid() const {
  std::lock_guard lock(impl_->process_mutex);
  return impl_->process && impl_->process->running() ? impl_->process->pid() : 0;
}
bool RuntimeEmulator::running() const {
  return pid() != 0;
}
std::optional<ExitStatus> RuntimeEmulator::last_exit() const {
  return impl_->broker.last_exit();
}

std::optional<ExitStatus> RuntimeEmulator::wait_for_exit(std::chrono::milliseconds timeout) {
  // A copy of the pointer: waiting must not hold process_mutex.
  std::shared_ptr<ChildProcess> child;
  {
    std::lock_guard lock(impl_->process_mutex);
    child = impl_->process;
  }
  if (child == nullptr) return impl_->broker.last_exit();
  return child->wait_for_exit(timeout);
}

Status RuntimeEmulator::restart() {
  if (impl_->options.bootstrap_path.empty()) {
    impl_->broker.external_runtime();
    return {};
  }
  impl_->end_process(false);
  return impl_->spawn();
}

std::optional<ExitStatus> RuntimeEmulator::stop(StopPolicy policy) {
  // Lambda sends SIGTERM, and waits, only when an extension registered: with
  // none the Shutdown phase lasts 0 ms and the runtime is SIGKILLed.
  const bool graceful = policy == StopPolicy::kAlwaysSigterm || impl_->broker.extensions_registered();
  auto exit = impl_->end_process(graceful);
  if (exit) {
    const bool escalated = graceful && !exit->exited && exit->signal == SIGKILL;  // we are its only SIGKILL sender
    const ShutdownPath path = !graceful   ? ShutdownPath::kSigkill
                              : escalated ? ShutdownPath::kSigtermThenSigkill
                                          : ShutdownPath::kSigterm;
    const std::lock_guard lock(impl_->process_mutex);
    impl_->last_shutdown_path = path;
  }
  return exit;
}

bool RuntimeEmulator::extensions_registered() const {
  return impl_->broker.extensions_registered();
}

std::optional<ShutdownPath> RuntimeEmulator::last_shutdown_path() const {
  const std::lock_guard lock(impl_->process_mutex);
  return impl_->last_shutdown_path;
}

Status RuntimeEmulator::set_fault(Fault fault) {
  return impl_->server.set_fault(fault);
}

}  // namespace shoppulse::emulator
