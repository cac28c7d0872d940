#pragma once
// What every route handler receives, and the error type it returns: a typed
// Error (its kind is the HTTP status) plus optional details and Retry-After.

#include <chrono>
#include <memory_resource>
#include <string>

#include <nlohmann/json.hpp>

#include "shoppulse/core/result.h"
#include "shoppulse/handlers/api_request.h"
#include "shoppulse/handlers/api_response.h"
#include "shoppulse/handlers/caller.h"
#include "shoppulse/handlers/invocation_context.h"
#include "shoppulse/handlers/route_match.h"

namespace shoppulse::handlers {

struct ApiError {
  Error error;
  nlohmann::json details;       // error.details (validation: one entry per field)
  int retry_after_seconds = 0;  // > 0 adds Retry-After (429, 503)

  ApiError() = default;
  ApiError(Error e) : error(std::move(e)) {}  // NOLINT(google-explicit-constructor)
  ApiError(Error e, nlohmann::json d) : error(std::move(e)), details(std::move(d)) {}
};

using HandlerResult = Result<ApiResponse, ApiError>;

// What one request measured about itself (the DbTime metric).
struct RequestStats {
  std::chrono::nanoseconds db_time{};
};

struct RequestContext {
  const ApiRequest& request;
  const RouteMatch& route;
  const Caller& caller;
  const InvocationContext& invocation;
  // When the work must be finished: the invocation deadline minus a margin
  // for writing the response.
  std::chrono::steady_clock::time_point deadline;
  // The invocation's arena: responses and rows are built in it.
  std::pmr::memory_resource& memory;
  RequestStats& stats;

  // A path parameter of the matched route, or empty.
  [[nodiscard]] std::string_view param(std::string_view name) const noexcept { return route.param(name); }
  // requestContext.requestId, bounded to what audit_logs stores.
  [[nodiscard]] std::string_view audit_request_id() const;
  // The caller's source IP if it is a valid IPv4/IPv6 address, else empty
  // (audit_logs.source_ip is inet; hostile input must not fail the write).
  [[nodiscard]] std::string_view audit_source_ip() const;
};

ApiResponse to_response(const ApiError& error, std::string_view request_id,
                        std::pmr::memory_resource* memory = std::pmr::get_default_resource());

}  // namespace shoppulse::handlers
