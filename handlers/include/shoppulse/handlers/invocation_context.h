#pragma once
// The invocation as the runtime delivered it: what a handler may read about
// the Lambda invocation itself. Its own header so that handlers need not
// include the composition root (application.h).

#include <chrono>
#include <cstdint>
#include <string_view>

namespace shoppulse::handlers {

// Views: valid for the invocation.
struct InvocationContext {
  std::string_view lambda_request_id;
  std::string_view trace_id;
  std::string_view function_arn;
  std::string_view client_context;
  std::string_view cognito_identity;
  std::int64_t deadline_epoch_ms = 0;
  bool cold_start = false;
  std::string_view platform_tenant_id;  // Lambda-Runtime-Aws-Tenant-Id (tenant-isolation mode), else empty

  // Time left until the deadline; a day when the runtime gave none.
  [[nodiscard]] std::chrono::milliseconds remaining() const;
};

}  // namespace shoppulse::handlers
