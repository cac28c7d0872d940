#pragma once
// What the router found for one request: the route and its path parameters,
// or why there is none (404, or 405 with the allowed methods). Its own header
// because RequestContext carries it and the router's table carries handlers
// that take a RequestContext.

#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

namespace shoppulse::handlers {

struct Route;  // router.h

struct RouteParam {
  std::string_view name;
  std::string_view value;
};

struct RouteMatch {
  static constexpr std::size_t kMaxParams = 4;
  enum class Kind { kFound, kNotFound, kMethodNotAllowed };
  Kind kind = Kind::kNotFound;
  const Route* route = nullptr;  // when kFound: the router's entry, with its handler
  std::string_view route_name;   // e.g. "GET /users/{id}" (metrics dimension); the router owns the text
  std::array<RouteParam, kMaxParams> params{};
  std::size_t param_count = 0;
  std::vector<std::string_view> allowed_methods;  // when kMethodNotAllowed

  // The value of a path parameter, or empty.
  [[nodiscard]] std::string_view param(std::string_view name) const noexcept;
};

}  // namespace shoppulse::handlers
