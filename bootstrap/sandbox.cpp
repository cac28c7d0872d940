#include "sandbox.h"

#include <cstdlib>
#include <exception>

#include "shoppulse/metrics/emf.h"

#ifndef SHOPPULSE_VERSION
#define SHOPPULSE_VERSION "0.0.0"
#endif

namespace shoppulse::bootstrap {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

InvocationAdapter::InvocationAdapter(handlers::Application& application, Logger& logger, const config::Config& config,
                                     InitTask* init_task)
    : application_(application), logger_(logger), config_(config), init_task_(init_task) {}

runtime::Outcome InvocationAdapter::handle(const runtime::Invocation& invocation) {
  if (cold_start_ && init_task_ != nullptr) init_task_->finish();
  last_result_.reset();
  handlers::InvocationContext context{invocation.request_id,
                                      invocation.trace_id,
                                      invocation.function_arn,
                                      invocation.client_context,
                                      invocation.cognito_identity,
                                      invocation.deadline_epoch_ms,
                                      cold_start_};
  LogContext log_context;
  log_context.request_id = invocation.request_id;
  log_context.xray_trace_id = invocation.trace_id;
  log_context.cold_start = cold_start_;
  logger_.set_context(std::move(log_context));

  handlers::InvocationResult result = application_.handle(invocation.payload, context);
  last_result_ = result;
  if (result.ok) return runtime::InvocationResponse{std::move(result.payload)};
  return runtime::FunctionError{std::move(result.error_type), std::move(result.error_message)};
}

void InvocationAdapter::after_invoke(const runtime::Invocation& /*invocation*/, const runtime::Outcome& outcome,
                                     std::chrono::nanoseconds elapsed) {
  const double duration_ms = static_cast<double>(elapsed.count()) / 1e6;
  const bool function_error = !outcome.is_success();
  std::string route = "UNHANDLED";
  int status = 0;
  if (last_result_) {
    route = last_result_->route;
    status = last_result_->status;
    if (auto& context = logger_.context(); context) {
      LogContext updated = *context;
      updated.api_request_id = last_result_->api_request_id;
      updated.tenant_id = last_result_->tenant_id;
      updated.route = route;
      logger_.set_context(std::move(updated));
    }
  }
  const bool failed = function_error || status >= 500;
  // The access log and the EMF line leave in one write(2): a syscall saved on
  // every invocation.
  std::string lines =
      logger_.format_with(failed ? LogLevel::kError : LogLevel::kInfo, "invocation completed", [&](JsonWriter& w) {
        w.field("status", status).field("durationMs", duration_ms);
        if (function_error) w.field("errorType", outcome.error().error_type);
      });
  if (config_.metrics_enabled) {
    const double db_ms = last_result_ ? last_result_->db_time_ms : 0.0;
    const metrics::InvocationMetrics metrics{route, duration_ms, db_ms, failed ? 1 : 0, cold_start_ ? 1 : 0};
    if (!lines.empty()) lines.push_back('\n');
    lines += metrics::emf_line(config_.metrics_namespace, metrics, now_epoch_ms());
  }
  if (!lines.empty()) logger_.write_raw_line(std::move(lines));
  logger_.clear_context();
  cold_start_ = false;
}

namespace {

// The database credentials source: DATABASE_URL locally, else the cached
// Secrets Manager secret. The secret is fetched now, at init: with nothing
// cached, a Secrets Manager failure is an init error (Lambda retries init).
Result<std::optional<db::CredentialsProvider>> credentials_source(const config::Config& config, const Logger& logger,
                                                                  SandboxServices& services) {
  if (!config.database_url.empty()) {
    db::DbCredentials credentials;
    credentials.conninfo = config.database_url;
    return std::optional<db::CredentialsProvider>(
        [credentials](bool) -> Result<db::DbCredentials> { return credentials; });
  }
  if (config.rds_secret_arn.empty()) {
    logger.warn("no database configured: set DATABASE_URL or RDS_SECRET_ARN");
    return std::optional<db::CredentialsProvider>();
  }
  aws::SecretCacheOverrides overrides;
  overrides.secret_id = config.rds_secret_arn;
  auto cache = aws::make_db_secret_cache(&logger, overrides);
  if (!cache) return fail(std::move(cache).error());
  if (auto first = (*cache)->get(); !first) {
    return fail(Error::make(ErrorKind::kUnavailable, "secret_unavailable",
                            "cannot read the database secret: " + first.error().message));
  }
  services.secret_cache = *cache;
  return std::optional<db::CredentialsProvider>(aws::make_credentials_provider(services.secret_cache));
}

}  // namespace

Result<std::unique_ptr<Sandbox>> Sandbox::create() {
  config::ProcessEnv env;
  auto config = config::Config::from_env(env);
  if (!config) return fail(std::move(config).error());
  auto retry = runtime::RetryPolicy::from_env();
  if (!retry) return fail(std::move(retry).error());

  std::unique_ptr<Sandbox> sandbox(new Sandbox());
  sandbox->config_ = std::move(config).value();
  sandbox->retry_policy_ = *retry;
  sandbox->logger_ = std::make_unique<Logger>(sandbox->config_.log_level, 1);
  const config::Config& cfg = sandbox->config_;
  Logger& logger = *sandbox->logger_;
  SandboxServices& services = sandbox->services_;

  auto provider = credentials_source(cfg, logger, services);
  if (!provider) return fail(std::move(provider).error());
  if (provider->has_value()) {
    auto settings = db::PoolSettings::from_env();
    if (!settings) return fail(std::move(settings).error());
    const auto connect_timeout = settings->connect_timeout;
    auto pool = db::Pool::create(std::move(settings).value(), std::move(**provider), &logger);
    if (!pool) return fail(std::move(pool).error());
    services.pool = std::move(pool).value();
    // The handshake (TCP, TLS, SCRAM) runs in the background while the
    // runtime asks for the first event; the first invocation waits for it, so
    // it never opens a second connection. A database that is down now is not
    // an init failure: requests answer 503 and the pool reconnects when it
    // returns. Only this thread logs until the first invocation joins it.
    db::Pool* pool_ptr = services.pool.get();
    const Logger* log = &logger;
    sandbox->init_task_.start([pool_ptr, log, connect_timeout] {
      try {
        if (Status warm = pool_ptr->warm_up(std::chrono::steady_clock::now() + connect_timeout); !warm) {
          log->warn("database not reachable at init", {{"dbCode", warm.error().code}});
        }
      } catch (const std::exception& e) {
        log->warn("database warm-up failed", {{"error", e.what()}});
      }
    });
  }

  auto quicksight_settings = aws::AwsClientSettings::from_env(aws::kQuickSight);
  if (quicksight_settings) {
    auto client = aws::AwsClient::create(*quicksight_settings, &logger);
    if (client) services.quicksight = std::move(client).value();
  } else {
    logger.warn("QuickSight client not configured", {{"reason", quicksight_settings.error().message}});
  }

  handlers::Dependencies dependencies;
  dependencies.pool = services.pool.get();
  dependencies.quicksight = services.quicksight.get();
  dependencies.quicksight_settings.account_id = cfg.quicksight_account_id;
  if (quicksight_settings) dependencies.quicksight_settings.region = quicksight_settings->region;
  dependencies.cursor_signing_key = cfg.cursor_signing_key;
  dependencies.cors.allowed_origins = cfg.cors_allow_origins;
  dependencies.migrations_dir = cfg.migrations_dir;

  sandbox->application_ = std::make_unique<handlers::Application>(
      handlers::AppSettings{SHOPPULSE_VERSION, cfg.diagnostic_actions, {}, std::chrono::milliseconds(150)},
      std::move(dependencies), logger);
  sandbox->adapter_ = std::make_unique<InvocationAdapter>(*sandbox->application_, logger, cfg, &sandbox->init_task_);
  InvocationAdapter* adapter = sandbox->adapter_.get();
  sandbox->hooks_.after_invoke = [adapter](const runtime::Invocation& invocation, const runtime::Outcome& outcome,
                                           std::chrono::nanoseconds elapsed) {
    adapter->after_invoke(invocation, outcome, elapsed);
  };
  return sandbox;
}

}  // namespace shoppulse::bootstrap
