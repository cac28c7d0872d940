#pragma once
// The application behind bootstrap: turns one invocation payload into one
// result. API Gateway events go to the router; direct invocations
// ({"action": ...}) go to their own dispatcher and never reach the router.

#include <chrono>
#include <cstdint>
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
#include "shoppulse/handlers/quicksight_handler.h"
#include "shoppulse/handlers/router.h"
#include "shoppulse/handlers/users_handler.h"

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

  InvocationResult handle(std::string_view payload, const InvocationContext& context);

 private:
  enum class RouteId {
    kHealth,
    kListUsers,
    kCreateUser,
    kGetUser,
    kUpdateUser,
    kDeleteUser,
    kListAudit,
    kGetAudit,
    kEmbed
  };

  InvocationResult handle_api(const nlohmann::json& event, EventKind kind, const InvocationContext& context);
  InvocationResult handle_direct(const nlohmann::json& event, const InvocationContext& context);
  ApiResponse route(const ApiRequest& request, const InvocationContext& context, InvocationResult& result);
  HandlerResult dispatch(RouteId id, const RequestContext& context);
  ApiResponse health(const ApiRequest& request, const InvocationContext& context);

  AppSettings settings_;
  Dependencies dependencies_;
  const Logger& logger_;
  Router router_;
  std::vector<RouteId> route_ids_;  // by router index
  CursorCodec cursors_;
  DbAccess db_;
  UsersHandler users_;
  AuditLogsHandler audit_logs_;
  QuickSightHandler quicksight_;
  GzipEncoder gzip_;
};

}  // namespace shoppulse::handlers
