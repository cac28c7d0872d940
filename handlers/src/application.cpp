#include "shoppulse/handlers/application.h"

#include <algorithm>
#include <optional>

#include "shoppulse/handlers/caller.h"
#include "shoppulse/handlers/direct_actions.h"
#include "shoppulse/core/json_writer.h"

namespace shoppulse::handlers {
namespace {

// The metrics dimension of a direct action: its name when it is one we know,
// so an arbitrary payload cannot create CloudWatch dimensions.
void set_action_route(std::string_view action, std::pmr::string& route) {
  const bool known = std::find(kDirectActions.begin(), kDirectActions.end(), action) != kDirectActions.end();
  route.assign("action:").append(known ? action : "unknown");
}

}  // namespace

Application::Application(AppSettings settings, Dependencies dependencies, const Logger& logger)
    : settings_(std::move(settings)),
      dependencies_(std::move(dependencies)),
      logger_(logger),
      cursors_(dependencies_.cursor_signing_key),
      db_(dependencies_.pool, logger_),
      users_(db_, cursors_),
      audit_logs_(db_, cursors_),
      quicksight_(db_, dependencies_.quicksight, dependencies_.quicksight_settings, logger_) {
  using enum RouteAccess;
  router_.add("GET", "/health", kPublic, [this](const RequestContext& c) { return health(c); });
  router_.add("GET", "/users", kTenant, [this](const RequestContext& c) { return users_.list(c); });
  router_.add("POST", "/users", kTenant, [this](const RequestContext& c) { return users_.create(c); });
  router_.add("GET", "/users/{id}", kTenant, [this](const RequestContext& c) { return users_.get(c); });
  router_.add("PATCH", "/users/{id}", kTenant, [this](const RequestContext& c) { return users_.update(c); });
  router_.add("DELETE", "/users/{id}", kTenant, [this](const RequestContext& c) { return users_.remove(c); });
  router_.add("GET", "/audit-logs", kTenant, [this](const RequestContext& c) { return audit_logs_.list(c); });
  router_.add("GET", "/audit-logs/{id}", kTenant, [this](const RequestContext& c) { return audit_logs_.get(c); });
  router_.add("POST", "/quicksight/embed-url", kTenant,
              [this](const RequestContext& c) { return quicksight_.embed_url(c); });
}

InvocationResult Application::handle(std::string_view payload, const InvocationContext& context,
                                     std::pmr::memory_resource& memory) {
  InvocationResult result(&memory);
  json::Document event(&memory);
  if (!event.parse(payload)) {
    result.ok = false;
    result.error_type = "Function.InvalidEvent";
    result.error_message = "The invocation payload is not valid JSON";
    result.route = "INVALID_EVENT";
    return result;
  }
  const EventKind kind = classify_event(event.root());
  switch (kind) {
    case EventKind::kApiGatewayV1:
    case EventKind::kApiGatewayV2: handle_api(event.root(), kind, context, memory, result); break;
    case EventKind::kDirectAction: handle_direct(event.root(), context, result); break;
    case EventKind::kUnsupported:
      result.ok = false;
      result.error_type = "Function.UnsupportedEvent";
      result.error_message =
          "The invocation payload is neither an API Gateway proxy event (REST 1.0 / HTTP API 2.0) nor a direct action";
      result.route = "UNSUPPORTED_EVENT";
      break;
  }
  return result;
}

void Application::handle_api(json::Value event, EventKind kind, const InvocationContext& context,
                             std::pmr::memory_resource& memory, InvocationResult& result) {
  const EventFormat format = kind == EventKind::kApiGatewayV2 ? EventFormat::kHttpV2 : EventFormat::kRestV1;
  RequestStats stats;
  auto request = parse_api_request(event, kind, settings_.limits, &memory);
  ApiResponse response(&memory);
  if (!request) {
    result.api_request_id = extract_request_id(event);
    result.route = "MALFORMED_REQUEST";
    response = error_response(request.error(), result.api_request_id, nullptr, &memory);
  } else {
    result.api_request_id = request->request_id;
    if (LogContext* log = LogScope::current(); log != nullptr) log->api_request_id = request->request_id;
    response = route(*request, context, memory, stats, result);
    apply_cors(response, *request, dependencies_.cors);
    maybe_gzip(response, *request, gzip_encoders_);
  }
  result.status = response.status;
  result.api_error_code = std::move(response.error_code);
  result.api_error_message = std::move(response.error_message);
  result.db_time_ms = std::chrono::duration<double, std::milli>(stats.db_time).count();
  serialize_response(response, format, result.payload);
}

ApiResponse Application::route(ApiRequest& request, const InvocationContext& context, std::pmr::memory_resource& memory,
                               RequestStats& stats, InvocationResult& result) {
  if (request.method == "OPTIONS") {
    const auto methods = router_.methods_for(request.path);
    if (!methods.empty()) {
      result.route = "OPTIONS";
      return preflight_response(request, dependencies_.cors, methods, &memory);
    }
  }
  const RouteMatch match = router_.match(request.method, request.path);
  if (match.kind == RouteMatch::Kind::kNotFound) {
    result.route = "NOT_FOUND";
    return error_response(Error::make(ErrorKind::kNotFound, "not_found", "No route for this path"), request.request_id,
                          nullptr, &memory);
  }
  if (match.kind == RouteMatch::Kind::kMethodNotAllowed) {
    result.route = "METHOD_NOT_ALLOWED";
    ApiResponse response =
        error_response(Error::make(ErrorKind::kMethodNotAllowed, "method_not_allowed",
                                   "Method " + std::string(request.method) + " is not allowed on this resource"),
                       request.request_id, nullptr, &memory);
    std::string allow;
    for (const auto method : match.allowed_methods) {
      if (!allow.empty()) allow.append(", ");
      allow.append(method);
    }
    response.set_header("Allow", allow);
    return response;
  }
  result.route = match.route_name;
  LogContext* const log = LogScope::current();
  if (log != nullptr) log->route = match.route_name;
  const Route& target = *match.route;
  const auto respond = [&](HandlerResult handled) {
    if (!handled) return to_response(handled.error(), request.request_id, &memory);
    return std::move(handled).value();
  };
  const auto remaining = context.remaining();
  const auto deadline =
      std::chrono::steady_clock::now() + std::max(remaining - settings_.deadline_margin, std::chrono::milliseconds(0));
  if (target.access == RouteAccess::kPublic) {
    const Caller anonymous{};
    return respond(target.handler(RequestContext{request, match, anonymous, context, deadline, memory, stats}));
  }

  auto caller = caller_from_claims(request);
  if (!caller) return to_response(ApiError(caller.error()), request.request_id, &memory);
  result.tenant_id = caller->tenant_id;
  // Tenant-isolation mode: the log context names the platform's tenant.
  if (!context.platform_tenant_id.empty()) result.tenant_id = context.platform_tenant_id;
  // Every later line of this invocation (the handler's, the pool's retries
  // and reconnects) names the tenant. Views into the event: they outlive the
  // log scope, which ends before the invocation's arena is released.
  if (log != nullptr) {
    log->tenant_id = context.platform_tenant_id.empty() ? caller->tenant_id : context.platform_tenant_id;
  }
  if (const auto refusal = tenant_isolation_.admit(context.platform_tenant_id, caller->tenant_id)) {
    logger_.warn("tenant isolation refused the request",
                 {{"reason", *refusal == TenantIsolation::Refusal::kClaimMismatch ? "claim_differs_from_platform"
                                                                                  : "sandbox_serves_another_tenant"},
                  {"platformTenantId", context.platform_tenant_id},
                  {"claimTenantId", caller->tenant_id},
                  {"route", result.route}});
    return to_response(ApiError(Error::make(ErrorKind::kForbidden, "tenant_mismatch",
                                            "The request's tenant does not match the tenant this function serves")),
                       request.request_id, &memory);
  }

  if (remaining <= settings_.deadline_margin) {
    return to_response(
        ApiError(Error::make(ErrorKind::kTimeout, "timeout", "Not enough time left to serve the request")),
        request.request_id, &memory);
  }
  return respond(target.handler(RequestContext{request, match, *caller, context, deadline, memory, stats}));
}

// Public: no caller, no tenant. Its own database budget (50 ms..2 s of what
// is left), so a nearly spent invocation still reports the database.
HandlerResult Application::health(const RequestContext& request_context) {
  const InvocationContext& context = request_context.invocation;
  std::pmr::memory_resource& memory = request_context.memory;
  // Keys in sorted order, as the body has always been rendered.
  const auto render = [&](int status, std::string_view database, std::optional<double> latency_ms) {
    ApiResponse response = json_response(status, &memory);
    ArenaJsonWriter w(response.body);
    w.begin_object().field("coldStart", context.cold_start).field("database", database);
    if (latency_ms) w.field("databaseLatencyMs", *latency_ms);
    w.field("status", status == 200 ? "ok" : "degraded").field("version", settings_.version).end_object();
    return response;
  };
  if (dependencies_.pool == nullptr) return render(200, "not_configured", std::nullopt);
  const auto budget = std::clamp(context.remaining() - settings_.deadline_margin, std::chrono::milliseconds(50),
                                 std::chrono::milliseconds(2000));
  const auto started = std::chrono::steady_clock::now();
  Status database = dependencies_.pool->health_check(budget);
  const double db_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (database) return render(200, "ok", db_ms);
  logger_.warn("health check: database unreachable", {{"dbCode", database.error().code}});
  ApiResponse response = render(503, "unavailable", db_ms);
  response.set_header("Retry-After", "5");
  return response;
}

void Application::handle_direct(json::Value event, const InvocationContext& context, InvocationResult& result) {
  const std::string action(event["action"].string());
  set_action_route(action, result.route);
  Result<std::string> payload = fail(Error::make(ErrorKind::kInvalidInput, "unknown_action", "Unknown direct action"));
  std::string failure_type = "Function.UnknownAction";
  if (action == "migrate") {
    payload = run_migrate_action(dependencies_.pool, dependencies_.migrations_dir, logger_);
    failure_type = "Function.MigrationFailed";
  } else if (settings_.diagnostic_actions && action.rfind("diagnostic.", 0) == 0) {
    payload = run_diagnostic_action(action, event, context);
    failure_type = "Function.InvalidAction";
  }
  if (payload) {
    result.payload.assign(*payload);
    return;
  }
  result.ok = false;
  result.error_type = failure_type;
  result.error_message = payload.error().message;
}

}  // namespace shoppulse::handlers
