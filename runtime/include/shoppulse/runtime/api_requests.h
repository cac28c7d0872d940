#pragma once
// Each Runtime API request is its own small value type that renders to an
// HttpRequest (views into the value and its arguments), so the wire format
// is unit-testable without a socket.

#include <string>
#include <string_view>

#include "shoppulse/core/result.h"
#include "shoppulse/runtime/http.h"
#include "shoppulse/runtime/invocation.h"
#include "shoppulse/runtime/outcome.h"

namespace shoppulse::runtime {

inline constexpr std::string_view kApiVersion = "2018-06-01";
// Lambda's hard limit for a synchronous response payload.
inline constexpr std::size_t kMaxResponseBytes = 6291556;
// The largest event accepted on /next: well above anything Lambda delivers
// (6 MB synchronous), a bound on what a broken peer can make us hold.
inline constexpr std::size_t kMaxEventBytes = std::size_t{16} * 1024 * 1024;

struct NextRequest {
  [[nodiscard]] HttpRequest to_http() const;
};

struct ResponseRequest {
  std::string_view request_id;
  const InvocationResponse* response = nullptr;  // borrowed: the payload is sent without a copy
  [[nodiscard]] HttpRequest to_http() const;
};

// The largest Lambda-Runtime-Function-XRay-Error-Cause value we send. It
// is an HTTP header: common servers refuse header lines above 8 KiB, and a
// refused /error post would lose the error itself. A longer cause has its
// message truncated.
inline constexpr std::size_t kMaxErrorCauseBytes = 4096;

// Error posts carry the {"errorMessage","errorType","stackTrace":[]} body
// every AWS runtime sends, and the X-Ray error cause the Java, Go and .NET
// runtimes send, so Lambda's trace of the invocation shows why it failed.
// Both are rendered when the request is made. `working_directory` is
// borrowed.
class ErrorRequest {
 public:
  ErrorRequest(std::string_view request_id, const FunctionError& error, std::string_view working_directory = {});
  [[nodiscard]] HttpRequest to_http() const;

 private:
  std::string_view request_id_;
  const FunctionError* error_;
  std::string body_;
  std::string cause_;
};

class InitErrorRequest {
 public:
  explicit InitErrorRequest(const FunctionError& error, std::string_view working_directory = {});
  [[nodiscard]] HttpRequest to_http() const;

 private:
  const FunctionError* error_;
  std::string body_;
  std::string cause_;
};

std::string format_error_body(const FunctionError& error);

// The X-Ray error cause: compact JSON on one line, ASCII only (non-ASCII
// text as \u escapes, so it is a valid header value),
// {"working_directory","paths":[],"exceptions":[{"type","message"}]}, at
// most `max_bytes` (the message is truncated to fit). Empty when even an
// empty message does not fit.
std::string format_xray_error_cause(const FunctionError& error, std::string_view working_directory,
                                    std::size_t max_bytes = kMaxErrorCauseBytes);

// Turns a /next HTTP response into an Invocation whose views point into it.
// Missing headers are left empty; a non-200 status or a missing request id
// is an error.
Result<Invocation> parse_next_response(const HttpResponse& response);

// Request ids travel in the URL path; reject anything that could change it.
bool is_safe_request_id(std::string_view request_id) noexcept;

}  // namespace shoppulse::runtime
