#include "shoppulse/config/config.h"

#include <algorithm>
#include <cstdint>

#include "shoppulse/core/ascii.h"

namespace shoppulse::config {

Result<Config> Config::from_env(const EnvSource& env) {
  Config config;
  if (auto level = read_string(env, "AWS_LAMBDA_LOG_LEVEL")) {
    auto parsed = parse_log_level(*level);
    if (!parsed) return fail(std::move(parsed).error());
    config.log_level = *parsed;
  }
  // Case-insensitive, as Lambda's own runtimes read it: the official
  // emulator's Managed-Instances mode sets "json".
  if (auto format = read_string(env, "AWS_LAMBDA_LOG_FORMAT")) {
    if (ascii::iequals(*format, "JSON")) {
      config.log_format = "JSON";
    } else if (ascii::iequals(*format, "Text")) {
      config.log_format = "Text";
    } else {
      return fail(
          Error::make(ErrorKind::kInvalidInput, "invalid_config", "AWS_LAMBDA_LOG_FORMAT must be JSON or Text"));
    }
  }
  if (auto ns = read_string(env, "METRICS_NAMESPACE")) {
    if (ns->size() > 255) {
      return fail(
          Error::make(ErrorKind::kInvalidInput, "invalid_config", "METRICS_NAMESPACE must be at most 255 characters"));
    }
    config.metrics_namespace = *ns;
  }
  auto metrics_enabled = read_bool(env, "METRICS_ENABLED", true);
  if (!metrics_enabled) return fail(std::move(metrics_enabled).error());
  config.metrics_enabled = *metrics_enabled;
  config.cors_allow_origins = read_list(env, "CORS_ALLOW_ORIGINS");
  auto diagnostics = read_bool(env, "SHOPPULSE_DIAGNOSTIC_ACTIONS", false);
  if (!diagnostics) return fail(std::move(diagnostics).error());
  config.diagnostic_actions = *diagnostics;
  // Registering as an internal extension is what makes Lambda send SIGTERM.
  auto shutdown_extension = read_bool(env, "SHUTDOWN_EXTENSION_ENABLED", true);
  if (!shutdown_extension) return fail(std::move(shutdown_extension).error());
  config.shutdown_extension_enabled = *shutdown_extension;
  config.function_name = read_string(env, "AWS_LAMBDA_FUNCTION_NAME").value_or("");
  config.database_url = read_string(env, "DATABASE_URL").value_or("");
  config.rds_secret_arn = read_string(env, "RDS_SECRET_ARN").value_or("");
  if (auto account = read_string(env, "QUICKSIGHT_ACCOUNT_ID")) {
    if (account->size() != 12 || account->find_first_not_of("0123456789") != std::string::npos) {
      return fail(Error::make(ErrorKind::kInvalidInput, "invalid_config",
                              "QUICKSIGHT_ACCOUNT_ID must be a 12-digit AWS account id"));
    }
    config.quicksight_account_id = *account;
  }
  config.cursor_signing_key = read_string(env, "CURSOR_SIGNING_KEY").value_or("shoppulse-cursor-v1");
  if (auto dir = read_string(env, "SHOPPULSE_MIGRATIONS_DIR")) {
    config.migrations_dir = *dir;
  } else if (auto root = read_string(env, "LAMBDA_TASK_ROOT")) {
    config.migrations_dir = *root + "/sql/migrations";
  } else {
    config.migrations_dir = "sql/migrations";
  }
  // Lambda's documented range for Managed Instances; 0 (the fallback) is "unset".
  constexpr std::int64_t kMaxConcurrency = 1600;
  auto concurrency = read_int(env, "AWS_LAMBDA_MAX_CONCURRENCY", 0, 1, kMaxConcurrency);
  if (!concurrency) return fail(std::move(concurrency).error());
  config.max_concurrency = static_cast<int>(*concurrency);
  auto cap = read_int(env, "SHOPPULSE_MAX_WORKERS", 0, 1, kMaxConcurrency);
  if (!cap) return fail(std::move(cap).error());
  config.max_workers = static_cast<int>(*cap);
  auto tracing = read_bool(env, "TRACING_ENABLED", true);
  if (!tracing) return fail(std::move(tracing).error());
  config.tracing_enabled = *tracing;
  config.xray_daemon_address = read_string(env, "AWS_XRAY_DAEMON_ADDRESS").value_or("");
  return config;
}

int Config::workers() const noexcept {
  if (max_concurrency <= 0) return 1;
  return max_workers > 0 ? std::min(max_concurrency, max_workers) : max_concurrency;
}

}  // namespace shoppulse::config
