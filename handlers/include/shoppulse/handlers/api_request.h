#pragma once
// One request type for both API Gateway payload formats: REST API (1.0) and
// HTTP API (2.0). Handlers never look at the raw event.
//
// A request is a set of views into the parsed event (json::Document) and, for
// the few values that must be decoded (a base64 body, a percent-encoded v2
// query, a lower-case method), into strings it owns in the invocation's
// arena. It must not outlive the event it was parsed from.

#include <deque>
#include <memory_resource>
#include <string>
#include <string_view>
#include <vector>

#include "shoppulse/core/json_reader.h"
#include "shoppulse/core/result.h"

namespace shoppulse::handlers {

enum class EventFormat { kRestV1, kHttpV2 };

enum class EventKind {
  kApiGatewayV1,
  kApiGatewayV2,
  kDirectAction,  // {"action": "..."}: invoked directly, never via API Gateway
  kUnsupported,
};

EventKind classify_event(json::Value event) noexcept;

// A name and a value, in arrival order. Names keep their spelling; header
// lookups ignore case, query and claim lookups do not.
struct Field {
  std::string_view name;
  std::string_view value;
};
using Fields = std::pmr::vector<Field>;

class ApiRequest {
 public:
  explicit ApiRequest(std::pmr::memory_resource* memory = std::pmr::get_default_resource());
  ApiRequest(ApiRequest&&) noexcept = default;
  ApiRequest& operator=(ApiRequest&&) = delete;  // would move the kept strings when resources differ
  ApiRequest(const ApiRequest&) = delete;
  ApiRequest& operator=(const ApiRequest&) = delete;
  ~ApiRequest() = default;

  EventFormat format = EventFormat::kRestV1;
  std::string_view method;          // upper-case
  std::string_view path;            // without the stage prefix, always starts with '/'
  std::string_view route_template;  // resource / routeKey path when API Gateway matched one
  std::string_view stage;
  Fields path_params;
  Fields query;    // one entry per value: a repeated parameter appears once per value
  Fields headers;  // one entry per value; multi-value headers win over the single map
  std::pmr::vector<std::string_view> cookies;
  std::string_view body;        // decoded (base64 undone; gzip undone when Content-Encoding: gzip)
  std::string_view request_id;  // API Gateway requestContext.requestId (what clients see)
  std::string_view source_ip;
  Fields claims;  // authorizer claims; numbers and booleans as their JSON text

  // First value, or nullptr.
  [[nodiscard]] const std::string_view* header(std::string_view name) const noexcept;  // any case
  [[nodiscard]] const std::string_view* query_param(std::string_view name) const noexcept;
  [[nodiscard]] std::size_t query_count(std::string_view name) const noexcept;
  [[nodiscard]] const std::string_view* claim(std::string_view name) const noexcept;
  [[nodiscard]] const std::string_view* path_param(std::string_view name) const noexcept;
  // Values of a header in arrival order (any case).
  [[nodiscard]] std::size_t header_count(std::string_view name) const noexcept;

  // Keeps `text` alive as long as the request; returns a view of the copy.
  std::string_view keep(std::string_view text);
  [[nodiscard]] std::pmr::memory_resource* memory() const noexcept { return storage_.get_allocator().resource(); }

 private:
  std::pmr::deque<std::pmr::string> storage_;  // stable addresses for kept strings
};

struct RequestLimits {
  std::size_t max_body_bytes = std::size_t{1024} * 1024;  // 413 above this, after decoding
};

// Parses a classified API Gateway event. Malformed events (wrong types) give
// kInvalidInput; oversize bodies give kPayloadTooLarge. The request's
// containers come from `memory`.
Result<ApiRequest> parse_api_request(json::Value event, EventKind kind, const RequestLimits& limits,
                                     std::pmr::memory_resource* memory);
// The same with the default memory resource (tests, tools).
Result<ApiRequest> parse_api_request(json::Value event, EventKind kind, const RequestLimits& limits = {});

// The requestContext.requestId, best effort, for error envelopes of requests
// that failed to parse.
std::string_view extract_request_id(json::Value event) noexcept;

}  // namespace shoppulse::handlers
