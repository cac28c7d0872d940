#pragma once
// Path-template router: "/users/{id}" style templates, one handler per
// (method, template). Unknown path -> 404; known path, other method -> 405
// with the allowed methods.

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace shoppulse::handlers {

struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed };
  Kind kind = Kind::kNotFound;
  std::size_t route_index = 0;  // into Router's table when kFound
  std::string route_name;       // e.g. "GET /users/{id}" (metrics dimension)
  std::map<std::string, std::string> params;
  std::vector<std::string> allowed_methods;  // when kMethodNotAllowed
};

class Router {
 public:
  // Returns the route's index, stable for the Router's lifetime.
  std::size_t add(std::string method, std::string path_template);
  [[nodiscard]] RouteMatch match(std::string_view method, std::string_view path) const;
  // Methods registered for a path (used for CORS preflight and Allow).
  [[nodiscard]] std::vector<std::string> methods_for(std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::string path_template;
    std::vector<std::string> segments;  // "{name}" marks a parameter
  };
  static bool match_segments(const Route& route, const std::vector<std::string_view>& segments,
                             std::map<std::string, std::string>* params);
  std::vector<Route> routes_;
};

// Splits "/a/b/" into {"a","b"}; empty segments (//) are kept so they never
// match a template.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace shoppulse::handlers
