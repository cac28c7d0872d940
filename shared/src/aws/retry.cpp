#include "shoppulse/aws/retry.h"

#include <algorithm>
#include <cmath>

#include "shoppulse/aws/aws_error.h"
#include "shoppulse/aws/http_client.h"

namespace shoppulse::aws {

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry_number, double unit_random) {
  const double base = static_cast<double>(std::max<long long>(0, policy.base_delay.count()));
  const double cap = static_cast<double>(std::max<long long>(0, policy.max_delay.count()));
  const int exponent = std::clamp(retry_number - 1, 0, 30);
  const double ceiling = std::min(cap, base * std::ldexp(1.0, exponent));
  const double fraction = std::clamp(unit_random, 0.0, 1.0);
  const double delay = ceiling / 2.0 + fraction * (ceiling / 2.0);
  return std::chrono::milliseconds(static_cast<long long>(std::llround(delay)));
}

bool is_retryable_status(long status, std::string_view aws_error_type) {
  return is_throttling_error(status, aws_error_type) || (status >= 500 && status <= 599);
}

bool is_retryable_transport_error(const Error& error) {
  return error.code == kErrConnectFailed || error.code == kErrTimeout;
}

}  // namespace shoppulse::aws
