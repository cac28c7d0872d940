#pragma once
// The API Gateway resources the deployed REST API has (infra/api.tf), so the
// local gateway authorises and shapes events the way production does:
//   GET|OPTIONS /health    no authorizer
//   OPTIONS /{proxy+}      no authorizer (CORS preflight, answered by the function)
//   ANY /{proxy+}          Cognito user pool authorizer
// Anything else (e.g. "/", POST /health) has no method: API Gateway answers
// 403 "Missing Authentication Token" without calling the function.

#include <optional>
#include <string>
#include <string_view>

namespace shoppulse::gateway {

enum class RouteAccess { kPublic, kAuthorized, kNoMethod };

struct ApiRoute {
  RouteAccess access = RouteAccess::kNoMethod;
  std::string resource;              // REST `resource`: "/health" or "/{proxy+}"
  std::string route_key;             // HTTP API `routeKey`, e.g. "GET /health", "ANY /{proxy+}"
  std::optional<std::string> proxy;  // {proxy+} value (path without the leading '/'), decoded
};

// `path` is the decoded request path (no query).
ApiRoute resolve_route(std::string_view method, std::string_view path);

}  // namespace shoppulse::gateway
