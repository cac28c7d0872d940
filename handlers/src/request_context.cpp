#include "shoppulse/handlers/request_context.h"

#include <arpa/inet.h>

#include <array>

namespace shoppulse::handlers {

std::string_view RequestContext::audit_request_id() const {
  const std::string_view id = request.request_id;
  return id.size() > 128 ? id.substr(0, 128) : id;
}

std::string_view RequestContext::audit_source_ip() const {
  const std::string_view ip = request.source_ip;
  if (ip.empty() || ip.size() >= 64 || ip.find('\0') != std::string_view::npos) return {};
  std::array<char, 64> text{};
  ip.copy(text.data(), ip.size());  // inet_pton wants a terminated string
  std::array<unsigned char, 16> buffer{};
  if (::inet_pton(AF_INET, text.data(), buffer.data()) == 1 || ::inet_pton(AF_INET6, text.data(), buffer.data()) == 1) {
    return ip;
  }
  return {};
}

ApiResponse to_response(const ApiError& error, std::string_view request_id, std::pmr::memory_resource* memory) {
  ApiResponse response = error_response(error.error, request_id, error.details, memory);
  if (error.retry_after_seconds > 0) response.set_header("Retry-After", std::to_string(error.retry_after_seconds));
  return response;
}

}  // namespace shoppulse::handlers
