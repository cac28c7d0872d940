#pragma once
// One request type for both API Gateway payload formats: REST API (1.0) and
// HTTP API (2.0). Handlers never look at the raw event.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "shoppulse/core/result.h"

namespace shoppulse::handlers {

enum class EventFormat { kRestV1, kHttpV2 };

enum class EventKind {
  kApiGatewayV1,
  kApiGatewayV2,
  kDirectAction,  // {"action": "..."}: invoked directly, never via API Gateway
  kUnsupported,
};

EventKind classify_event(const nlohmann::json& event) noexcept;

// Header and query maps keep every value in arrival order.
using MultiMap = std::map<std::string, std::vector<std::string>>;

struct ApiRequest {
  EventFormat format = EventFormat::kRestV1;
  std::string method;          // upper-case
  std::string path;            // without the stage prefix, always starts with '/'
  std::string route_template;  // resource / routeKey path when API Gateway matched one
  std::string stage;
  std::map<std::string, std::string> path_params;
  MultiMap query;    // multi-value
  MultiMap headers;  // names lower-cased
  std::vector<std::string> cookies;
  std::string body;        // decoded (base64 undone; gzip undone when Content-Encoding: gzip)
  std::string request_id;  // API Gateway requestContext.requestId (what clients see)
  std::string source_ip;
  std::map<std::string, std::string> claims;  // authorizer claims, values as strings

  [[nodiscard]] const std::string* header(std::string_view lower_name) const;
  [[nodiscard]] const std::string* query_param(std::string_view name) const;  // first value
  [[nodiscard]] const std::string* claim(std::string_view name) const;
};

struct RequestLimits {
  std::size_t max_body_bytes = std::size_t{1024} * 1024;  // 413 above this, after decoding
};

// Parses a classified API Gateway event. Malformed events (wrong types) give
// kInvalidInput; oversize bodies give kPayloadTooLarge.
Result<ApiRequest> parse_api_request(const nlohmann::json& event, EventKind kind, const RequestLimits& limits = {});

// The requestContext.requestId, best effort, for error envelopes of requests
// that failed to parse.
std::string extract_request_id(const nlohmann::json& event) noexcept;

}  // namespace shoppulse::handlers
