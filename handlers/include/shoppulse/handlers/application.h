#pragma once
// The application behind bootstrap: turns one invocation payload into one
// result. API Gateway events go to the router; direct invocations
// ({"action": ...}) go to their own dispatcher and never reach the router.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "shoppulse/core/log.h"
#include "shoppulse/handlers/api_request.h"
#include "shoppulse/handlers/api_response.h"
#include "shoppulse/handlers/audit_logs_handler.h"
#include "shoppulse/handlers/cursor.h"
#include "shoppulse/handlers/db_access.h"
#include "shoppulse/handlers/http_policies.h"
#include "shoppulse/handlers/invocation_context.h"
#include "shoppulse/handlers/quicksight_handler.h"
#include "shoppulse/handlers/router.h"
#include "shoppulse/handlers/tenant_isolation.h"
#include "shoppulse/handlers/users_handler.h"

namespace shoppulse::handlers {

// What the runtime posts back, plus what the access log and metrics need.
// Its strings live in the memory resource it was made with (the invocation's
// arena).
struct InvocationResult {
  explicit InvocationResult(std::pmr::memory_resource* memory = std::pmr::get_default_resource())
      : payload(memory),
        route(memory),
        api_request_id(memory),
        tenant_id(memory),
        api_error_code(memory),
        api_error_message(memory) {}

  bool ok = true;
  std::pmr::string payload;   // when ok
  std::string error_type;     // when !ok: Lambda-Runtime-Function-Error-Type
  std::string error_message;  // when !ok

  std::pmr::string route;  // metrics dimension: "GET /users/{id}", "NOT_FOUND", "action:migrate"...
  int status = 0;          // HTTP status for API Gateway events
  std::pmr::string api_request_id;
  std::pmr::string tenant_id;
  // The error envelope's code and message when the API answered one.
  std::pmr::string api_error_code;
  std::pmr::string api_error_message;
  double db_time_ms = 0;
};

struct AppSettings {
  std::string version = "0.0.0";
  // SHOPPULSE_DIAGNOSTIC_ACTIONS=1: direct actions used by the runtime's own
  // integration tests (throw, oversize, sleep, context). Off in production.
  bool diagnostic_actions = false;
  RequestLimits limits;
  // Kept back from the Lambda deadline to write the response: work that would
  // run past it answers 504 instead of being killed mid-flight.
  std::chrono::milliseconds deadline_margin{150};
};

// What the handlers use, owned by the sandbox. Null members mean "not
// configured": routes that need them answer 503.
struct Dependencies {
  db::Pool* pool = nullptr;
  aws::AwsClient* quicksight = nullptr;
  QuickSightSettings quicksight_settings;
  std::string cursor_signing_key = "shoppulse-cursor-v1";
  CorsPolicy cors;
  std::string migrations_dir;  // for {"action":"migrate"}
};

class Application {
 public:
  Application(AppSettings settings, Dependencies dependencies, const Logger& logger);

  // Everything the invocation allocates comes from `memory` (the runtime's
  // per-invocation arena); the result must not outlive it.
  InvocationResult handle(std::string_view payload, const InvocationContext& context,
                          std::pmr::memory_resource& memory = *std::pmr::get_default_resource());

  // The API Gateway routes this application serves.
  [[nodiscard]] const Router& router() const noexcept { return router_; }

 private:
  void handle_api(json::Value event, EventKind kind, const InvocationContext& context,
                  std::pmr::memory_resource& memory, InvocationResult& result);
  void handle_direct(json::Value event, const InvocationContext& context, InvocationResult& result);
  ApiResponse route(ApiRequest& request, const InvocationContext& context, std::pmr::memory_resource& memory,
                    RequestStats& stats, InvocationResult& result);
  HandlerResult health(const RequestContext& context);

  AppSettings settings_;
  Dependencies dependencies_;
  const Logger& logger_;
  TenantIsolation tenant_isolation_;
  Router router_;  // each route's handler calls one of the handlers below
  CursorCodec cursors_;
  DbAccess db_;
  UsersHandler users_;
  AuditLogsHandler audit_logs_;
  QuickSightHandler quicksight_;
  GzipEncoderPool gzip_encoders_;
};

}  // namespace shoppulse::handlers
