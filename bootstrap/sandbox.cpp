#include "sandbox.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory_resource>
#include <optional>
#include <utility>

#include "invocation_trace.h"
#include "shoppulse/metrics/emf.h"
#include "shoppulse/runtime/shutdown.h"

#ifndef SHOPPULSE_VERSION
#define SHOPPULSE_VERSION "0.0.0"
#endif

namespace shoppulse::bootstrap {

// The access log line and the EMF line of one invocation, written once its
// outcome is posted, and its X-Ray subsegments, sent then too. Holds what
// the handler learned (route, status, tenant); lives in the invocation's
// arena, like the result it points into.
class InvocationAdapter::AccessLog final : public runtime::Completion {
 public:
  AccessLog(const InvocationAdapter& adapter, handlers::InvocationResult&& result, bool cold_start,
            trace::InvocationTrace* trace, std::pmr::memory_resource& memory)
      : adapter_(adapter),
        trace_(trace),
        route_(std::move(result.route), &memory),
        api_request_id_(std::move(result.api_request_id), &memory),
        tenant_id_(std::move(result.tenant_id), &memory),
        status_(result.status),
        db_time_ms_(result.db_time_ms),
        cold_start_(cold_start),
        memory_(memory) {}

  void complete(const runtime::Invocation& invocation, const runtime::Outcome& outcome,
                std::chrono::nanoseconds elapsed) noexcept override {
    if (trace_ != nullptr) trace_->flush();
    try {
      write(invocation, outcome, elapsed);
    } catch (...) {  // NOLINT(bugprone-empty-catch)
      // A log line that cannot be built (out of memory) must not take the
      // sandbox down with it.
    }
  }

 private:
  void write(const runtime::Invocation& invocation, const runtime::Outcome& outcome,
             std::chrono::nanoseconds elapsed) const {
    const double duration_ms = static_cast<double>(elapsed.count()) / 1e6;
    const bool function_error = !outcome.is_success();
    const bool failed = function_error || status_ >= 500;
    const std::string_view route = route_.empty() ? std::string_view("UNHANDLED") : std::string_view(route_);
    LogContext context{invocation.request_id, api_request_id_, tenant_id_, route_, invocation.trace_id, cold_start_};
    const LogScope scope(context);
    // The access log and the EMF line leave in one write(2).
    std::pmr::string lines(&memory_);
    lines.reserve(1024);
    adapter_.logger_.append_line(lines, failed ? LogLevel::kError : LogLevel::kInfo, "invocation completed",
                                 [&](ArenaJsonWriter& w) {
                                   w.field("status", status_).field("durationMs", duration_ms);
                                   if (function_error) w.field("errorType", outcome.error().error_type);
                                 });
    if (adapter_.config_.metrics_enabled) {
      if (!lines.empty()) lines.push_back('\n');
      const metrics::InvocationMetrics metrics{route, duration_ms, db_time_ms_, failed ? 1 : 0, cold_start_ ? 1 : 0};
      metrics::append_emf_line(lines, adapter_.config_.metrics_namespace, metrics, now_epoch_ms());
    }
    adapter_.logger_.write_lines(lines);
  }

  const InvocationAdapter& adapter_;
  trace::InvocationTrace* trace_;
  std::pmr::string route_;
  std::pmr::string api_request_id_;
  std::pmr::string tenant_id_;
  int status_;
  double db_time_ms_;
  bool cold_start_;
  std::pmr::memory_resource& memory_;
};

InvocationAdapter::InvocationAdapter(handlers::Application& application, Logger& logger, const config::Config& config,
                                     const trace::Tracer& tracer, InitTask* init_task)
    : application_(application), logger_(logger), config_(config), tracer_(tracer), init_task_(init_task) {}

runtime::Outcome InvocationAdapter::handle(const runtime::Invocation& invocation, std::pmr::memory_resource& memory) {
  // Exactly one invocation per sandbox is its cold start, however many
  // workers start at once.
  const bool cold_start = cold_start_.load(std::memory_order_relaxed) && cold_start_.exchange(false);
  invocations_served_.fetch_add(1, std::memory_order_relaxed);
  if (init_task_ != nullptr) init_task_->finish();
  const handlers::InvocationContext context{invocation.request_id,
                                            invocation.trace_id,
                                            invocation.function_arn,
                                            invocation.client_context,
                                            invocation.cognito_identity,
                                            invocation.deadline_epoch_ms,
                                            cold_start,
                                            invocation.tenant_id};
  if (LogContext* log = LogScope::current(); log != nullptr) log->cold_start = cold_start;
  // Null unless tracing is on and this invocation is sampled.
  trace::InvocationTrace* const trace = tracer_.begin(invocation.trace_id, memory);
  const trace::TraceScope trace_scope(trace);
  const std::int64_t started_us = trace != nullptr ? trace::now_epoch_us() : 0;

  handlers::InvocationResult result(&memory);
  std::optional<runtime::Outcome> outcome;
  try {
    result = application_.handle(invocation.payload, context, memory);
    outcome =
        result.ok
            ? runtime::Outcome(runtime::InvocationResponse{std::move(result.payload)})
            : runtime::Outcome(runtime::FunctionError{std::move(result.error_type), std::move(result.error_message)});
  } catch (...) {
    // Handled here, not by the loop, so the line carries this invocation's
    // context and the access log still follows.
    outcome = runtime::unhandled_exception(logger_);
  }
  if (trace != nullptr) record_handler(*trace, result, *outcome, started_us);
  std::pmr::polymorphic_allocator<> allocator(&memory);
  outcome->set_completion(allocator.new_object<AccessLog>(*this, std::move(result), cold_start, trace, memory));
  return std::move(*outcome);
}

namespace {

// The default pool size's ceiling under Managed Instances (DB_POOL_MAX overrides).
constexpr std::size_t kDefaultPoolCap = 16;

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
    // Every route but /health needs the database: a deployment without one
    // is broken, and Lambda should say so at once, not at the first request.
    return fail(Error::make(ErrorKind::kInvalidInput, "missing_config",
                            "no database configured: set DATABASE_URL or RDS_SECRET_ARN"));
  }
  db_secret::SecretCacheOverrides overrides;
  overrides.secret_id = config.rds_secret_arn;
  auto cache = db_secret::make_db_secret_cache(&logger, overrides);
  if (!cache) return fail(std::move(cache).error());
  if (auto first = (*cache)->get(); !first) {
    return fail(Error::make(ErrorKind::kUnavailable, "secret_unavailable",
                            "cannot read the database secret: " + first.error().message));
  }
  services.secret_cache = *cache;
  return std::optional<db::CredentialsProvider>(db_secret::make_credentials_provider(services.secret_cache));
}

}  // namespace

