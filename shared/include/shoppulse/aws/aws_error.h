#pragma once
// AWS error responses (JSON 1.1 and REST-JSON) and how they map onto the
// project's Error. The AWS error type stays in Error::code so callers (the
// QuickSight handler) can tell AccessDeniedException from
// UnsupportedUserEditionException. The AWS message text is deliberately not
// copied into Error::message: it can name accounts, roles and resource ARNs,
// and Error::message may reach API clients.

#include <optional>
#include <string>
#include <string_view>

#include "shoppulse/core/error.h"

namespace shoppulse::aws {

struct AwsErrorInfo {
  std::string type;     // e.g. "ResourceNotFoundException"; empty if the response had none
  std::string message;  // AWS's text; for diagnostics only, never logged by this library
};

// Type from the x-amzn-ErrorType header (anything after ':' dropped), else from
// the body's "__type" / "code" (anything up to '#' dropped). Message from
// "message" or "Message". Non-JSON bodies yield an empty type.
AwsErrorInfo parse_aws_error(std::optional<std::string_view> error_type_header, std::string_view body);

// The throttling error codes of the AWS SDKs' standard retry mode, or HTTP 429.
bool is_throttling_error(long status, std::string_view type);

//   throttling                    -> kThrottled
//   ResourceNotFoundException     -> kNotFound
//   5xx                           -> kUnavailable
//   any other status (4xx, ...)   -> kBadGateway
// code = the AWS error type, or "http_<status>" when the response had none.
Error to_error(std::string_view service_id, long status, const AwsErrorInfo& info);

}  // namespace shoppulse::aws
