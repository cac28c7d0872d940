// bootstrap: the Lambda custom runtime entry point. Wires the warm
// per-sandbox context (config, logger, application) once, then hands control
// to the runtime's poll loop.

#include <openssl/crypto.h>

#include <csignal>
#include <cstdlib>
#include <memory>
#include <vector>

#include "packaged_defaults.h"
#include "sandbox.h"
#include "shoppulse/core/log.h"
#include "shoppulse/runtime/client.h"
#include "shoppulse/runtime/loop.h"
#include "shoppulse/runtime/shutdown.h"
#include "shoppulse/runtime/transport.h"
#include "shoppulse/runtime/workers.h"

namespace {

// The Runtime API clients for `workers` concurrent loops: the one init used,
// plus one more connection per extra worker.
shoppulse::Result<std::vector<std::unique_ptr<shoppulse::runtime::RuntimeClient>>> worker_clients(
    std::unique_ptr<shoppulse::runtime::RuntimeClient> first, int workers) {
  std::vector<std::unique_ptr<shoppulse::runtime::RuntimeClient>> clients;
  clients.reserve(static_cast<std::size_t>(workers));
  clients.push_back(std::move(first));
  const std::string api = shoppulse::bootstrap::env_or_empty("AWS_LAMBDA_RUNTIME_API");
  while (clients.size() < static_cast<std::size_t>(workers)) {
    auto transport = shoppulse::runtime::SocketTransport::create(api);
    if (!transport) return shoppulse::fail(std::move(transport).error());
    clients.push_back(std::make_unique<shoppulse::runtime::RuntimeClient>(std::move(transport).value()));
  }
  return clients;
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
  static_cast<void>(shoppulse::bootstrap::apply_packaged_defaults(
      shoppulse::bootstrap::executable_directory(), shoppulse::bootstrap::env_or_empty("LAMBDA_TASK_ROOT")));
  const shoppulse::Logger bootstrap_logger(shoppulse::LogLevel::kInfo, 2);

  auto transport =
      shoppulse::runtime::SocketTransport::create(shoppulse::bootstrap::env_or_empty("AWS_LAMBDA_RUNTIME_API"));
  if (!transport) {
    // Without a Runtime API there is nobody to report an init error to.
    bootstrap_logger.log(shoppulse::LogLevel::kFatal, "cannot start runtime", {{"error", transport.error().message}});
    return 1;
  }
  auto client = std::make_unique<shoppulse::runtime::RuntimeClient>(std::move(transport).value());

  auto sandbox = shoppulse::bootstrap::Sandbox::create();
  if (!sandbox) {
    const auto& error = sandbox.error();
    bootstrap_logger.log(shoppulse::LogLevel::kFatal, "init failed",
                         {{"errorCode", error.code}, {"error", error.message}});
    const std::string type = error.kind == shoppulse::ErrorKind::kInvalidInput
                                 ? shoppulse::runtime::error_types::kInvalidConfig
                                 : shoppulse::runtime::error_types::kInitFailed;
    if (auto posted = client->post_init_error({type, error.message}); !posted) {
      bootstrap_logger.error("could not report init error", {{"error", posted.error().message}});
    }
    return 1;
  }

  shoppulse::bootstrap::Sandbox& warm = **sandbox;
  auto exit_reason = shoppulse::runtime::LoopExit::kShutdownRequested;
  if (warm.workers() == 1) {
    // Classic Lambda, or a Managed Instance allowed one invocation at a time:
    // the single loop on this thread (and _X_AMZN_TRACE_ID can name it).
    exit_reason = shoppulse::runtime::run_loop(*client, warm.handler(), warm.retry_policy(), warm.logger(),
                                               shoppulse::runtime::ShutdownSignal::requested());
  } else {
    auto clients = worker_clients(std::move(client), warm.workers());
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
  warm.logger().info("shutdown requested; closing connections");
  sandbox->reset();  // closes database connections before exit
  return 0;
}
