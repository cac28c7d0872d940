#pragma once
// Each Runtime API request is its own small value type that renders to a
// plain HTTP request, so the wire format is unit-testable without a socket.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "shoppulse/core/result.h"
#include "shoppulse/runtime/invocation.h"
#include "shoppulse/runtime/outcome.h"

namespace shoppulse::runtime {

inline constexpr std::string_view kApiVersion = "2018-06-01";
// Lambda's hard limit for a synchronous response payload.
inline constexpr std::size_t kMaxResponseBytes = 6291556;

struct HttpRequest {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Header names are compared case-insensitively; keys are stored lower-case.
using HeaderMap = std::map<std::string, std::string>;

struct HttpResponse {
  long status = 0;
  HeaderMap headers;
  std::string body;
};

struct NextRequest {
  [[nodiscard]] HttpRequest to_http() const;
};

struct ResponseRequest {
  std::string request_id;
  const InvocationResponse* response = nullptr;  // borrowed to avoid copying large payloads
  [[nodiscard]] HttpRequest to_http() const;
};

struct ErrorRequest {
  std::string request_id;
  FunctionError error;
  [[nodiscard]] HttpRequest to_http() const;
};

struct InitErrorRequest {
  FunctionError error;
  [[nodiscard]] HttpRequest to_http() const;
};

// {"errorMessage","errorType","stackTrace":[]}, the shape every AWS runtime sends.
std::string format_error_body(const FunctionError& error);

// Turns a /next HTTP response into an Invocation. Missing headers are left
// empty; a non-200 status or a missing request id is an error.
Result<Invocation> parse_next_response(HttpResponse response);

// Request ids travel in the URL path; reject anything that could change it.
bool is_safe_request_id(std::string_view request_id) noexcept;

}  // namespace shoppulse::runtime
