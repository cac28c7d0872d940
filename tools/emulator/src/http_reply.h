#pragma once
// An answer the emulator's state machines give the runtime, rendered by the
// HTTP server as is; and the error document every Lambda API error uses.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace shoppulse::emulator {

struct HttpReply {
  int status = 200;
  std::string body;  // JSON
};

// {"errorMessage","errorType"}, as aws-lambda-runtime-interface-emulator renders errors.
inline std::string error_json(std::string_view type, const std::string& message) {
  return nlohmann::json{{"errorMessage", message}, {"errorType", type}}.dump();
}

}  // namespace shoppulse::emulator
