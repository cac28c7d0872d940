#pragma once
// The application behind bootstrap: turns one invocation payload into one
// result. API Gateway events go to the router; direct invocations
// ({"action": ...}) go to their own dispatcher and never reach the router.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "shoppulse/core/log.h"
#include "shoppulse/handlers/api_request.h"
#include "shoppulse/handlers/api_response.h"
#include "shoppulse/handlers/router.h"

namespace shoppulse::handlers {

struct InvocationContext {
  std::string lambda_request_id;
  std::string trace_id;
  std::string function_arn;
  std::string client_context;
  std::string cognito_identity;
  std::int64_t deadline_epoch_ms = 0;
  bool cold_start = false;

  [[nodiscard]] std::chrono::milliseconds remaining() const;
};

// What the runtime posts back, plus what the access log and metrics need.
struct InvocationResult {
  bool ok = true;
  std::string payload;        // when ok
  std::string error_type;     // when !ok: Lambda-Runtime-Function-Error-Type
  std::string error_message;  // when !ok

  std::string route;  // metrics dimension: "GET /users/{id}", "NOT_FOUND", "action:migrate"...
  int status = 0;     // HTTP status for API Gateway events
  std::string api_request_id;
  std::string tenant_id;
};

struct AppSettings {
  std::string version = "0.0.0";
  // SHOPPULSE_DIAGNOSTIC_ACTIONS=1: direct actions used by the runtime's own
  // integration tests (throw, oversize, sleep, context). Off in production.
  bool diagnostic_actions = false;
  RequestLimits limits;
};

class Application {
 public:
  Application(AppSettings settings, const Logger& logger);

  InvocationResult handle(std::string_view payload, const InvocationContext& context);

 private:
  InvocationResult handle_api(const nlohmann::json& event, EventKind kind, const InvocationContext& context);
  InvocationResult handle_direct(const nlohmann::json& event, const InvocationContext& context);
  ApiResponse dispatch(const ApiRequest& request, const RouteMatch& match, const InvocationContext& context);

  AppSettings settings_;
  const Logger& logger_;
  Router router_;
  std::size_t health_route_ = 0;
};

}  // namespace shoppulse::handlers
