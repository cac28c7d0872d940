#pragma once
// An HTTP response and its serialisation into the event's own response
// format. API Gateway answers 502 for any other shape, so this is the only
// place responses are rendered.

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "shoppulse/core/error.h"
#include "shoppulse/handlers/api_request.h"

namespace shoppulse::handlers {

struct ApiResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // may repeat (multi-value)
  std::vector<std::string> cookies;                          // Set-Cookie values
  std::string body;
  bool is_base64 = false;

  void set_header(std::string name, std::string value);  // replaces same-named (case-insensitive)
  [[nodiscard]] const std::string* header(std::string_view name) const;
};

inline constexpr const char* kJsonContentType = "application/json; charset=utf-8";

ApiResponse json_response(int status, const nlohmann::json& body);
// {"error":{"code","message","requestId","details"?}}
ApiResponse error_response(const Error& error, const std::string& request_id, const nlohmann::json& details = nullptr);

// Header values are stripped of CR/LF and other control characters so no
// input can split a header.
std::string serialize_response(const ApiResponse& response, EventFormat format);

}  // namespace shoppulse::handlers
