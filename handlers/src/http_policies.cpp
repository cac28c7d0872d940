#include "shoppulse/handlers/http_policies.h"

#include <algorithm>

#include "shoppulse/core/ascii.h"
#include "shoppulse/core/codec.h"

namespace shoppulse::handlers {
namespace {

std::string join(const std::vector<std::string_view>& items) {
  std::string out;
  for (const auto item : items) {
    if (!out.empty()) out.append(", ");
    out.append(item);
  }
  return out;
}

}  // namespace

std::string_view CorsPolicy::allow_origin_for(const ApiRequest& request) const {
  const std::string_view* origin = request.header("origin");
  if (origin == nullptr || origin->empty()) return {};
  for (const auto& allowed : allowed_origins) {
    if (allowed == "*") return "*";
    if (allowed == *origin) return *origin;
  }
  return {};
}

void apply_cors(ApiResponse& response, const ApiRequest& request, const CorsPolicy& policy) {
  const std::string_view origin = policy.allow_origin_for(request);
  if (origin.empty()) return;
  response.set_header("Access-Control-Allow-Origin", origin);
  response.set_header("Access-Control-Expose-Headers", "Location, Retry-After");
  if (origin != "*") response.add_header("Vary", "Origin");
}

ApiResponse preflight_response(const ApiRequest& request, const CorsPolicy& policy,
                               const std::vector<std::string_view>& methods, std::pmr::memory_resource* memory) {
  ApiResponse response(memory);
  response.status = 204;
  std::vector<std::string_view> allowed = methods;
  allowed.emplace_back("OPTIONS");
  const std::string allow = join(allowed);
  response.set_header("Allow", allow);
  const std::string_view origin = policy.allow_origin_for(request);
  if (!origin.empty()) {
    response.set_header("Access-Control-Allow-Origin", origin);
    response.set_header("Access-Control-Allow-Methods", allow);
    response.set_header("Access-Control-Allow-Headers", policy.allowed_headers);
    response.set_header("Access-Control-Max-Age", std::to_string(policy.max_age_seconds));
    if (origin != "*") response.add_header("Vary", "Origin");
  }
  return response;
}

bool accepts_gzip(std::string_view accept_encoding) {
  std::string normalized;  // one list item without blanks, lower-case (short: stays inline)
  while (true) {
    const auto comma = accept_encoding.find(',');
    normalized.clear();
    for (const char c : accept_encoding.substr(0, comma)) {
      if (c != ' ' && c != '\t') normalized.push_back(ascii::to_lower(c));
    }
    const std::string_view item = normalized;
    const auto semi = item.find(';');
    const std::string_view coding = item.substr(0, semi);
    if (coding == "gzip" || coding == "*") {
      if (semi == std::string_view::npos) return true;
      const std::string_view params = item.substr(semi + 1);
      const auto q = params.find("q=");
      if (q == std::string_view::npos) return true;
      // q=0, q=0.0, q=0.00 refuse; anything else accepts.
      return params.substr(q + 2).find_first_not_of("0.") != std::string_view::npos;
    }
    if (comma == std::string_view::npos) return false;
    accept_encoding.remove_prefix(comma + 1);
  }
}

void maybe_gzip(ApiResponse& response, const ApiRequest& request, GzipEncoderPool& encoders) {
  if (response.is_base64 || response.body.size() < kGzipMinBytes || response.header("content-encoding") != nullptr) {
    return;
  }
  const std::string_view* accept = request.header("accept-encoding");
  if (accept == nullptr || !accepts_gzip(*accept)) return;
  std::pmr::string compressed(response.memory());
  if (!encoders.borrow()->compress_into(response.body, compressed)) return;
  response.body.clear();
  base64_encode(compressed, response.body);
  response.is_base64 = true;
  response.set_header("Content-Encoding", "gzip");
  response.add_header("Vary", "Accept-Encoding");
}

}  // namespace shoppulse::handlers
