#include "shoppulse/handlers/api_response.h"

#include <strings.h>

#include "shoppulse/core/json_writer.h"
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
  std::string out;
  out.reserve(response.body.size() + response.body.size() / 8 + 256);
  JsonWriter w(out);
  w.begin_object();
  w.field("statusCode", response.status);
  if (format == EventFormat::kRestV1) {
    // API Gateway merges both maps, preferring multiValueHeaders, so every
    // header goes into multiValueHeaders and the single map holds the last value.
    w.key("headers").begin_object();
    for (std::size_t i = 0; i < response.headers.size(); ++i) {
      const auto& name = response.headers[i].first;
      bool repeated_later = false;
      for (std::size_t k = i + 1; k < response.headers.size() && !repeated_later; ++k) {
        repeated_later = same_name(response.headers[k].first, name);
      }
      if (!repeated_later) w.field(name, header_safe(response.headers[i].second));
    }
    w.end_object();
    w.key("multiValueHeaders").begin_object();
    std::vector<bool> written(response.headers.size(), false);
    for (std::size_t i = 0; i < response.headers.size(); ++i) {
      if (written[i]) continue;
      const auto& name = response.headers[i].first;
      w.key(name).begin_array();
      for (std::size_t k = i; k < response.headers.size(); ++k) {
        if (!written[k] && same_name(response.headers[k].first, name)) {
          w.value(header_safe(response.headers[k].second));
          written[k] = true;
        }
      }
      w.end_array();
    }
    if (!response.cookies.empty()) {
      w.key("Set-Cookie").begin_array();
      for (const auto& cookie : response.cookies) w.value(header_safe(cookie));
      w.end_array();
    }
    w.end_object();
  } else {
    w.key("headers").begin_object();
    std::vector<bool> written(response.headers.size(), false);
    for (std::size_t i = 0; i < response.headers.size(); ++i) {
      if (written[i]) continue;
      const auto& name = response.headers[i].first;
      std::string joined;
      for (std::size_t k = i; k < response.headers.size(); ++k) {
        if (!written[k] && same_name(response.headers[k].first, name)) {
          if (!joined.empty()) joined.push_back(',');
          joined += header_safe(response.headers[k].second);
          written[k] = true;
        }
      }
      w.field(name, joined);
    }
    w.end_object();
    w.key("cookies").begin_array();
    for (const auto& cookie : response.cookies) w.value(header_safe(cookie));
    w.end_array();
  }
  w.field("body", response.body);
  w.field("isBase64Encoded", response.is_base64);
  w.end_object();
  return out;
}

}  // namespace shoppulse::handlers