Result<std::unique_ptr<Sandbox>> Sandbox::create(config::Config config, std::function<void()> before_database_warm_up) {
  auto retry = runtime::RetryPolicy::from_env();
  if (!retry) return fail(std::move(retry).error());

  std::unique_ptr<Sandbox> sandbox(new Sandbox());
  sandbox->config_ = std::move(config);
  sandbox->retry_policy_ = *retry;
  sandbox->logger_ = std::make_unique<Logger>(sandbox->config_.log_level, 1);
  const config::Config& cfg = sandbox->config_;
  Logger& logger = *sandbox->logger_;
  SandboxServices& services = sandbox->services_;
  services.tracer = make_tracer(cfg, logger);

  auto provider = credentials_source(cfg, logger, services);
  if (!provider) return fail(std::move(provider).error());
  if (provider->has_value()) {
    // DB_POOL_MAX when set; else one connection per concurrent invocation,
    // capped: a connection per worker would let 1600 workers open 1600
    // PostgreSQL backends. Beyond the cap, invocations wait for a free
    // connection until their deadline and then answer 503 + Retry-After.
    db::PoolSettings pool_defaults;
    pool_defaults.max_size = std::min<std::size_t>(static_cast<std::size_t>(cfg.workers()), kDefaultPoolCap);
    auto settings = db::PoolSettings::from_env({}, env::process(), pool_defaults);
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
    sandbox->init_task_.start([pool_ptr, log, connect_timeout, before = std::move(before_database_warm_up)] {
      try {
        if (before) before();
        if (Status warm = pool_ptr->warm_up(std::chrono::steady_clock::now() + connect_timeout); !warm) {
          log->warn("database not reachable at init", {{"dbCode", warm.error().code}});
        }
      } catch (const std::exception& e) {
        log->warn("database warm-up failed", {{"error", e.what()}});
      }
    });
  }

  // Without AWS credentials or a region (a local run) the embed route
  // answers 503 and says so at init; a setting that is set but invalid is a
  // broken deployment and fails init, like every other setting.
  auto quicksight_settings = aws::AwsClientSettings::from_env(aws::kQuickSight);
  if (quicksight_settings) {
    auto client = aws::AwsClient::create(*quicksight_settings, &logger);
    if (!client) return fail(std::move(client).error());
    services.quicksight = std::move(client).value();
  } else if (env::is_missing(quicksight_settings.error())) {
    logger.warn("QuickSight client not configured", {{"reason", quicksight_settings.error().message}});
  } else {
    return fail(quicksight_settings.error());
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
  sandbox->adapter_ =
      std::make_unique<InvocationAdapter>(*sandbox->application_, logger, cfg, services.tracer, &sandbox->init_task_);
  return sandbox;
}

void Sandbox::shut_down(std::unique_ptr<Sandbox> sandbox) {
  const std::uint64_t served = sandbox->adapter_->invocations_served();
  // Moved out first: the pool and the init work log through it while they end.
  const std::unique_ptr<Logger> logger = std::move(sandbox->logger_);
  sandbox.reset();
  const auto now = std::chrono::steady_clock::now();
  const std::chrono::duration<double, std::milli> elapsed = now - runtime::ShutdownSignal::requested_at().value_or(now);
  // The last line. Nothing is left to flush: every line went out in its own
  // write(2) as it was logged, and exit() flushes what a library left in stdio.
  logger->info("shutdown", {{"invocations", served}, {"durationMs", elapsed.count()}});
}

}  // namespace shoppulse::bootstrap
