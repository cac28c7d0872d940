#include "shoppulse/gateway/api_routes.h"

#include <algorithm>
#include <array>
#include <optional>

#include "shoppulse/core/ascii.h"

namespace shoppulse::gateway {
namespace {

using nlohmann::json;

// The HTTP-method keys of a Path Item (`parameters`, `summary`, `x-...` are not operations).
constexpr std::array<std::string_view, 8> kOperationKeys = {"get",     "put",  "post",  "delete",
                                                            "options", "head", "patch", "trace"};

Error contract_error(std::string message) {
  return Error::make(ErrorKind::kInvalidInput, "usage", "--openapi: " + std::move(message));
}

// How specific a template segment is: API Gateway prefers a literal child
// resource over a {param} one, and either over a greedy {param+}.
enum class SegmentKind { kLiteral = 0, kParameter = 1, kGreedy = 2 };

SegmentKind kind_of(std::string_view segment) {
  if (segment.size() < 3 || segment.front() != '{' || segment.back() != '}') return SegmentKind::kLiteral;
  return segment[segment.size() - 2] == '+' ? SegmentKind::kGreedy : SegmentKind::kParameter;
}

// "{id}" -> "id", "{proxy+}" -> "proxy".
std::string parameter_name(std::string_view segment, SegmentKind kind) {
  return std::string(segment.substr(1, segment.size() - (kind == SegmentKind::kGreedy ? 3 : 2)));
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  path.remove_prefix(1);  // the leading '/'
  while (true) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// The resource's segment kinds if `raw` (split request path) matches it, with
// its parameters decoded; nullopt otherwise.
std::optional<std::vector<SegmentKind>> match(const ApiResource& resource, const std::vector<std::string_view>& raw,
                                              PathParameters& parameters) {
  std::vector<SegmentKind> kinds;
  for (std::size_t i = 0; i < resource.segments.size(); ++i) {
    const std::string& segment = resource.segments[i];
    const SegmentKind kind = kind_of(segment);
    kinds.push_back(kind);
    if (kind == SegmentKind::kGreedy) {
      if (i >= raw.size()) return std::nullopt;
      std::string rest;
      for (std::size_t j = i; j < raw.size(); ++j) {
        if (j > i) rest += '/';
        rest += raw[j];
      }
      parameters.emplace_back(parameter_name(segment, kind), ascii::percent_decode(rest, false));
      return kinds;
    }
    if (i >= raw.size() || raw[i].empty()) return std::nullopt;
    const std::string decoded = ascii::percent_decode(raw[i], false);
    if (kind == SegmentKind::kLiteral) {
      if (decoded != segment) return std::nullopt;
    } else {
      parameters.emplace_back(parameter_name(segment, kind), decoded);
    }
  }
  if (raw.size() != resource.segments.size()) return std::nullopt;
  return kinds;
}

Result<bool> authorised(const json& operation, const json& document, std::string_view cognito_scheme,
                        const std::string& where) {
  const json* security = nullptr;
  if (const auto own = operation.find("security"); own != operation.end()) {
    security = &*own;
  } else if (const auto fallback = document.find("security"); fallback != document.end()) {
    security = &*fallback;
  }
  if (security == nullptr) return false;
  if (!security->is_array()) return fail(contract_error(where + ": security is not a list"));
  bool any_scheme = false;
  for (const auto& requirement : *security) {
    if (!requirement.is_object()) return fail(contract_error(where + ": a security requirement is not an object"));
    for (const auto& [scheme, scopes] : requirement.items()) {
      if (scheme != cognito_scheme) {
        std::string message = where;
        message.append(" requires ").append(scheme).append("; the API has only the ");
        message.append(cognito_scheme).append(" authorizer");
        return fail(contract_error(std::move(message)));
      }
      any_scheme = true;
    }
  }
  return any_scheme;
}

}  // namespace

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
  route.path_parameters.emplace_back("proxy", std::string(path.substr(1)));
  if (method == "OPTIONS") {
    route.access = RouteAccess::kPublic;
    route.route_key = "OPTIONS /{proxy+}";
  } else {
    route.access = RouteAccess::kAuthorized;
    route.route_key = "ANY /{proxy+}";
  }
  return route;
}

ApiRoutes ApiRoutes::proxy() {
  return {};
}

Result<ApiRoutes> ApiRoutes::from_openapi(const json& document, std::string_view cognito_scheme) {
  const auto paths = document.find("paths");
  if (!document.is_object() || paths == document.end() || !paths->is_object()) {
    return fail(contract_error("the document has no paths"));
  }
  ApiRoutes routes;
  routes.from_document_ = true;
  for (const auto& [path, item] : paths->items()) {
    if (path.empty() || path.front() != '/' || !item.is_object()) {
      return fail(contract_error("path " + path + " is not a path template"));
    }
    ApiResource resource;
    resource.path = path;
    if (path != "/") {
      for (const std::string_view segment : split_path(path)) {
        if (segment.empty()) return fail(contract_error("path " + path + " has an empty segment"));
        resource.segments.emplace_back(segment);
      }
    }
    for (const auto& [key, operation] : item.items()) {
      if (std::find(kOperationKeys.begin(), kOperationKeys.end(), key) == kOperationKeys.end()) continue;
      std::string method = key;
      ascii::to_upper(method);
      std::string where = method;
      where.append(" ").append(path);
      auto needs_token = authorised(operation, document, cognito_scheme, where);
      if (!needs_token) return fail(std::move(needs_token).error());
      resource.operations.push_back({std::move(method), *needs_token});
    }
    routes.resources_.push_back(std::move(resource));
  }
  return routes;
}

std::size_t ApiRoutes::operation_count() const noexcept {
  std::size_t count = 0;
  for (const auto& resource : resources_) count += resource.operations.size();
  return count;
}

ApiRoute ApiRoutes::resolve(std::string_view method, std::string_view raw_path) const {
  if (!from_document_) return resolve_route(method, ascii::percent_decode(raw_path, false));
  ApiRoute route;
  if (raw_path.empty() || raw_path.front() != '/') return route;
  // API Gateway serves "/users/" as "/users".
  if (raw_path.size() > 1 && raw_path.back() == '/') raw_path.remove_suffix(1);
  const std::vector<std::string_view> raw = raw_path == "/" ? std::vector<std::string_view>{} : split_path(raw_path);

  const ApiResource* best = nullptr;
  std::vector<SegmentKind> best_kinds;
  for (const auto& resource : resources_) {
    PathParameters parameters;
    auto kinds = match(resource, raw, parameters);
    if (!kinds) continue;
    if (best == nullptr || *kinds < best_kinds) {
      best = &resource;
      best_kinds = std::move(*kinds);
      route.path_parameters = std::move(parameters);
    }
  }
  if (best == nullptr) {
    route.path_parameters.clear();
    return route;
  }
  route.resource = best->path;
  for (const auto& operation : best->operations) {
    if (operation.method == method) {
      route.access = operation.authorised ? RouteAccess::kAuthorized : RouteAccess::kPublic;
      route.route_key = operation.method + " " + best->path;
      return route;
    }
  }
  // The most specific resource lacks the method: no fallback to another one.
  route.path_parameters.clear();
  return route;
}

}  // namespace shoppulse::gateway
