#pragma once
// Real HTTP request -> the proxy event API Gateway would send the function:
// REST API payload 1.0 (what infra/ deploys) or HTTP API payload 2.0.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "shoppulse/gateway/api_routes.h"
#include "shoppulse/gateway/http_types.h"

namespace shoppulse::gateway {

enum class PayloadFormat { kRest, kHttpApi };
std::string_view payload_format_name(PayloadFormat format) noexcept;  // "rest-1.0" / "http-2.0"

struct EventSettings {
  std::string stage = "local";  // REST stage (requestContext.stage, requestContext.path prefix)
  std::string account_id = "123456789012";
  std::string api_id = "localapi00";
};

struct EventInput {
  const HttpRequest* request = nullptr;
  ApiRoute route;
  std::string request_id;
  std::int64_t epoch_ms = 0;
  std::optional<nlohmann::json> claims;  // verified JWT claims (authorised routes only)
};

nlohmann::json build_event(PayloadFormat format, const EventInput& input, const EventSettings& settings);

// Request bodies go to the function as text when they are valid UTF-8 and
// not an obviously binary media type; otherwise base64 (isBase64Encoded).
bool send_body_as_text(std::string_view body, const std::string* content_type);

}  // namespace shoppulse::gateway
