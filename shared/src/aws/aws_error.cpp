#include "shoppulse/aws/aws_error.h"

#include <array>

#include <nlohmann/json.hpp>

namespace shoppulse::aws {
namespace {

std::string string_member(const nlohmann::json& object, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const auto it = object.find(name);
    if (it != object.end() && it->is_string()) return it->get<std::string>();
  }
  return {};
}

}  // namespace

AwsErrorInfo parse_aws_error(std::optional<std::string_view> error_type_header, std::string_view body) {
  AwsErrorInfo info;
  const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object()) {
    std::string type = string_member(parsed, {"__type", "code", "Code"});
    if (const std::size_t hash = type.rfind('#'); hash != std::string::npos) type.erase(0, hash + 1);
    info.type = std::move(type);
    info.message = string_member(parsed, {"message", "Message", "errorMessage"});
  }
  if (error_type_header && !error_type_header->empty()) {
    const std::string_view header = *error_type_header;
    info.type = std::string(header.substr(0, header.find(':')));
  }
  return info;
}

bool is_throttling_error(long status, std::string_view type) {
  if (status == 429) return true;
  static constexpr std::array<std::string_view, 14> kThrottlingTypes{"Throttling",
                                                                     "ThrottlingException",
                                                                     "ThrottledException",
                                                                     "RequestThrottledException",
                                                                     "TooManyRequestsException",
                                                                     "ProvisionedThroughputExceededException",
                                                                     "TransactionInProgressException",
                                                                     "RequestLimitExceeded",
                                                                     "BandwidthLimitExceeded",
                                                                     "LimitExceededException",
                                                                     "RequestThrottled",
                                                                     "SlowDown",
                                                                     "PriorRequestNotComplete",
                                                                     "EC2ThrottledException"};
  for (const std::string_view candidate : kThrottlingTypes) {
    if (type == candidate) return true;
  }
  return false;
}

Error to_error(std::string_view service_id, long status, const AwsErrorInfo& info) {
  const std::string code = info.type.empty() ? "http_" + std::to_string(status) : info.type;
  const std::string message = std::string(service_id) + " returned " + code + " (HTTP " + std::to_string(status) + ")";
  if (is_throttling_error(status, info.type)) return Error::make(ErrorKind::kThrottled, code, message);
  if (info.type == "ResourceNotFoundException") return Error::make(ErrorKind::kNotFound, code, message);
  if (status >= 500) return Error::make(ErrorKind::kUnavailable, code, message);
  return Error::make(ErrorKind::kBadGateway, code, message);
}

}  // namespace shoppulse::aws
