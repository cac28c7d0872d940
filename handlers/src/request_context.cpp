#include "shoppulse/handlers/request_context.h"

#include <arpa/inet.h>

#include <array>

namespace shoppulse::handlers {

std::string RequestContext::audit_request_id() const {
  const std::string& id = request.request_id;
  return id.size() > 128 ? id.substr(0, 128) : id;
}

std::string RequestContext::audit_source_ip() const {
  const std::string& ip = request.source_ip;
  std::array<unsigned char, 16> buffer{};
  if (ip.size() < 64 &&
      (::inet_pton(AF_INET, ip.c_str(), buffer.data()) == 1 || ::inet_pton(AF_INET6, ip.c_str(), buffer.data()) == 1)) {
    return ip;
  }
  return {};
}

ApiResponse to_response(const ApiError& error, const std::string& request_id) {
  ApiResponse response = error_response(error.error, request_id, error.details);
  if (error.retry_after_seconds > 0) response.set_header("Retry-After", std::to_string(error.retry_after_seconds));
  return response;
}

}  // namespace shoppulse::handlers
