#pragma once
// The API Gateway resources the local gateway serves, so it authorises and
// shapes events the way the deployed REST API (infra/api.tf) does.
//
// With --openapi (what ./run.sh passes): the resources are the contract's
// operations, exactly as infra/api.tf imports them: every path x method of
// the document; `security: []` (or `[{}]`) is public, anything else (the
// document's default) needs the Cognito authorizer. Events carry the path
// template as `resource` / in `routeKey` ("GET /users/{id}") and the
// template's variables as `pathParameters`.
//
// Without it: the older greedy layout, kept for the tests that run a fake
// function on arbitrary paths:
//   GET|OPTIONS /health    no authorizer
//   OPTIONS /{proxy+}      no authorizer (CORS preflight, answered by the function)
//   ANY /{proxy+}          Cognito user pool authorizer
//
// Anything else (an unknown path, a method the path lacks, "/") has no
// method: API Gateway answers MISSING_AUTHENTICATION_TOKEN without calling
// the function, which infra/api.tf maps to 404 not_found.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "shoppulse/core/result.h"

namespace shoppulse::gateway {

enum class RouteAccess { kPublic, kAuthorized, kNoMethod };

// Template variable -> value, in template order; empty: no pathParameters.
using PathParameters = std::vector<std::pair<std::string, std::string>>;

struct ApiRoute {
  RouteAccess access = RouteAccess::kNoMethod;
  std::string resource;   // REST `resource`: "/users/{id}", "/health" or "/{proxy+}"; "" = no resource
  std::string route_key;  // HTTP API `routeKey`, e.g. "GET /users/{id}", "ANY /{proxy+}"
  PathParameters path_parameters;
};

// The greedy /{proxy+} layout. `path` is the decoded request path (no query).
ApiRoute resolve_route(std::string_view method, std::string_view path);

// One operation of the contract.
struct ApiOperation {
  std::string method;  // upper-case
  bool authorised = false;
};

struct ApiResource {
  std::string path;                   // the template, e.g. "/users/{id}"
  std::vector<std::string> segments;  // split on '/', without the leading empty one
  std::vector<ApiOperation> operations;
};

class ApiRoutes {
 public:
  // The /{proxy+} layout (resolve_route).
  static ApiRoutes proxy();
  // The operations of an OpenAPI 3.x document (as JSON). Refused: no
  // `paths`, a template that is not "/..." or has an empty segment, or an
  // operation under a security scheme other than `cognito_scheme` (infra has
  // that one authorizer and refuses the plan too).
  static Result<ApiRoutes> from_openapi(const nlohmann::json& document, std::string_view cognito_scheme);

  // `raw_path`: the request path as sent (percent-encoded, no query). Split
  // on '/' before decoding, so an encoded slash stays inside one parameter.
  [[nodiscard]] ApiRoute resolve(std::string_view method, std::string_view raw_path) const;

  [[nodiscard]] bool from_document() const noexcept { return from_document_; }
  [[nodiscard]] std::size_t operation_count() const noexcept;

 private:
  bool from_document_ = false;
  std::vector<ApiResource> resources_;
};

}  // namespace shoppulse::gateway
