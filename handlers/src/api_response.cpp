#include "shoppulse/handlers/api_response.h"

#include <strings.h>

#include "shoppulse/core/log.h"

namespace shoppulse::handlers {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Control characters (CR/LF above all) would let input split a header.
std::string header_safe(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back((u < 0x20 && c != '\t') || u == 0x7F ? ' ' : c);
  }
  return out;
}

}  // namespace

void ApiResponse::set_header(std::string name, std::string value) {
  for (auto& [existing, current] : headers) {
    if (same_name(existing, name)) {
      current = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

const std::string* ApiResponse::header(std::string_view name) const {
  for (const auto& [existing, value] : headers) {
    if (same_name(existing, name)) return &value;
  }
  return nullptr;
}

ApiResponse json_response(int status, const nlohmann::json& body) {
  ApiResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", kJsonContentType);
  response.body = dump_json(body);
  return response;
}

ApiResponse error_response(const Error& error, const std::string& request_id, const nlohmann::json& details) {
  nlohmann::json inner = {{"code", error.code.empty() ? std::string(kind_name(error.kind)) : error.code},
                          {"message", error.message},
                          {"requestId", request_id}};
  if (!details.is_null()) inner["details"] = details;
  ApiResponse response = json_response(http_status(error.kind), {{"error", std::move(inner)}});
  return response;
}

std::string serialize_response(const ApiResponse& response, EventFormat format) {
  nlohmann::json out = nlohmann::json::object();
  out["statusCode"] = response.status;
  nlohmann::json headers = nlohmann::json::object();
  if (format == EventFormat::kRestV1) {
    // API Gateway merges both maps, preferring multiValueHeaders, so every
    // header goes into multiValueHeaders and the single map mirrors the last value.
    nlohmann::json multi = nlohmann::json::object();
    for (const auto& [name, value] : response.headers) {
      multi[name].push_back(header_safe(value));
      headers[name] = header_safe(value);
    }
    for (const auto& cookie : response.cookies) multi["Set-Cookie"].push_back(header_safe(cookie));
    out["headers"] = std::move(headers);
    out["multiValueHeaders"] = std::move(multi);
  } else {
    for (const auto& [name, value] : response.headers) {
      auto it = headers.find(name);
      if (it == headers.end()) {
        headers[name] = header_safe(value);
      } else {
        it->get_ref<std::string&>().append(",").append(header_safe(value));
      }
    }
    out["headers"] = std::move(headers);
    nlohmann::json cookies = nlohmann::json::array();
    for (const auto& cookie : response.cookies) cookies.push_back(header_safe(cookie));
    out["cookies"] = std::move(cookies);
  }
  out["body"] = response.body;
  out["isBase64Encoded"] = response.is_base64;
  return dump_json(out);
}

}  // namespace shoppulse::handlers
