#pragma once
// The function's result -> the HTTP response API Gateway would send.
//
// REST (1.0): the response must be a JSON object with only statusCode,
// headers, multiValueHeaders, body, isBase64Encoded; headers and
// multiValueHeaders merge (multiValueHeaders wins for a name in both).
// HTTP API (2.0): additionally `cookies`; a JSON response without statusCode
// is sent as a 200 application/json body, as HTTP API infers.
// Anything else is malformed. Failures become API Gateway's own answers, in
// the contract's error envelope exactly as infra/api.tf's gateway responses
// write them ({"error":{"code","message","requestId"}}):
// malformed response or function error -> 502 internal_error "Internal server error" (DEFAULT_5XX),
// integration timeout -> 504 timeout "Endpoint request timed out" (INTEGRATION_TIMEOUT),
// missing/invalid token -> 401 unauthorized "Unauthorized" (UNAUTHORIZED),
// no such method/resource -> 404 not_found "No route for this path"
// (MISSING_AUTHENTICATION_TOKEN, API Gateway's 403 remapped by infra).

#include <string>
#include <string_view>

#include "shoppulse/core/result.h"
#include "shoppulse/gateway/event_builder.h"
#include "shoppulse/gateway/http_types.h"

namespace shoppulse::gateway {

// kBadGateway with the reason when the response is malformed.
Result<HttpResponse> map_function_response(PayloadFormat format, std::string_view payload);

// kRequestTooLarge and kBadRequest are what the HTTP server itself refuses
// (a body over the payload limit, a request it cannot read).
enum class GatewayError {
  kUnauthorized,
  kMissingAuthenticationToken,
  kInternalServerError,
  kTimeout,
  kRequestTooLarge,
  kBadRequest
};

// infra/api.tf's gateway response for `error` (status, envelope body,
// x-amzn-ErrorType); `request_id` is the event's requestContext.requestId.
HttpResponse gateway_error_response(GatewayError error, std::string_view request_id);

}  // namespace shoppulse::gateway
