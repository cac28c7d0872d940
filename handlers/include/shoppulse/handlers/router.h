#pragma once
// Path-template router: "/users/{id}" style templates, one handler per
// (method, template). Unknown path -> 404; known path, other method -> 405
// with the allowed methods. Matching allocates nothing: names and parameters
// are views into the router's templates and the request path.

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace shoppulse::handlers {

struct RouteParam {
  std::string_view name;
  std::string_view value;
};

struct RouteMatch {
  static constexpr std::size_t kMaxParams = 4;
  enum class Kind { kFound, kNotFound, kMethodNotAllowed };
  Kind kind = Kind::kNotFound;
  std::size_t route_index = 0;  // into Router's table when kFound
  std::string_view route_name;  // e.g. "GET /users/{id}" (metrics dimension); the router owns the text
  std::array<RouteParam, kMaxParams> params{};
  std::size_t param_count = 0;
  std::vector<std::string_view> allowed_methods;  // when kMethodNotAllowed

  // The value of a path parameter, or empty.
  [[nodiscard]] std::string_view param(std::string_view name) const noexcept;
};

class Router {
 public:
  // Longest template the router accepts, in segments; longer paths never match.
  static constexpr std::size_t kMaxSegments = 8;

  // Returns the route's index, stable for the Router's lifetime.
  std::size_t add(std::string method, std::string path_template);
  [[nodiscard]] RouteMatch match(std::string_view method, std::string_view path) const;
  // Methods registered for a path (used for CORS preflight and Allow).
  [[nodiscard]] std::vector<std::string_view> methods_for(std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::string path_template;
    std::string name;                   // method + " " + template
    std::vector<std::string> segments;  // "{name}" marks a parameter
  };
  struct Segments {
    std::array<std::string_view, kMaxSegments> items{};
    std::size_t count = 0;
    bool too_many = false;
  };
  static Segments split(std::string_view path) noexcept;
  static bool match_segments(const Route& route, const Segments& segments, RouteMatch* match) noexcept;
  std::vector<Route> routes_;
};

}  // namespace shoppulse::handlers
