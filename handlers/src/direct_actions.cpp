#include "shoppulse/handlers/direct_actions.h"

#include <cstdlib>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "shoppulse/core/log.h"
#include "shoppulse/handlers/invocation_context.h"

namespace shoppulse::handlers {
namespace {

constexpr long long kMaxDiagnosticBytes = 16LL * 1024 * 1024;
constexpr long long kMaxDiagnosticSleepMs = 15LL * 60 * 1000;

Result<long long> bounded_integer(json::Value event, const char* key, long long max) {
  const std::optional<std::int64_t> number = event[key].int64();
  if (!number) {
    return fail(Error::make(ErrorKind::kInvalidInput, "invalid_action", std::string("missing integer field ") + key));
  }
  const long long value = *number;
  if (value < 0 || value > max) {
    return fail(Error::make(ErrorKind::kInvalidInput, "invalid_action", std::string(key) + " is out of range"));
  }
  return value;
}

}  // namespace

Result<std::string> run_diagnostic_action(const std::string& action, json::Value event,
                                          const InvocationContext& context) {
  if (action == "diagnostic.throw") throw std::runtime_error("diagnostic.throw requested");
  if (action == "diagnostic.oversize") {
    auto bytes = bounded_integer(event, "bytes", kMaxDiagnosticBytes);
    if (!bytes) return fail(std::move(bytes).error());
    // A JSON string literal of exactly `bytes` bytes: quotes plus filler.
    const auto total = static_cast<std::size_t>(std::max(2LL, *bytes));
    std::string payload(total, 'x');
    payload.front() = '"';
    payload.back() = '"';
    return payload;
  }
  if (action == "diagnostic.sleep") {
    auto ms = bounded_integer(event, "ms", kMaxDiagnosticSleepMs);
    if (!ms) return fail(std::move(ms).error());
    std::this_thread::sleep_for(std::chrono::milliseconds(*ms));
    return std::string(R"({"slept":true})");
  }
  if (action == "diagnostic.context") {
    const char* trace_env = std::getenv("_X_AMZN_TRACE_ID");
    nlohmann::json body = {
        {"requestId", context.lambda_request_id},     {"deadlineMs", context.deadline_epoch_ms},
        {"functionArn", context.function_arn},        {"traceId", context.trace_id},
        {"clientContext", context.client_context},    {"cognitoIdentity", context.cognito_identity},
        {"remainingMs", context.remaining().count()}, {"xAmznTraceIdEnv", trace_env == nullptr ? "" : trace_env}};
    return dump_json(body);
  }
  return fail(Error::make(ErrorKind::kInvalidInput, "invalid_action", "Unknown diagnostic action"));
}

}  // namespace shoppulse::handlers
