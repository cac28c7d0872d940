#include "shoppulse/gateway/api_routes.h"

namespace shoppulse::gateway {

ApiRoute resolve_route(std::string_view method, std::string_view path) {
  ApiRoute route;
  // API Gateway matches the most specific resource first; methods missing on
  // it do not fall back to the greedy proxy resource.
  if (path == "/health" || path == "/health/") {
    route.resource = "/health";
    if (method == "GET" || method == "OPTIONS") {
      route.access = RouteAccess::kPublic;
      route.route_key = std::string(method) + " /health";
    }
    return route;
  }
  if (path.size() <= 1 || path.front() != '/') return route;  // "/" has no method
  route.resource = "/{proxy+}";
  route.proxy = std::string(path.substr(1));
  if (method == "OPTIONS") {
    route.access = RouteAccess::kPublic;
    route.route_key = "OPTIONS /{proxy+}";
  } else {
    route.access = RouteAccess::kAuthorized;
    route.route_key = "ANY /{proxy+}";
  }
  return route;
}

}  // namespace shoppulse::gateway
