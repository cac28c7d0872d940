#include "shoppulse/config/config.h"

#include <algorithm>
#include <cstdint>

namespace shoppulse::config {

Result<Config> Config::from_env(const env::Source& env) {
  Config config;
  auto level = env::read_enum(env, "AWS_LAMBDA_LOG_LEVEL", LogLevel::kInfo,
                              {{"TRACE", LogLevel::kTrace},
                               {"DEBUG", LogLevel::kDebug},
                               {"INFO", LogLevel::kInfo},
                               {"WARN", LogLevel::kWarn},
                               {"WARNING", LogLevel::kWarn},
                               {"ERROR", LogLevel::kError},
                               {"FATAL", LogLevel::kFatal}});
  if (!level) return fail(std::move(level).error());
  config.log_level = *level;
  // Checked, not kept: every line is JSON whatever the format (CloudWatch
  // Logs Insights needs fields), but a value Lambda would refuse is a
  // misconfigured function. Any case, as Lambda's own runtimes read it: the
  // official emulator's Managed-Instances mode sets "json".
  if (auto format = env::read_choice_index_of(env, "AWS_LAMBDA_LOG_FORMAT", {"JSON", "Text"}); !format) {
    return fail(std::move(format).error());
  }
  if (auto ns = env::read_string(env, "METRICS_NAMESPACE")) {
    if (ns->size() > 255) return fail(env::invalid("METRICS_NAMESPACE", "at most 255 characters"));
    config.metrics_namespace = *ns;
  }
  auto metrics_enabled = env::read_bool(env, "METRICS_ENABLED", true);
  if (!metrics_enabled) return fail(std::move(metrics_enabled).error());
  config.metrics_enabled = *metrics_enabled;
  config.cors_allow_origins = env::read_list(env, "CORS_ALLOW_ORIGINS");
  auto diagnostics = env::read_bool(env, "SHOPPULSE_DIAGNOSTIC_ACTIONS", false);
  if (!diagnostics) return fail(std::move(diagnostics).error());
  config.diagnostic_actions = *diagnostics;
  // Registering as an internal extension is what makes Lambda send SIGTERM.
  auto shutdown_extension = env::read_bool(env, "SHUTDOWN_EXTENSION_ENABLED", true);
  if (!shutdown_extension) return fail(std::move(shutdown_extension).error());
  config.shutdown_extension_enabled = *shutdown_extension;
  config.database_url = env::read_string(env, "DATABASE_URL").value_or("");
  config.rds_secret_arn = env::read_string(env, "RDS_SECRET_ARN").value_or("");
  if (auto account = env::read_string(env, "QUICKSIGHT_ACCOUNT_ID")) {
    if (account->size() != 12 || account->find_first_not_of("0123456789") != std::string::npos) {
      return fail(env::invalid("QUICKSIGHT_ACCOUNT_ID", "a 12-digit AWS account id"));
    }
    config.quicksight_account_id = *account;
  }
  config.cursor_signing_key = env::read_string(env, "CURSOR_SIGNING_KEY").value_or("shoppulse-cursor-v1");
  if (auto dir = env::read_string(env, "SHOPPULSE_MIGRATIONS_DIR")) {
    config.migrations_dir = *dir;
  } else if (auto root = env::read_string(env, "LAMBDA_TASK_ROOT")) {
    config.migrations_dir = *root + "/sql/migrations";
  } else {
    config.migrations_dir = "sql/migrations";
  }
  // Lambda's documented range for Managed Instances; 0 (the fallback) is "unset".
  constexpr std::int64_t kMaxConcurrency = 1600;
  auto concurrency = env::read_int(env, "AWS_LAMBDA_MAX_CONCURRENCY", 0, 1, kMaxConcurrency);
  if (!concurrency) return fail(std::move(concurrency).error());
  config.max_concurrency = static_cast<int>(*concurrency);
  auto cap = env::read_int(env, "SHOPPULSE_MAX_WORKERS", 0, 1, kMaxConcurrency);
  if (!cap) return fail(std::move(cap).error());
  config.max_workers = static_cast<int>(*cap);
  auto tracing = env::read_bool(env, "TRACING_ENABLED", true);
  if (!tracing) return fail(std::move(tracing).error());
  config.tracing_enabled = *tracing;
  config.xray_daemon_address = env::read_string(env, "AWS_XRAY_DAEMON_ADDRESS").value_or("");
  return config;
}

int Config::workers() const noexcept {
  if (max_concurrency <= 0) return 1;
  return max_workers > 0 ? std::min(max_concurrency, max_workers) : max_concurrency;
}

}  // namespace shoppulse::config
