#pragma once
// An HTTP response and its serialisation into the event's own response
// format. API Gateway answers 502 for any other shape, so this is the only
// place responses are rendered. On the hot path a response's strings live in
// the invocation's arena (the memory resource it was made with).

#include <memory_resource>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "shoppulse/core/error.h"
#include "shoppulse/handlers/api_request.h"

namespace shoppulse::handlers {

struct ApiResponse {
  using Header = std::pair<std::pmr::string, std::pmr::string>;

  explicit ApiResponse(std::pmr::memory_resource* memory = std::pmr::get_default_resource())
      : headers(memory), cookies(memory), body(memory), error_code(memory), error_message(memory) {}

  int status = 200;
  std::pmr::vector<Header> headers;            // may repeat (multi-value)
  std::pmr::vector<std::pmr::string> cookies;  // Set-Cookie values
  std::pmr::string body;
  bool is_base64 = false;
  // An error envelope's code and message (error_response), for the trace.
  std::pmr::string error_code;
  std::pmr::string error_message;

  void set_header(std::string_view name, std::string_view value);  // replaces same-named (case-insensitive)
  void add_header(std::string_view name, std::string_view value);  // another value
  [[nodiscard]] const std::pmr::string* header(std::string_view name) const;
  [[nodiscard]] std::pmr::memory_resource* memory() const noexcept { return body.get_allocator().resource(); }
};

inline constexpr const char* kJsonContentType = "application/json; charset=utf-8";

// A response whose body the caller writes: status and the JSON content type.
ApiResponse json_response(int status, std::pmr::memory_resource* memory = std::pmr::get_default_resource());
ApiResponse json_response(int status, const nlohmann::json& body,
                          std::pmr::memory_resource* memory = std::pmr::get_default_resource());
// {"error":{"code","message","requestId","details"?}}
ApiResponse error_response(const Error& error, std::string_view request_id, const nlohmann::json& details = nullptr,
                           std::pmr::memory_resource* memory = std::pmr::get_default_resource());

// Header values are stripped of CR/LF and other control characters so no
// input can split a header. Appends to `out`.
void serialize_response(const ApiResponse& response, EventFormat format, std::pmr::string& out);
std::string serialize_response(const ApiResponse& response, EventFormat format);

}  // namespace shoppulse::handlers
