#pragma once
// Path-template router: "/users/{id}" style templates, one handler per
// (method, template), kept in the route's own table entry so that adding a
// route is one add() call. Unknown path -> 404; known path, other method ->
// 405 with the allowed methods. Matching allocates nothing: names and
// parameters are views into the router's templates and the request path.

#include <array>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "shoppulse/handlers/request_context.h"
#include "shoppulse/handlers/route_match.h"

namespace shoppulse::handlers {

using RouteHandler = std::function<HandlerResult(const RequestContext&)>;

// Who may call a route. kTenant routes get the caller from the authorizer's
// claims (401 without a valid one), tenant isolation and the deadline check
// before their handler runs; kPublic handlers (GET /health) run without them
// and see an empty Caller.
enum class RouteAccess { kPublic, kTenant };

struct Route {
  std::string method;
  std::string path_template;
  RouteAccess access = RouteAccess::kTenant;
  RouteHandler handler;
  std::string name;                   // method + " " + template
  std::vector<std::string> segments;  // "{name}" marks a parameter
};

class Router {
 public:
  // Longest template the router accepts, in segments; longer paths never match.
  static constexpr std::size_t kMaxSegments = 8;

  void add(std::string method, std::string path_template, RouteAccess access, RouteHandler handler);
  // A found match points at the route's entry, valid for the Router's lifetime.
  [[nodiscard]] RouteMatch match(std::string_view method, std::string_view path) const;
  // Methods registered for a path (used for CORS preflight and Allow).
  [[nodiscard]] std::vector<std::string_view> methods_for(std::string_view path) const;
  // Every route in the order added: what tools/openapi checks against the
  // OpenAPI document.
  [[nodiscard]] const std::deque<Route>& routes() const noexcept { return routes_; }

 private:
  struct Segments {
    std::array<std::string_view, kMaxSegments> items{};
    std::size_t count = 0;
    bool too_many = false;
  };
  static Segments split(std::string_view path) noexcept;
  static bool match_segments(const Route& route, const Segments& segments, RouteMatch* match) noexcept;
  std::deque<Route> routes_;  // a deque: adding a route never moves the others
};

}  // namespace shoppulse::handlers
