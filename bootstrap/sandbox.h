#pragma once
// The deliberate warm per-sandbox context: created once in main before the
// first /next, reused by every invocation, destroyed on shutdown.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "shoppulse/aws/aws_client.h"
#include "shoppulse/db_secret/secret_cache.h"
#include "shoppulse/config/config.h"
#include "shoppulse/core/log.h"
#include "shoppulse/db/pool.h"
#include "shoppulse/handlers/application.h"
#include "shoppulse/runtime/loop.h"
#include "shoppulse/trace/tracer.h"

namespace shoppulse::bootstrap {

// Work started during init that the first invocation waits for: the database
// handshake runs while the runtime asks for its first event, so init (exec ->
// first /next) does not include it. Joined before the first invocation uses
// the pool (so one invocation at a time never opens a second connection), and
// on destruction. Every worker's invocations call finish(): after the join it
// is one uncontended lock and a flag.
class InitTask {
 public:
  InitTask() = default;
  InitTask(const InitTask&) = delete;
  InitTask& operator=(const InitTask&) = delete;
  ~InitTask() { finish(); }

  // A second start() waits for the first task: assigning over a joinable
  // std::thread would terminate the process.
  void start(std::function<void()> work) {
    finish();
    const std::lock_guard lock(mutex_);
    thread_ = std::thread(std::move(work));
    running_.store(true);
  }
  void finish() {
    if (!running_.load()) return;
    const std::lock_guard lock(mutex_);
    if (thread_.joinable()) thread_.join();
    running_.store(false);
  }

 private:
  std::mutex mutex_;
  std::atomic<bool> running_{false};
  std::thread thread_;
};

// Adapts the handlers' Application to the runtime's one dispatch interface.
// Each invocation's access log and EMF metric line are written by a
// Completion that lives in the invocation's arena, after the response is
// posted (so they are not billed before it).
class InvocationAdapter final : public runtime::InvocationHandler {
 public:
  InvocationAdapter(handlers::Application& application, Logger& logger, const config::Config& config,
                    const trace::Tracer& tracer, InitTask* init_task = nullptr);

  runtime::Outcome handle(const runtime::Invocation& invocation, std::pmr::memory_resource& memory) override;

  // Invocations handed to the application so far, by every worker.
  [[nodiscard]] std::uint64_t invocations_served() const noexcept {
    return invocations_served_.load(std::memory_order_relaxed);
  }

 private:
  class AccessLog;

  handlers::Application& application_;
  Logger& logger_;
  const config::Config& config_;
  const trace::Tracer& tracer_;
  InitTask* init_task_;
  std::atomic<bool> cold_start_{true};
  std::atomic<std::uint64_t> invocations_served_{0};
};

// The warm dependencies, in construction order (destroyed in reverse: the
// application before the pool it uses).
struct SandboxServices {
  trace::Tracer tracer;
  std::shared_ptr<db_secret::DbSecretCache> secret_cache;
  std::unique_ptr<db::Pool> pool;
  std::unique_ptr<aws::AwsClient> quicksight;
};

class Sandbox {
 public:
  // `before_database_warm_up` runs on the warm-up thread before it opens
  // the first database connection (main: wait for the extension's
  // registration, so the two do not compete for the CPU during init).
  static Result<std::unique_ptr<Sandbox>> create(config::Config config,
                                                 std::function<void()> before_database_warm_up = {});
  // The end of a sandbox Lambda shuts down (SIGTERM), once the loops have
  // stopped: joins the init work, closes every database connection (libpq's
  // PQfinish sends PostgreSQL's Terminate message, so neither PostgreSQL nor
  // RDS Proxy counts an aborted client), then writes the one `shutdown` line:
  // invocations served and milliseconds since the signal.
  static void shut_down(std::unique_ptr<Sandbox> sandbox);

  runtime::InvocationHandler& handler() { return *adapter_; }
  [[nodiscard]] const runtime::RetryPolicy& retry_policy() const { return retry_policy_; }
  [[nodiscard]] const Logger& logger() const { return *logger_; }
  // Invocations served at once: AWS_LAMBDA_MAX_CONCURRENCY (capped), else 1.
  [[nodiscard]] int workers() const noexcept { return config_.workers(); }

 private:
  Sandbox() = default;

  config::Config config_;
  std::unique_ptr<Logger> logger_;
  runtime::RetryPolicy retry_policy_;
  SandboxServices services_;
  InitTask init_task_;  // after services_: joined before the pool is destroyed
  std::unique_ptr<handlers::Application> application_;
  std::unique_ptr<InvocationAdapter> adapter_;
};

}  // namespace shoppulse::bootstrap
