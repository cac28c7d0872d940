#include "shoppulse/handlers/router.h"

#include <algorithm>

namespace shoppulse::handlers {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return segments;
  std::size_t start = 0;
  while (true) {
    const auto slash = path.find('/', start);
    segments.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

std::size_t Router::add(std::string method, std::string path_template) {
  Route route{std::move(method), std::move(path_template), {}};
  for (const auto segment : split_path(route.path_template)) route.segments.emplace_back(segment);
  routes_.push_back(std::move(route));
  return routes_.size() - 1;
}

bool Router::match_segments(const Route& route, const std::vector<std::string_view>& segments,
                            std::map<std::string, std::string>* params) {
  if (route.segments.size() != segments.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& pattern = route.segments[i];
    const bool is_param = pattern.size() > 2 && pattern.front() == '{' && pattern.back() == '}';
    if (is_param) {
      if (segments[i].empty()) return false;
      if (params != nullptr) (*params)[pattern.substr(1, pattern.size() - 2)] = std::string(segments[i]);
    } else if (pattern != segments[i]) {
      return false;
    }
  }
  return true;
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
  RouteMatch result;
  const auto segments = split_path(path);
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const Route& route = routes_[i];
    std::map<std::string, std::string> params;
    if (!match_segments(route, segments, &params)) continue;
    if (route.method == method) {
      result.kind = RouteMatch::Kind::kFound;
      result.route_index = i;
      result.route_name = route.method + " " + route.path_template;
      result.params = std::move(params);
      result.allowed_methods.clear();
      return result;
    }
    result.kind = RouteMatch::Kind::kMethodNotAllowed;
    if (std::find(result.allowed_methods.begin(), result.allowed_methods.end(), route.method) ==
        result.allowed_methods.end()) {
      result.allowed_methods.push_back(route.method);
    }
  }
  return result;
}

std::vector<std::string> Router::methods_for(std::string_view path) const {
  std::vector<std::string> methods;
  const auto segments = split_path(path);
  for (const auto& route : routes_) {
    if (match_segments(route, segments, nullptr) &&
        std::find(methods.begin(), methods.end(), route.method) == methods.end()) {
      methods.push_back(route.method);
    }
  }
  return methods;
}

}  // namespace shoppulse::handlers
