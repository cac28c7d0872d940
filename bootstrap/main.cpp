// bootstrap: the Lambda custom runtime entry point. Wires the warm
// per-sandbox context (config, logger, application) once, registering as an
// internal extension meanwhile so that Lambda sends SIGTERM at shutdown, then
// hands control to the runtime's poll loop; after SIGTERM, closes cleanly.

#include <openssl/crypto.h>

#include <csignal>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "packaged_defaults.h"
#include "sandbox.h"
#include "shoppulse/config/config.h"
#include "shoppulse/core/env.h"
#include "shoppulse/core/log.h"
#include "shoppulse/runtime/client.h"
#include "shoppulse/runtime/loop.h"
#include "shoppulse/runtime/shutdown.h"
#include "shoppulse/runtime/shutdown_extension.h"
#include "shoppulse/runtime/transport.h"
#include "shoppulse/runtime/workers.h"

namespace {

// The Runtime API clients for `workers` concurrent loops: the one init used,
// plus one more connection per extra worker.
shoppulse::Result<std::vector<std::unique_ptr<shoppulse::runtime::RuntimeClient>>> worker_clients(
    std::unique_ptr<shoppulse::runtime::RuntimeClient> first, const std::string& api, int workers) {
  std::vector<std::unique_ptr<shoppulse::runtime::RuntimeClient>> clients;
  clients.reserve(static_cast<std::size_t>(workers));
  clients.push_back(std::move(first));
  while (clients.size() < static_cast<std::size_t>(workers)) {
    auto transport = shoppulse::runtime::SocketTransport::create(api);
    if (!transport) return shoppulse::fail(std::move(transport).error());
    clients.push_back(std::make_unique<shoppulse::runtime::RuntimeClient>(std::move(transport).value()));
  }
  return clients;
}

// Reports a failed init to Lambda, which retries the init in a new process.
int init_failed(shoppulse::runtime::RuntimeClient& client, const shoppulse::Logger& logger,
                const shoppulse::Error& error) {
  logger.log(shoppulse::LogLevel::kFatal, "init failed", {{"errorCode", error.code}, {"error", error.message}});
  const std::string type = error.kind == shoppulse::ErrorKind::kInvalidInput
                               ? shoppulse::runtime::error_types::kInvalidConfig
                               : shoppulse::runtime::error_types::kInitFailed;
  if (auto posted = client.post_init_error({type, error.message}); !posted) {
    logger.error("could not report init error", {{"error", posted.error().message}});
  }
  return 1;
}

// The internal extension that makes Lambda send SIGTERM at shutdown, on a
// Runtime API connection of its own; null when it cannot start (the runtime
// then serves as it did without it).
std::unique_ptr<shoppulse::runtime::ShutdownExtension> start_shutdown_extension(const std::string& runtime_api,
                                                                                const shoppulse::Logger& logger) {
  auto transport = shoppulse::runtime::SocketTransport::create(runtime_api);
  if (!transport) return nullptr;  // the runtime's own connection reports a bad AWS_LAMBDA_RUNTIME_API
  auto extension = shoppulse::runtime::ShutdownExtension::start(std::move(transport).value(), logger);
  if (!extension) {
    logger.warn("not registered as a Lambda extension: SIGTERM will not be sent at shutdown",
                {{"error", extension.error().message}});
    return nullptr;
  }
  return std::move(extension).value();
}

}  // namespace

int main() {
  // A peer closing a socket mid-write must be an error value, not process death.
  static_cast<void>(std::signal(SIGPIPE, SIG_IGN));
  shoppulse::runtime::ShutdownSignal::install();
  // OpenSSL is linked in: no configuration file (Debian's path, absent on
  // Lambda) and so never a module loaded with dlopen; TLS settings are code.
  // Only libcrypto is initialised here: the TLS library's cipher tables are
  // built by the first TLS context, which a plain-HTTP or no-TLS start never makes.
  if (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr) != 1) return 1;
  // Before any thread starts: these set environment variables.
  const shoppulse::env::Source& env = shoppulse::env::process();
  static_cast<void>(shoppulse::bootstrap::apply_packaged_defaults(
      shoppulse::bootstrap::executable_directory(), shoppulse::env::read_string(env, "LAMBDA_TASK_ROOT").value_or("")));
  const shoppulse::Logger bootstrap_logger(shoppulse::LogLevel::kInfo, 2);
  const std::string runtime_api = shoppulse::env::read_string(env, "AWS_LAMBDA_RUNTIME_API").value_or("");
  auto config = shoppulse::config::Config::from_env(env);
  // Registration runs on the extension's thread while init goes on here, so
  // it adds nothing to the cold start.
  std::unique_ptr<shoppulse::runtime::ShutdownExtension> extension;
  if (config && config->shutdown_extension_enabled) extension = start_shutdown_extension(runtime_api, bootstrap_logger);

  auto transport = shoppulse::runtime::SocketTransport::create(runtime_api);
  if (!transport) {
    // Without a Runtime API there is nobody to report an init error to.
    bootstrap_logger.log(shoppulse::LogLevel::kFatal, "cannot start runtime", {{"error", transport.error().message}});
    return 1;
  }
  auto client = std::make_unique<shoppulse::runtime::RuntimeClient>(std::move(transport).value());

  if (!config) return init_failed(*client, bootstrap_logger, config.error());
  // The database handshake waits for the registration's answer: a local
  // PostgreSQL forking its backend would otherwise slow the registration,
  // which the first /next must wait for (BENCHMARKS.md, cold start).
  auto sandbox = shoppulse::bootstrap::Sandbox::create(std::move(config).value(), [ext = extension.get()] {
    if (ext != nullptr) static_cast<void>(ext->await_registration());
  });
  if (!sandbox) return init_failed(*client, bootstrap_logger, sandbox.error());
  // Lambda closes registration when init ends, which our first /next does.
  if (extension) extension->await_registration();

  shoppulse::bootstrap::Sandbox& warm = **sandbox;
  auto exit_reason = shoppulse::runtime::LoopExit::kShutdownRequested;
  if (warm.workers() == 1) {
    // Classic Lambda, or a Managed Instance allowed one invocation at a time:
    // the single loop on this thread (and _X_AMZN_TRACE_ID can name it).
    exit_reason = shoppulse::runtime::run_loop(*client, warm.handler(), warm.retry_policy(), warm.logger(),
                                               shoppulse::runtime::ShutdownSignal::requested());
  } else {
    auto clients = worker_clients(std::move(client), runtime_api, warm.workers());
    if (!clients) {
      warm.logger().log(shoppulse::LogLevel::kFatal, "cannot start workers", {{"error", clients.error().message}});
      return 1;
    }
    warm.logger().info("serving concurrent invocations", {{"workers", warm.workers()}});
    exit_reason = shoppulse::runtime::run_workers(*clients, warm.handler(), warm.retry_policy(), warm.logger());
  }
  if (exit_reason == shoppulse::runtime::LoopExit::kRuntimeApiUnreachable) {
    warm.logger().log(shoppulse::LogLevel::kFatal, "Runtime API unreachable; exiting so Lambda replaces the sandbox");
    return 1;
  }
  shoppulse::bootstrap::Sandbox::shut_down(std::move(*sandbox));
  return 0;
}
