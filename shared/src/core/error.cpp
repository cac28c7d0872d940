#include "shoppulse/core/error.h"

namespace shoppulse {

int http_status(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::kInvalidInput: return 400;
    case ErrorKind::kUnauthorized: return 401;
    case ErrorKind::kForbidden: return 403;
    case ErrorKind::kNotFound: return 404;
    case ErrorKind::kMethodNotAllowed: return 405;
    case ErrorKind::kConflict: return 409;
    case ErrorKind::kPayloadTooLarge: return 413;
    case ErrorKind::kUnsupportedMedia: return 415;
    case ErrorKind::kThrottled: return 429;
    case ErrorKind::kInternal: return 500;
    case ErrorKind::kBadGateway: return 502;
    case ErrorKind::kUnavailable: return 503;
    case ErrorKind::kTimeout: return 504;
  }
  return 500;
}

std::string_view kind_name(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::kInvalidInput: return "invalid_input";
    case ErrorKind::kUnauthorized: return "unauthorized";
    case ErrorKind::kForbidden: return "forbidden";
    case ErrorKind::kNotFound: return "not_found";
    case ErrorKind::kMethodNotAllowed: return "method_not_allowed";
    case ErrorKind::kConflict: return "conflict";
    case ErrorKind::kPayloadTooLarge: return "payload_too_large";
    case ErrorKind::kUnsupportedMedia: return "unsupported_media_type";
    case ErrorKind::kThrottled: return "throttled";
    case ErrorKind::kInternal: return "internal";
    case ErrorKind::kBadGateway: return "bad_gateway";
    case ErrorKind::kUnavailable: return "unavailable";
    case ErrorKind::kTimeout: return "timeout";
  }
  return "internal";
}

}  // namespace shoppulse
