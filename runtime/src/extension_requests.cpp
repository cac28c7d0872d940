#include "shoppulse/runtime/extension_requests.h"

#include <string>

#include "shoppulse/core/json_reader.h"
#include "shoppulse/runtime/api_requests.h"

namespace shoppulse::runtime {
namespace {

Error status_error(std::string_view call, int status) {
  return Error::make(ErrorKind::kInternal, "extensions_api_status",
                     "Extensions API " + std::string(call) + " answered HTTP " + std::to_string(status));
}

}  // namespace

HttpRequest ExtensionRegisterRequest::to_http() const {
  HttpRequest request("POST", {"/", kExtensionApiVersion, "/extension/register"});
  request.add_header("Lambda-Extension-Name", extension_name);
  request.add_header("Content-Type", "application/json");
  request.set_body(R"({"events":[]})");
  return request;
}

HttpRequest ExtensionNextRequest::to_http() const {
  HttpRequest request("GET", {"/", kExtensionApiVersion, "/extension/event/next"});
  request.add_header("Lambda-Extension-Identifier", extension_id);
  return request;
}

Result<std::string_view> parse_register_response(const HttpResponse& response) {
  if (response.status != 200) return fail(status_error("register", response.status));
  const std::string_view id = response.header("Lambda-Extension-Identifier");
  // It goes back to Lambda in a header: held to the request ids' character
  // set (Lambda's identifiers are UUIDs), so it cannot end a header line.
  if (!is_safe_request_id(id)) {
    return fail(Error::make(ErrorKind::kInternal, "extensions_api_identifier",
                            "Extensions API register answer has a missing or malformed Lambda-Extension-Identifier"));
  }
  return id;
}

Result<ExtensionEventType> parse_extension_event(const HttpResponse& response) {
  if (response.status != 200) return fail(status_error("event/next", response.status));
  json::Document document;
  if (!document.parse(response.body)) {
    return fail(Error::make(ErrorKind::kInternal, "extensions_api_event", "Extensions API event is not JSON"));
  }
  const json::Value type = document.root()["eventType"];
  if (!type.is_string()) return ExtensionEventType::kOther;
  if (type.string() == "INVOKE") return ExtensionEventType::kInvoke;
  if (type.string() == "SHUTDOWN") return ExtensionEventType::kShutdown;
  return ExtensionEventType::kOther;
}

}  // namespace shoppulse::runtime
