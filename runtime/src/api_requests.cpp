#include "shoppulse/runtime/api_requests.h"

#include <charconv>
#include <cstdint>

#include "shoppulse/core/json_writer.h"
#include "shoppulse/core/utf8.h"

namespace shoppulse::runtime {
namespace {

constexpr std::string_view kTruncated = "...(truncated)";

void add_error_headers(HttpRequest& request, const FunctionError& error, const std::string& body,
                       const std::string& cause) {
  request.add_header("Content-Type", "application/json");
  request.add_header("Lambda-Runtime-Function-Error-Type", error.error_type);
  if (!cause.empty()) request.add_header("Lambda-Runtime-Function-XRay-Error-Cause", cause);
  request.set_body(body);
}

void append_u_escape(std::string& out, std::uint32_t unit) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(unit >> static_cast<unsigned>(shift)) & 0xFU]);
}

// JSON whose non-ASCII characters are \u escapes: the same document, and a
// header value no proxy can mangle. `json` is the writer's output, so its
// UTF-8 is valid and non-ASCII only appears inside strings.
std::string ascii_only(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (std::size_t i = 0; i < json.size();) {
    const auto lead = static_cast<unsigned char>(json[i]);
    const std::size_t length = lead < 0x80 ? 0 : utf8::sequence_length(json, i);
    if (length == 0) {
      out.push_back(static_cast<char>(lead));
      ++i;
      continue;
    }
    std::uint32_t code = lead & (0xFFU >> (length + 1));
    for (std::size_t k = 1; k < length; ++k) code = (code << 6) | (static_cast<unsigned char>(json[i + k]) & 0x3FU);
    if (code >= 0x10000) {
      code -= 0x10000;
      append_u_escape(out, 0xD800 + (code >> 10));
      append_u_escape(out, 0xDC00 + (code & 0x3FFU));
    } else {
      append_u_escape(out, code);
    }
    i += length;
  }
  return out;
}

std::string render_cause(std::string_view type, std::string_view message, std::string_view working_directory) {
  std::string json;
  JsonWriter writer(json);
  writer.begin_object().field("working_directory", working_directory);
  writer.key("paths").begin_array().end_array();
  writer.key("exceptions").begin_array().begin_object().field("type", type).field("message", message).end_object();
  writer.end_array().end_object();
  return ascii_only(json);
}

}  // namespace

std::string format_xray_error_cause(const FunctionError& error, std::string_view working_directory,
                                    std::size_t max_bytes) {
  std::string cause = render_cause(error.error_type, error.message, working_directory);
  if (cause.size() <= max_bytes) return cause;
  // Escaping makes the rendered size depend on the text: find the longest
  // message prefix that fits by bisection (an error path; a dozen renders).
  std::size_t fits = 0;
  std::size_t too_long = error.message.size();
  std::string best;
  while (fits + 1 < too_long) {
    const std::size_t middle = fits + (too_long - fits) / 2;
    std::string candidate = render_cause(
        error.error_type, std::string(utf8::prefix(error.message, middle)).append(kTruncated), working_directory);
    if (candidate.size() <= max_bytes) {
      fits = middle;
      best = std::move(candidate);
    } else {
      too_long = middle;
    }
  }
  if (!best.empty()) return best;
  cause = render_cause(error.error_type, kTruncated, working_directory);
  return cause.size() <= max_bytes ? cause : std::string();
}

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

ErrorRequest::ErrorRequest(std::string_view request_id, const FunctionError& error, std::string_view working_directory)
    : request_id_(request_id),
      error_(&error),
      body_(format_error_body(error)),
      cause_(format_xray_error_cause(error, working_directory)) {}

HttpRequest ErrorRequest::to_http() const {
  HttpRequest request("POST", {"/", kApiVersion, "/runtime/invocation/", request_id_, "/error"});
  add_error_headers(request, *error_, body_, cause_);
  return request;
}

InitErrorRequest::InitErrorRequest(const FunctionError& error, std::string_view working_directory)
    : error_(&error), body_(format_error_body(error)), cause_(format_xray_error_cause(error, working_directory)) {}

HttpRequest InitErrorRequest::to_http() const {
  HttpRequest request("POST", {"/", kApiVersion, "/runtime/init/error"});
  add_error_headers(request, *error_, body_, cause_);
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
