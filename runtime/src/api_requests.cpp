#include "shoppulse/runtime/api_requests.h"

#include <charconv>

#include "shoppulse/core/json_writer.h"

namespace shoppulse::runtime {
namespace {

void add_error_headers(HttpRequest& request, const FunctionError& error, const std::string& body) {
  request.add_header("Content-Type", "application/json");
  request.add_header("Lambda-Runtime-Function-Error-Type", error.error_type);
  request.set_body(body);
}

}  // namespace

HttpRequest NextRequest::to_http() const {
  return HttpRequest("GET", {"/", kApiVersion, "/runtime/invocation/next"});
}

HttpRequest ResponseRequest::to_http() const {
  HttpRequest request("POST", {"/", kApiVersion, "/runtime/invocation/", request_id, "/response"});
  if (response != nullptr) {
    request.add_header("Content-Type", response->content_type);
    request.set_body(response->payload);
  }
  return request;
}

ErrorRequest::ErrorRequest(std::string_view request_id, const FunctionError& error)
    : request_id_(request_id), error_(&error), body_(format_error_body(error)) {}

HttpRequest ErrorRequest::to_http() const {
  HttpRequest request("POST", {"/", kApiVersion, "/runtime/invocation/", request_id_, "/error"});
  add_error_headers(request, *error_, body_);
  return request;
}

InitErrorRequest::InitErrorRequest(const FunctionError& error) : error_(&error), body_(format_error_body(error)) {}

HttpRequest InitErrorRequest::to_http() const {
  HttpRequest request("POST", {"/", kApiVersion, "/runtime/init/error"});
  add_error_headers(request, *error_, body_);
  return request;
}

std::string format_error_body(const FunctionError& error) {
  std::string body;
  JsonWriter writer(body);
  writer.begin_object().field("errorMessage", error.message).field("errorType", error.error_type);
  writer.key("stackTrace").begin_array().end_array().end_object();
  return body;
}

bool is_safe_request_id(std::string_view request_id) noexcept {
  if (request_id.empty() || request_id.size() > 128) return false;
  for (const char c : request_id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Result<Invocation> parse_next_response(const HttpResponse& response) {
  if (response.status != 200) {
    return fail(Error::make(ErrorKind::kInternal, "runtime_api_status",
                            "Runtime API /next answered HTTP " + std::to_string(response.status)));
  }
  Invocation invocation;
  invocation.request_id = response.header("Lambda-Runtime-Aws-Request-Id");
  if (!is_safe_request_id(invocation.request_id)) {
    return fail(Error::make(ErrorKind::kInternal, "runtime_api_request_id",
                            "Runtime API /next response has a missing or malformed Lambda-Runtime-Aws-Request-Id"));
  }
  const std::string_view deadline = response.header("Lambda-Runtime-Deadline-Ms");
  if (!deadline.empty()) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(deadline.data(), deadline.data() + deadline.size(), value);
    // An unparseable deadline is treated as absent rather than failing the invocation.
    if (ec == std::errc() && end == deadline.data() + deadline.size() && value > 0) {
      invocation.deadline_epoch_ms = value;
    }
  }
  invocation.function_arn = response.header("Lambda-Runtime-Invoked-Function-Arn");
  invocation.trace_id = response.header("Lambda-Runtime-Trace-Id");
  invocation.client_context = response.header("Lambda-Runtime-Client-Context");
  invocation.cognito_identity = response.header("Lambda-Runtime-Cognito-Identity");
  invocation.tenant_id = response.header("Lambda-Runtime-Aws-Tenant-Id");
  invocation.payload = response.body;
  return invocation;
}

}  // namespace shoppulse::runtime
