#pragma once
// A small HTTP/1.1 client for AWS APIs on OpenSSL (no libcurl: the static
// bootstrap links only what it uses). Connections are kept alive, so the TLS
// connection to a service stays open across requests (and across warm
// invocations). Thread-safe: concurrent calls (Managed Instances) each use
// their own connection, and the client keeps as many idle ones as were ever
// in use at once; one call at a time always reuses the same one. Proxies
// (HTTPS_PROXY) are not spoken: Lambda reaches AWS APIs directly or through
// VPC endpoints.
//
// Certificate and host-name verification are always on for https. Plain http
// is accepted only because endpoint overrides point at local stand-ins.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "shoppulse/aws/http_types.h"
#include "shoppulse/core/result.h"

namespace shoppulse::aws {

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds request_timeout{5000};  // the whole transfer, per attempt
  std::string ca_bundle;                            // CA file; empty: OpenSSL default (see ca_bundle.h)
  std::size_t max_response_bytes = std::size_t{4} * 1024 * 1024;
  std::string user_agent = "shoppulse-api";
};

struct HttpRequest {
  std::string_view method;
  std::string url;
  HttpHeaders headers;  // sent as given; Host (from the URL unless given) must match what was signed
  std::string_view body;
};

struct HttpResponse {
  long status = 0;
  HttpHeaders headers;
  std::string body;

  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

// Error codes for failures below HTTP. The first two are worth retrying.
inline constexpr std::string_view kErrConnectFailed = "aws_connection_failed";      // kUnavailable
inline constexpr std::string_view kErrTimeout = "aws_timeout";                      // kTimeout
inline constexpr std::string_view kErrTlsFailed = "aws_tls_failed";                 // kUnavailable
inline constexpr std::string_view kErrResponseTooLarge = "aws_response_too_large";  // kBadGateway
inline constexpr std::string_view kErrTransport = "aws_transport_failed";           // kUnavailable / kInternal

class HttpClient {
 public:
  static Result<std::unique_ptr<HttpClient>> create(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any HTTP status is a successful transport result; errors are failures
  // below HTTP (connect, TLS, timeout, oversized response).
  Result<HttpResponse> perform(const HttpRequest& request);

  [[nodiscard]] const HttpClientOptions& options() const noexcept;
  // New TCP connections opened so far (reused connections do not count).
  [[nodiscard]] std::uint64_t connections_opened() const noexcept;

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoppulse::aws
