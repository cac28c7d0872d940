#pragma once
// The Lambda Runtime API client: /next, /response, /error, /init/error.

#include <memory>
#include <string>
#include <string_view>

#include "shoppulse/core/result.h"
#include "shoppulse/runtime/api_requests.h"
#include "shoppulse/runtime/transport.h"

namespace shoppulse::runtime {

class RuntimeClient {
 public:
  explicit RuntimeClient(std::unique_ptr<Transport> transport);

  // Blocks until Lambda delivers the next event. The Invocation's views point
  // into this client's event buffer: valid until the next call of next().
  // Errors are connection-level (kUnavailable) or protocol-level (kInternal).
  Result<Invocation> next();
  Status post_response(std::string_view request_id, const InvocationResponse& response);
  Status post_error(std::string_view request_id, const FunctionError& error);
  Status post_init_error(const FunctionError& error);

 private:
  Status post(const HttpRequest& request);
  std::unique_ptr<Transport> transport_;
  std::string working_directory_;  // for the X-Ray error cause: read once, as Lambda never changes it
  HttpResponse event_;             // the current event, read in place
  HttpResponse reply_;             // replies to posts (202)
};

}  // namespace shoppulse::runtime
