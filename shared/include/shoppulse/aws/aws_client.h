#pragma once
// A signed, retrying client for one AWS service. send() is the generic shape;
// call_json() (JSON 1.x protocol, e.g. Secrets Manager) and call_rest_json()
// (REST-JSON, e.g. QuickSight) build the protocol details on top of it.
//
// Logging: one line per attempt with method, service, status, duration,
// attempt and error code only. Request and response bodies carry secrets and
// embed URLs and are never logged; neither are headers.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "shoppulse/aws/credentials.h"
#include "shoppulse/aws/endpoint.h"
#include "shoppulse/core/env.h"
#include "shoppulse/aws/http_client.h"
#include "shoppulse/aws/http_types.h"
#include "shoppulse/aws/retry.h"
#include "shoppulse/core/log.h"
#include "shoppulse/core/result.h"

namespace shoppulse::aws {

// Constructor values; anything left unset comes from the environment.
struct AwsClientOverrides {
  std::optional<std::string> region;
  std::optional<AwsCredentials> credentials;
  std::optional<std::string> endpoint_url;
  std::optional<std::string> ca_bundle;
  std::optional<std::chrono::milliseconds> connect_timeout;
  std::optional<std::chrono::milliseconds> request_timeout;
  std::optional<RetryPolicy> retry;
};

struct AwsClientSettings {
  ServiceInfo service;
  std::string region;
  AwsCredentials credentials;
  ResolvedEndpoint endpoint;
  HttpClientOptions http;
  std::string ca_bundle_source;  // see ca_bundle.h
  RetryPolicy retry;

  // Environment variables read for unset overrides:
  //   AWS_REGION (fallback AWS_DEFAULT_REGION); AWS_ACCESS_KEY_ID,
  //   AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; AWS_ENDPOINT_URL_<SERVICE>,
  //   AWS_ENDPOINT_URL, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS; AWS_CA_BUNDLE,
  //   SSL_CERT_FILE; AWS_MAX_ATTEMPTS, SHOPPULSE_AWS_RETRY_BASE_MS,
  //   SHOPPULSE_AWS_RETRY_MAX_DELAY_MS (ignored when `retry` is given);
  //   SHOPPULSE_AWS_CONNECT_TIMEOUT_MS, SHOPPULSE_AWS_TIMEOUT_MS.
  // Errors name the missing or invalid variable, never its value.
  static Result<AwsClientSettings> from_env(const ServiceInfo& service, const AwsClientOverrides& overrides = {},
                                            const env::Source& env = env::process());
};

// Seams for tests and benchmarks; unset members use the real clock, sleep and RNG.
struct AwsClientHooks {
  std::function<std::chrono::system_clock::time_point()> now;  // signing time
  std::function<void(std::chrono::milliseconds)> sleep;        // backoff between attempts
  std::function<double()> unit_random;                         // jitter in [0, 1)
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct AwsResponse {
  long status = 0;
  HttpHeaders headers;
  std::string body;
  int attempts = 0;

  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

class AwsClient {
 public:
  // `logger` may be null (no logging); it must outlive the client.
  static Result<std::unique_ptr<AwsClient>> create(AwsClientSettings settings, const Logger* logger = nullptr,
                                                   AwsClientHooks hooks = {});

  // Signs (afresh for every attempt) and sends one request, retrying per the
  // policy. `path` is the operation path, already percent-encoded (use
  // uri_encode() on labels); the endpoint's base path is prepended. Query
  // values are given decoded. Non-2xx responses come back as errors (see
  // aws_error.h for the mapping). `operation` (e.g. "GetSecretValue") names
  // the call in its X-Ray subsegment when the invocation is traced.
  Result<AwsResponse> send(std::string_view operation, std::string_view method, std::string_view path,
                           const QueryParams& query, const HttpHeaders& headers, std::string_view body);

  // JSON protocol: POST / with X-Amz-Target "<targetPrefix>.<operation>" and
  // Content-Type application/x-amz-json-<jsonVersion>.
  Result<nlohmann::json> call_json(std::string_view operation, const nlohmann::json& input);

  // REST-JSON: `input` is the body (null for none), sent as application/json.
  Result<nlohmann::json> call_rest_json(std::string_view operation, std::string_view method, std::string_view path,
                                        const nlohmann::json& input, const QueryParams& query = {});

  [[nodiscard]] const AwsClientSettings& settings() const noexcept;

  struct Stats {
    std::uint64_t calls = 0;
    std::uint64_t attempts = 0;
    std::uint64_t retries = 0;
    std::uint64_t connections_opened = 0;
  };
  [[nodiscard]] Stats stats() const;

  ~AwsClient();
  AwsClient(const AwsClient&) = delete;
  AwsClient& operator=(const AwsClient&) = delete;

 private:
  struct Impl;
  explicit AwsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoppulse::aws
