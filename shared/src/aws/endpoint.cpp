#include "shoppulse/aws/endpoint.h"

#include <algorithm>

#include "shoppulse/core/ascii.h"
#include "shoppulse/core/authority.h"

namespace shoppulse::aws {
namespace {

// Names the problem, never the URL: it is configuration, and may carry a
// host that should not reach a log line.
Error invalid_endpoint(std::string_view why) {
  return Error::make(ErrorKind::kInvalidInput, "invalid_config", "is not a valid endpoint URL: " + std::string(why));
}

int default_port(std::string_view scheme) {
  return scheme == "https" ? 443 : 80;
}

}  // namespace

std::string service_endpoint_env_var(std::string_view service_id) {
  std::string out = "AWS_ENDPOINT_URL_";
  for (const char c : service_id) {
    out.push_back(c == ' ' ? '_' : ascii::to_upper(c));
  }
  return out;
}

std::string Endpoint::host_header() const {
  // append() rather than operator+: GCC 12's -Wrestrict misfires on the latter in Release.
  const bool ipv6 = host.find(':') != std::string::npos;
  std::string out;
  if (ipv6) {
    out.append("[").append(host).append("]");
  } else {
    out.append(host);
  }
  if (port != 0 && port != default_port(scheme)) out.append(":").append(std::to_string(port));
  return out;
}

std::string Endpoint::request_path(std::string_view operation_path) const {
  if (operation_path.empty() || operation_path == "/") return base_path.empty() ? "/" : base_path;
  if (!base_path.empty() && base_path.back() == '/' && operation_path.front() == '/') {
    return base_path.substr(0, base_path.size() - 1) + std::string(operation_path);
  }
  return base_path + std::string(operation_path);
}

std::string Endpoint::url(std::string_view operation_path, std::string_view query) const {
  std::string out = scheme;
  out.append("://").append(host_header()).append(request_path(operation_path));
  if (!query.empty()) out.append("?").append(query);
  return out;
}

Result<Endpoint> parse_endpoint_url(std::string_view url) {
  Endpoint endpoint;
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return fail(invalid_endpoint("missing scheme"));
  std::string scheme(url.substr(0, scheme_end));
  ascii::to_lower(scheme);
  if (scheme != "https" && scheme != "http") return fail(invalid_endpoint("scheme must be https or http"));
  endpoint.scheme = std::move(scheme);

  std::string_view rest = url.substr(scheme_end + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return fail(invalid_endpoint("query strings and fragments are not allowed"));
  }
  const std::size_t path_start = rest.find('/');
  const std::string_view authority = rest.substr(0, path_start);
  if (path_start != std::string_view::npos) endpoint.base_path = std::string(rest.substr(path_start));
  if (endpoint.base_path == "/") endpoint.base_path.clear();
  if (authority.find('@') != std::string_view::npos) return fail(invalid_endpoint("user info is not allowed"));

  const net::Authority split = net::split_authority(authority);
  switch (split.problem) {
    case net::AuthorityProblem::kNone: break;
    case net::AuthorityProblem::kUnterminatedIpv6: return fail(invalid_endpoint("unterminated IPv6 address"));
    case net::AuthorityProblem::kTextAfterIpv6: return fail(invalid_endpoint("unexpected text after IPv6 address"));
    case net::AuthorityProblem::kMissingHost: return fail(invalid_endpoint("missing host"));
    case net::AuthorityProblem::kBadPort: return fail(invalid_endpoint("port must be 1-65535"));
  }
  endpoint.host = std::string(split.host);
  if (!split.port.empty()) endpoint.port = split.port_number;
  return endpoint;
}

Result<ResolvedEndpoint> resolve_endpoint(const ServiceInfo& service, std::string_view region,
                                          const std::optional<std::string>& constructor_url, const env::Source& env) {
  const auto resolved = [](std::string_view url, std::string_view source_name,
                           EndpointSource source) -> Result<ResolvedEndpoint> {
    auto endpoint = parse_endpoint_url(url);
    if (!endpoint) {
      return fail(Error::make(endpoint.error().kind, endpoint.error().code,
                              std::string(source_name) + " " + endpoint.error().message));
    }
    return ResolvedEndpoint{std::move(*endpoint), source};
  };

  if (constructor_url && !constructor_url->empty()) {
    return resolved(*constructor_url, "endpoint_url", EndpointSource::kConstructor);
  }
  auto ignore = env::read_bool(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", false);
  if (!ignore) return fail(std::move(ignore).error());
  if (!*ignore) {
    const std::string service_var = service_endpoint_env_var(service.service_id);
    if (auto url = env::read_string(env, service_var)) return resolved(*url, service_var, EndpointSource::kServiceEnv);
    if (auto url = env::read_string(env, "AWS_ENDPOINT_URL"))
      return resolved(*url, "AWS_ENDPOINT_URL", EndpointSource::kGlobalEnv);
  }
  if (region.empty()) {
    return fail(env::missing("AWS_REGION"));
  }
  const bool valid_region = std::all_of(region.begin(), region.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!valid_region) {
    return fail(env::invalid("AWS_REGION", "only lower-case letters, digits and '-'"));
  }
  // China regions live in the aws-cn partition with its own DNS suffix.
  const std::string_view suffix = region.rfind("cn-", 0) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
  Endpoint endpoint;
  endpoint.scheme = "https";
  endpoint.host = std::string(service.endpoint_prefix) + "." + std::string(region) + "." + std::string(suffix);
  return ResolvedEndpoint{std::move(endpoint), EndpointSource::kDefault};
}

}  // namespace shoppulse::aws
