#pragma once
// Cross-cutting HTTP behaviour applied to every response: CORS and gzip.

#include <string>
#include <vector>

#include "shoppulse/core/codec.h"
#include "shoppulse/handlers/api_request.h"
#include "shoppulse/handlers/api_response.h"

namespace shoppulse::handlers {

struct CorsPolicy {
  std::vector<std::string> allowed_origins;  // exact origins, or "*"
  std::string allowed_headers = "Authorization, Content-Type, Content-Encoding, Accept-Encoding";
  int max_age_seconds = 600;

  // The Access-Control-Allow-Origin value for this request's Origin, or empty.
  [[nodiscard]] std::string_view allow_origin_for(const ApiRequest& request) const;
};

// Adds Access-Control-* and Vary: Origin when the Origin is allowed.
void apply_cors(ApiResponse& response, const ApiRequest& request, const CorsPolicy& policy);

// 204 for OPTIONS with the route's methods; no authorisation needed.
ApiResponse preflight_response(const ApiRequest& request, const CorsPolicy& policy,
                               const std::vector<std::string_view>& methods,
                               std::pmr::memory_resource* memory = std::pmr::get_default_resource());

inline constexpr std::size_t kGzipMinBytes = 1024;

// gzip + base64 the body when the client accepts gzip and the body is at
// least kGzipMinBytes; sets Content-Encoding and Vary. An encoder is borrowed
// from `encoders` only when the body is compressed.
void maybe_gzip(ApiResponse& response, const ApiRequest& request, GzipEncoderPool& encoders);

// Whether an Accept-Encoding value allows gzip (q=0 refuses it).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace shoppulse::handlers
