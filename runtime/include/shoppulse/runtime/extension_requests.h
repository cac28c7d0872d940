#pragma once
// The Lambda Extensions API requests the runtime makes as its own internal
// extension, each a small value type rendered to an HttpRequest (as the
// Runtime API's in api_requests.h), so the wire format is unit-testable
// without a socket.

#include <string_view>

#include "shoppulse/core/result.h"
#include "shoppulse/runtime/http.h"

namespace shoppulse::runtime {

inline constexpr std::string_view kExtensionApiVersion = "2020-01-01";

// POST /2020-01-01/extension/register subscribed to no events: an internal
// extension may not take SHUTDOWN, and registering at all is what makes
// Lambda send SIGTERM before it ends the sandbox.
struct ExtensionRegisterRequest {
  std::string_view extension_name;  // Lambda-Extension-Name; free-form for internal extensions
  [[nodiscard]] HttpRequest to_http() const;
};

// GET /2020-01-01/extension/event/next: blocks until Lambda has an event for
// the extension.
struct ExtensionNextRequest {
  std::string_view extension_id;  // Lambda-Extension-Identifier from the registration
  [[nodiscard]] HttpRequest to_http() const;
};

enum class ExtensionEventType { kInvoke, kShutdown, kOther };

// The Lambda-Extension-Identifier of a 200 registration; a view into
// `response`. Any other status, or a missing or malformed identifier, is an
// error.
Result<std::string_view> parse_register_response(const HttpResponse& response);

// The eventType of a 200 event/next; anything else is an error.
Result<ExtensionEventType> parse_extension_event(const HttpResponse& response);

}  // namespace shoppulse::runtime
