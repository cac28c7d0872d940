#pragma once
// The one diagnostic type every layer converts its failures into. The kind
// decides the HTTP status; the code is the stable machine-readable name that
// reaches clients; the message is safe to show (never a secret or a URL with
// credentials in it).

#include <string>
#include <string_view>

namespace shoppulse {

enum class ErrorKind {
  kInvalidInput,      // 400
  kUnauthorized,      // 401
  kForbidden,         // 403
  kNotFound,          // 404
  kMethodNotAllowed,  // 405
  kConflict,          // 409
  kPayloadTooLarge,   // 413
  kUnsupportedMedia,  // 415
  kThrottled,         // 429
  kInternal,          // 500
  kBadGateway,        // 502: an upstream (AWS) service refused or failed
  kUnavailable,       // 503: database or dependency unreachable; retry later
  kTimeout,           // 504: deadline reached
};

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string code;     // e.g. "validation_failed", "ResourceNotFoundException"
  std::string message;  // human readable, safe to log and to return

  static Error make(ErrorKind kind, std::string code, std::string message) {
    return Error{kind, std::move(code), std::move(message)};
  }
};

int http_status(ErrorKind kind) noexcept;
std::string_view kind_name(ErrorKind kind) noexcept;

}  // namespace shoppulse
