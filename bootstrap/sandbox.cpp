#include "sandbox.h"

#include <cstdlib>

#include "shoppulse/metrics/emf.h"

#ifndef SHOPPULSE_VERSION
#define SHOPPULSE_VERSION "0.0.0"
#endif

namespace shoppulse::bootstrap {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

InvocationAdapter::InvocationAdapter(handlers::Application& application, Logger& logger, const config::Config& config)
    : application_(application), logger_(logger), config_(config) {}

runtime::Outcome InvocationAdapter::handle(const runtime::Invocation& invocation) {
  last_result_.reset();
  handlers::InvocationContext context{invocation.request_id,    invocation.trace_id,
                                      invocation.function_arn,  invocation.client_context,
                                      invocation.cognito_identity, invocation.deadline_epoch_ms,
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
  logger_.log_with(failed ? LogLevel::kError : LogLevel::kInfo, "invocation completed", [&](JsonWriter& w) {
    w.field("status", status).field("durationMs", duration_ms);
    if (function_error) w.field("errorType", outcome.error().error_type);
  });
  if (config_.metrics_enabled) {
    const metrics::InvocationMetrics metrics{route, duration_ms, 0.0, failed ? 1 : 0, cold_start_ ? 1 : 0};
    logger_.write_raw_line(metrics::emf_line(config_.metrics_namespace, metrics, now_epoch_ms()));
  }
  logger_.clear_context();
  cold_start_ = false;
}

Sandbox::Sandbox(config::Config config, runtime::RetryPolicy retry_policy)
    : config_(std::move(config)),
      logger_(config_.log_level, 1),
      retry_policy_(retry_policy),
      application_(handlers::AppSettings{SHOPPULSE_VERSION, config_.diagnostic_actions, {}}, logger_),
      adapter_(application_, logger_, config_) {
  hooks_.after_invoke = [this](const runtime::Invocation& invocation, const runtime::Outcome& outcome,
                               std::chrono::nanoseconds elapsed) { adapter_.after_invoke(invocation, outcome, elapsed); };
}

Result<std::unique_ptr<Sandbox>> Sandbox::create() {
  config::ProcessEnv env;
  auto config = config::Config::from_env(env);
  if (!config) return fail(std::move(config).error());
  auto retry = runtime::RetryPolicy::from_env();
  if (!retry) return fail(std::move(retry).error());
  return std::unique_ptr<Sandbox>(new Sandbox(std::move(config).value(), *retry));
}

}  // namespace shoppulse::bootstrap
