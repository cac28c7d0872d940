#include "shoppulse/handlers/http_policies.h"

#include <algorithm>
#include <cctype>

#include "shoppulse/core/codec.h"

namespace shoppulse::handlers {
namespace {

std::string trim_lower(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c != ' ' && c != '\t') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

std::string CorsPolicy::allow_origin_for(const ApiRequest& request) const {
  const std::string* origin = request.header("origin");
  if (origin == nullptr || origin->empty()) return {};
  for (const auto& allowed : allowed_origins) {
    if (allowed == "*") return "*";
    if (allowed == *origin) return *origin;
  }
  return {};
}

void apply_cors(ApiResponse& response, const ApiRequest& request, const CorsPolicy& policy) {
  const std::string origin = policy.allow_origin_for(request);
  if (origin.empty()) return;
  response.set_header("Access-Control-Allow-Origin", origin);
  response.set_header("Access-Control-Expose-Headers", "Location, Retry-After");
  if (origin != "*") response.headers.emplace_back("Vary", "Origin");
}

ApiResponse preflight_response(const ApiRequest& request, const CorsPolicy& policy,
                               const std::vector<std::string>& methods) {
  ApiResponse response;
  response.status = 204;
  std::vector<std::string> allowed = methods;
  allowed.emplace_back("OPTIONS");
  response.set_header("Allow", join(allowed));
  const std::string origin = policy.allow_origin_for(request);
  if (!origin.empty()) {
    response.set_header("Access-Control-Allow-Origin", origin);
    response.set_header("Access-Control-Allow-Methods", join(allowed));
    response.set_header("Access-Control-Allow-Headers", policy.allowed_headers);
    response.set_header("Access-Control-Max-Age", std::to_string(policy.max_age_seconds));
    if (origin != "*") response.headers.emplace_back("Vary", "Origin");
  }
  return response;
}

bool accepts_gzip(std::string_view accept_encoding) {
  std::size_t start = 0;
  while (start <= accept_encoding.size()) {
    const auto comma = accept_encoding.find(',', start);
    const std::string item = trim_lower(
        accept_encoding.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    const auto semi = item.find(';');
    const std::string coding = item.substr(0, semi);
    if (coding == "gzip" || coding == "*") {
      if (semi == std::string::npos) return true;
      const std::string params = item.substr(semi + 1);
      const auto q = params.find("q=");
      if (q == std::string::npos) return true;
      const std::string value = params.substr(q + 2);
      // q=0, q=0.0, q=0.00 refuse; anything else accepts.
      return value.find_first_not_of("0.") != std::string::npos;
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

void maybe_gzip(ApiResponse& response, const ApiRequest& request, GzipEncoder& encoder) {
  if (response.is_base64 || response.body.size() < kGzipMinBytes || response.header("content-encoding") != nullptr) {
    return;
  }
  const std::string* accept = request.header("accept-encoding");
  if (accept == nullptr || !accepts_gzip(*accept)) return;
  const std::string compressed = encoder.compress(response.body);
  if (compressed.empty()) return;
  response.body = base64_encode(compressed);
  response.is_base64 = true;
  response.set_header("Content-Encoding", "gzip");
  response.headers.emplace_back("Vary", "Accept-Encoding");
}

}  // namespace shoppulse::handlers
