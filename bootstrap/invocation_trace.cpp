#include "invocation_trace.h"

#include <string_view>

namespace shoppulse::bootstrap {

trace::Tracer make_tracer(const config::Config& config, const Logger& logger) {
  if (!config.tracing_enabled || config.xray_daemon_address.empty()) return {};
  auto address = trace::parse_daemon_address(config.xray_daemon_address);
  if (!address) {
    logger.warn("tracing disabled", {{"reason", address.error().message}});
    return {};
  }
  auto sender = trace::DaemonSender::open(*address);
  if (!sender) {
    logger.warn("tracing disabled", {{"reason", sender.error().message}});
    return {};
  }
  return trace::Tracer(std::move(sender).value());
}

void record_handler(trace::InvocationTrace& trace, const handlers::InvocationResult& result,
                    const runtime::Outcome& outcome, std::int64_t started_us) noexcept {
  trace::Subsegment subsegment;
  subsegment.name = result.route.empty() ? std::string_view("UNHANDLED") : std::string_view(result.route);
  subsegment.start_us = started_us;
  subsegment.end_us = trace::now_epoch_us();
  subsegment.tenant_id = result.tenant_id;
  if (result.status > 0) trace::set_status_flags(subsegment, result.status);
  if (!outcome.is_success()) {
    subsegment.fault = true;
    subsegment.cause = trace::Cause{outcome.error().error_type, outcome.error().message};
  } else if (!result.api_error_code.empty()) {
    subsegment.cause = trace::Cause{result.api_error_code, result.api_error_message};
  }
  trace.record(subsegment);
}

}  // namespace shoppulse::bootstrap
