#include "shoppulse/handlers/router.h"

#include <algorithm>

namespace shoppulse::handlers {

std::string_view RouteMatch::param(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < param_count; ++i) {
    if (params[i].name == name) return params[i].value;
  }
  return {};
}

// Splits "/a/b/" into {"a","b"}; empty segments (//) are kept so they never
// match a template.
Router::Segments Router::split(std::string_view path) noexcept {
  Segments segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return segments;
  std::size_t start = 0;
  while (true) {
    if (segments.count == kMaxSegments) {
      segments.too_many = true;
      return segments;
    }
    const auto slash = path.find('/', start);
    segments.items[segments.count++] =
        path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

void Router::add(std::string method, std::string path_template, RouteAccess access, RouteHandler handler) {
  Route route{std::move(method), std::move(path_template), access, std::move(handler), {}, {}};
  route.name = route.method + " " + route.path_template;
  const Segments segments = split(route.path_template);
  for (std::size_t i = 0; i < segments.count; ++i) route.segments.emplace_back(segments.items[i]);
  routes_.push_back(std::move(route));
}

bool Router::match_segments(const Route& route, const Segments& segments, RouteMatch* match) noexcept {
  if (segments.too_many || route.segments.size() != segments.count) return false;
  std::size_t params = 0;
  for (std::size_t i = 0; i < segments.count; ++i) {
    const std::string& pattern = route.segments[i];
    const bool is_param = pattern.size() > 2 && pattern.front() == '{' && pattern.back() == '}';
    if (is_param) {
      if (segments.items[i].empty() || params == RouteMatch::kMaxParams) return false;
      if (match != nullptr) {
        match->params[params] = {std::string_view(pattern).substr(1, pattern.size() - 2), segments.items[i]};
      }
      ++params;
    } else if (pattern != segments.items[i]) {
      return false;
    }
  }
  if (match != nullptr) match->param_count = params;
  return true;
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
  RouteMatch result;
  const Segments segments = split(path);
  for (const Route& route : routes_) {
    RouteMatch candidate;
    if (!match_segments(route, segments, &candidate)) continue;
    if (route.method == method) {
      candidate.kind = RouteMatch::Kind::kFound;
      candidate.route = &route;
      candidate.route_name = route.name;
      return candidate;
    }
    result.kind = RouteMatch::Kind::kMethodNotAllowed;
    if (std::find(result.allowed_methods.begin(), result.allowed_methods.end(), route.method) ==
        result.allowed_methods.end()) {
      result.allowed_methods.emplace_back(route.method);
    }
  }
  return result;
}

std::vector<std::string_view> Router::methods_for(std::string_view path) const {
  std::vector<std::string_view> methods;
  const Segments segments = split(path);
  for (const auto& route : routes_) {
    if (match_segments(route, segments, nullptr) &&
        std::find(methods.begin(), methods.end(), route.method) == methods.end()) {
      methods.emplace_back(route.method);
    }
  }
  return methods;
}

}  // namespace shoppulse::handlers
