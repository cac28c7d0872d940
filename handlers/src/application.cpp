#include "shoppulse/handlers/application.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "shoppulse/handlers/direct_actions.h"

namespace shoppulse::handlers {

std::chrono::milliseconds InvocationContext::remaining() const {
  if (deadline_epoch_ms <= 0) return std::chrono::hours(24);
  const long long left = deadline_epoch_ms - now_epoch_ms();
  return std::chrono::milliseconds(std::max(0LL, left));
}

Application::Application(AppSettings settings, const Logger& logger)
    : settings_(std::move(settings)), logger_(logger) {
  health_route_ = router_.add("GET", "/health");
}

InvocationResult Application::handle(std::string_view payload, const InvocationContext& context) {
  nlohmann::json event = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (event.is_discarded()) {
    InvocationResult result;
    result.ok = false;
    result.error_type = "Function.InvalidEvent";
    result.error_message = "The invocation payload is not valid JSON";
    result.route = "INVALID_EVENT";
    return result;
  }
  const EventKind kind = classify_event(event);
  switch (kind) {
    case EventKind::kApiGatewayV1:
    case EventKind::kApiGatewayV2:
      return handle_api(event, kind, context);
    case EventKind::kDirectAction:
      return handle_direct(event, context);
    case EventKind::kUnsupported:
      break;
  }
  InvocationResult result;
  result.ok = false;
  result.error_type = "Function.UnsupportedEvent";
  result.error_message =
      "The invocation payload is neither an API Gateway proxy event (REST 1.0 / HTTP API 2.0) nor a direct action";
  result.route = "UNSUPPORTED_EVENT";
  return result;
}

InvocationResult Application::handle_api(const nlohmann::json& event, EventKind kind,
                                         const InvocationContext& context) {
  InvocationResult result;
  const EventFormat format = kind == EventKind::kApiGatewayV2 ? EventFormat::kHttpV2 : EventFormat::kRestV1;
  auto request = parse_api_request(event, kind, settings_.limits);
  ApiResponse response;
  if (!request) {
    result.api_request_id = extract_request_id(event);
    result.route = "MALFORMED_REQUEST";
    response = error_response(request.error(), result.api_request_id);
  } else {
    result.api_request_id = request->request_id;
    const RouteMatch match = router_.match(request->method, request->path);
    switch (match.kind) {
      case RouteMatch::Kind::kFound:
        result.route = match.route_name;
        response = dispatch(*request, match, context);
        break;
      case RouteMatch::Kind::kMethodNotAllowed: {
        result.route = "METHOD_NOT_ALLOWED";
        response = error_response(Error::make(ErrorKind::kMethodNotAllowed, "method_not_allowed",
                                              "Method " + request->method + " is not allowed on this resource"),
                                  request->request_id);
        std::string allow;
        for (const auto& method : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + method;
        response.set_header("Allow", allow);
        break;
      }
      case RouteMatch::Kind::kNotFound:
        result.route = "NOT_FOUND";
        response = error_response(Error::make(ErrorKind::kNotFound, "not_found", "No route for this path"),
                                  request->request_id);
        break;
    }
  }
  result.status = response.status;
  result.payload = serialize_response(response, format);
  return result;
}

ApiResponse Application::dispatch(const ApiRequest& /*request*/, const RouteMatch& match,
                                  const InvocationContext& context) {
  if (match.route_index == health_route_) {
    return json_response(200, {{"status", "ok"}, {"version", settings_.version}, {"coldStart", context.cold_start}});
  }
  return error_response(Error::make(ErrorKind::kInternal, "internal", "Route has no handler"), "");
}

InvocationResult Application::handle_direct(const nlohmann::json& event, const InvocationContext& context) {
  const std::string action = event.at("action").get<std::string>();
  InvocationResult result;
  result.route = "action:" + action;
  if (settings_.diagnostic_actions && action.rfind("diagnostic.", 0) == 0) {
    auto payload = run_diagnostic_action(action, event, context);
    if (payload) {
      result.payload = std::move(payload).value();
      return result;
    }
    result.ok = false;
    result.error_type = "Function.InvalidAction";
    result.error_message = payload.error().message;
    return result;
  }
  result.ok = false;
  result.error_type = "Function.UnknownAction";
  result.error_message = "Unknown direct action";
  return result;
}

}  // namespace shoppulse::handlers
