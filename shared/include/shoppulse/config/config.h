#pragma once
// The typed configuration read once at init. Each area keeps its own
// settings; this object gathers the process-wide ones. Fields may be set by
// code (tests, tools) after from_env: the constructor/code wins.

#include <string>
#include <vector>

#include "shoppulse/core/env.h"
#include "shoppulse/core/log.h"
#include "shoppulse/core/result.h"

namespace shoppulse::config {

struct Config {
  LogLevel log_level = LogLevel::kInfo;             // AWS_LAMBDA_LOG_LEVEL
  std::string metrics_namespace = "ShopPulse/Api";  // METRICS_NAMESPACE
  bool metrics_enabled = true;                      // METRICS_ENABLED
  std::vector<std::string> cors_allow_origins;      // CORS_ALLOW_ORIGINS (comma-separated; "*" allowed)
  bool diagnostic_actions = false;                  // SHOPPULSE_DIAGNOSTIC_ACTIONS
  bool shutdown_extension_enabled = true;           // SHUTDOWN_EXTENSION_ENABLED (register for SIGTERM)
  std::string database_url;                         // DATABASE_URL (local/dev; wins over the secret)
  std::string rds_secret_arn;                       // RDS_SECRET_ARN
  std::string quicksight_account_id;                // QUICKSIGHT_ACCOUNT_ID (else from the function ARN)
  std::string cursor_signing_key;                   // CURSOR_SIGNING_KEY (HMAC key for pagination cursors)
  std::string migrations_dir;  // SHOPPULSE_MIGRATIONS_DIR (default $LAMBDA_TASK_ROOT/sql/migrations)
  // Lambda Managed Instances: AWS_LAMBDA_MAX_CONCURRENCY (1..1600) invocations
  // may run in this process at once. 0 when unset: one at a time, as in
  // classic Lambda, with exactly the single loop of old.
  int max_concurrency = 0;
  // SHOPPULSE_MAX_WORKERS (1..1600): our own lower cap on the workers run for
  // AWS_LAMBDA_MAX_CONCURRENCY; 0 when unset (no cap).
  int max_workers = 0;
  // X-Ray subsegments for sampled invocations: TRACING_ENABLED (default
  // true) and the daemon Lambda names in AWS_XRAY_DAEMON_ADDRESS when the
  // function's active tracing is on (empty: no daemon, nothing traced).
  bool tracing_enabled = true;
  std::string xray_daemon_address;

  // Concurrent invocations this process serves: 1 without
  // AWS_LAMBDA_MAX_CONCURRENCY, else it capped by SHOPPULSE_MAX_WORKERS.
  [[nodiscard]] int workers() const noexcept;

  static Result<Config> from_env(const env::Source& env = env::process());
};

}  // namespace shoppulse::config
