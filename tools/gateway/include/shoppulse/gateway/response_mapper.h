#pragma once
// The function's result -> the HTTP response API Gateway would send.
//
// REST (1.0): the response must be a JSON object with only statusCode,
// headers, multiValueHeaders, body, isBase64Encoded; headers and
// multiValueHeaders merge (multiValueHeaders wins for a name in both).
// HTTP API (2.0): additionally `cookies`; a JSON response without statusCode
// is sent as a 200 application/json body, as HTTP API infers.
// Anything else is malformed. Failures become API Gateway's own responses:
// malformed response or function error -> 502 {"message": "Internal server error"},
// integration timeout -> 504 {"message": "Endpoint request timed out"},
// missing/invalid token -> 401 {"message": "Unauthorized"},
// no such method/resource -> 403 {"message": "Missing Authentication Token"}.

#include <string>
#include <string_view>

#include "shoppulse/core/result.h"
#include "shoppulse/gateway/event_builder.h"
#include "shoppulse/gateway/http_types.h"

namespace shoppulse::gateway {

// kBadGateway with the reason when the response is malformed.
Result<HttpResponse> map_function_response(PayloadFormat format, std::string_view payload);

enum class GatewayError { kUnauthorized, kMissingAuthenticationToken, kInternalServerError, kTimeout };

// API Gateway's default gateway responses (body, status, x-amzn-ErrorType).
HttpResponse gateway_error_response(GatewayError error);

}  // namespace shoppulse::gateway
