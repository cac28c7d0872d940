#include "shoppulse/runtime/api_requests.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "shoppulse/core/log.h"

namespace shoppulse::runtime {
namespace {

std::string invocation_path(std::string_view request_id, std::string_view leaf) {
  std::string path;
  path.reserve(64 + request_id.size());
  path.append("/").append(kApiVersion).append("/runtime/invocation/");
  path.append(request_id).append("/").append(leaf);
  return path;
}

std::string header_or_empty(const HeaderMap& headers, const char* lower_name) {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

HttpRequest error_post(std::string path, const FunctionError& error) {
  HttpRequest request{"POST", std::move(path), {}, format_error_body(error)};
  request.headers.emplace_back("Content-Type", "application/json");
  request.headers.emplace_back("Lambda-Runtime-Function-Error-Type", error.error_type);
  return request;
}

}  // namespace

HttpRequest NextRequest::to_http() const {
  return HttpRequest{"GET", std::string("/").append(kApiVersion).append("/runtime/invocation/next"), {}, {}};
}

HttpRequest ResponseRequest::to_http() const {
  HttpRequest request{"POST", invocation_path(request_id, "response"), {}, {}};
  if (response != nullptr) {
    request.headers.emplace_back("Content-Type", response->content_type);
    request.body = response->payload;
  }
  return request;
}

HttpRequest ErrorRequest::to_http() const {
  return error_post(invocation_path(request_id, "error"), error);
}

HttpRequest InitErrorRequest::to_http() const {
  return error_post(std::string("/").append(kApiVersion).append("/runtime/init/error"), error);
}

std::string format_error_body(const FunctionError& error) {
  nlohmann::json body = {
      {"errorMessage", error.message}, {"errorType", error.error_type}, {"stackTrace", nlohmann::json::array()}};
  return dump_json(body);
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

Result<Invocation> parse_next_response(HttpResponse response) {
  if (response.status != 200) {
    return fail(Error::make(ErrorKind::kInternal, "runtime_api_status",
                            "Runtime API /next answered HTTP " + std::to_string(response.status)));
  }
  Invocation invocation;
  invocation.request_id = header_or_empty(response.headers, "lambda-runtime-aws-request-id");
  if (!is_safe_request_id(invocation.request_id)) {
    return fail(Error::make(ErrorKind::kInternal, "runtime_api_request_id",
                            "Runtime API /next response has a missing or malformed Lambda-Runtime-Aws-Request-Id"));
  }
  const std::string deadline = header_or_empty(response.headers, "lambda-runtime-deadline-ms");
  if (!deadline.empty()) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(deadline.data(), deadline.data() + deadline.size(), value);
    // An unparseable deadline is treated as absent rather than failing the invocation.
    if (ec == std::errc() && end == deadline.data() + deadline.size() && value > 0) {
      invocation.deadline_epoch_ms = value;
    }
  }
  invocation.function_arn = header_or_empty(response.headers, "lambda-runtime-invoked-function-arn");
  invocation.trace_id = header_or_empty(response.headers, "lambda-runtime-trace-id");
  invocation.client_context = header_or_empty(response.headers, "lambda-runtime-client-context");
  invocation.cognito_identity = header_or_empty(response.headers, "lambda-runtime-cognito-identity");
  invocation.payload = std::move(response.body);
  return invocation;
}

}  // namespace shoppulse::runtime
