#pragma once
// What every route handler receives, and the error type it returns: a typed
// Error (its kind is the HTTP status) plus optional details and Retry-After.

#include <chrono>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "shoppulse/core/result.h"
#include "shoppulse/handlers/api_request.h"
#include "shoppulse/handlers/api_response.h"
#include "shoppulse/handlers/caller.h"

namespace shoppulse::handlers {

struct InvocationContext;

struct ApiError {
  Error error;
  nlohmann::json details;       // error.details (validation: one entry per field)
  int retry_after_seconds = 0;  // > 0 adds Retry-After (429, 503)

  ApiError() = default;
  ApiError(Error e) : error(std::move(e)) {}  // NOLINT(google-explicit-constructor)
  ApiError(Error e, nlohmann::json d) : error(std::move(e)), details(std::move(d)) {}
};

using HandlerResult = Result<ApiResponse, ApiError>;

struct RequestContext {
  const ApiRequest& request;
  const std::map<std::string, std::string>& params;
  const Caller& caller;
  const InvocationContext& invocation;
  // When the work must be finished: the invocation deadline minus a margin
  // for writing the response.
  std::chrono::steady_clock::time_point deadline;

  // requestContext.requestId, bounded to what audit_logs stores.
  [[nodiscard]] std::string audit_request_id() const;
  // The caller's source IP if it is a valid IPv4/IPv6 address, else empty
  // (audit_logs.source_ip is inet; hostile input must not fail the write).
  [[nodiscard]] std::string audit_source_ip() const;
};

ApiResponse to_response(const ApiError& error, const std::string& request_id);

}  // namespace shoppulse::handlers
