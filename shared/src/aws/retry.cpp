#include "shoppulse/aws/retry.h"

#include "shoppulse/aws/aws_error.h"
#include "shoppulse/aws/http_client.h"
#include "shoppulse/core/backoff.h"

namespace shoppulse::aws {

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry_number, double unit_random) {
  return jittered_backoff(policy.base_delay, 2.0, policy.max_delay, retry_number - 1, unit_random);
}

bool is_retryable_status(long status, std::string_view aws_error_type) {
  return is_throttling_error(status, aws_error_type) || (status >= 500 && status <= 599);
}

bool is_retryable_transport_error(const Error& error) {
  return error.code == kErrConnectFailed || error.code == kErrTimeout;
}

}  // namespace shoppulse::aws
