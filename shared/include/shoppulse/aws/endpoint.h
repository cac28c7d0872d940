#pragma once
// Service endpoints resolved the way the AWS SDKs do it:
//   constructor value
//   > AWS_ENDPOINT_URL_<SERVICE_ID>   (service id upper-cased, spaces -> '_')
//   > AWS_ENDPOINT_URL
//   > https://<endpointPrefix>.<region>.amazonaws.com
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true disables the two environment
// variables, as in the SDKs. An endpoint URL may carry a port and a path prefix
// (local stand-ins); the Host header and the signature use both.

#include <optional>
#include <string>
#include <string_view>

#include "shoppulse/core/env.h"
#include "shoppulse/core/result.h"

namespace shoppulse::aws {

// The botocore model metadata the client needs.
struct ServiceInfo {
  std::string_view service_id;          // metadata.serviceId, e.g. "Secrets Manager"
  std::string_view endpoint_prefix;     // metadata.endpointPrefix
  std::string_view signing_name;        // metadata.signingName (defaults to endpointPrefix)
  std::string_view json_target_prefix;  // metadata.targetPrefix (JSON protocol only)
  std::string_view json_version;        // metadata.jsonVersion (JSON protocol only)
};

inline constexpr ServiceInfo kSecretsManager{"Secrets Manager", "secretsmanager", "secretsmanager", "secretsmanager",
                                             "1.1"};
inline constexpr ServiceInfo kQuickSight{"QuickSight", "quicksight", "quicksight", "", ""};

// "AWS_ENDPOINT_URL_SECRETS_MANAGER" for "Secrets Manager".
std::string service_endpoint_env_var(std::string_view service_id);

struct Endpoint {
  std::string scheme;     // "https" or "http"
  std::string host;       // without brackets for IPv6
  int port = 0;           // 0: the scheme's default
  std::string base_path;  // "" or "/prefix" (as given, may end with '/')

  // Host header value: host plus ":port" unless the port is the scheme default.
  [[nodiscard]] std::string host_header() const;
  // Joins the base path with an operation's request path as botocore does.
  [[nodiscard]] std::string request_path(std::string_view operation_path) const;
  // Full URL for the HTTPS client.
  [[nodiscard]] std::string url(std::string_view operation_path, std::string_view query) const;
};

// Accepts http(s)://host[:port][/path]; rejects user info, query and fragment.
Result<Endpoint> parse_endpoint_url(std::string_view url);

enum class EndpointSource { kConstructor, kServiceEnv, kGlobalEnv, kDefault };

struct ResolvedEndpoint {
  Endpoint endpoint;
  EndpointSource source = EndpointSource::kDefault;
};

Result<ResolvedEndpoint> resolve_endpoint(const ServiceInfo& service, std::string_view region,
                                          const std::optional<std::string>& constructor_url, const env::Source& env);

}  // namespace shoppulse::aws
