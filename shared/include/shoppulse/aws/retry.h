#pragma once
// When and how long to retry an AWS call. Only failures that another attempt
// can fix are retried: throttling, 5xx, connection failures and timeouts.
// Other 4xx (bad input, access denied, wrong edition) fail at once.

#include <chrono>
#include <string_view>

#include "shoppulse/core/error.h"

namespace shoppulse::aws {

struct RetryPolicy {
  int max_attempts = 3;  // total attempts, including the first (AWS_MAX_ATTEMPTS)
  std::chrono::milliseconds base_delay{100};
  std::chrono::milliseconds max_delay{1000};
};

// Delay before retry `retry_number` (1 = the second attempt): uniformly spread
// over [ceiling/2, ceiling] with ceiling = min(max_delay, base_delay * 2^(n-1)).
// Half the ceiling is kept so a retry never fires immediately after a
// throttling response; the random half keeps sandboxes from retrying in step.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int retry_number, double unit_random);

bool is_retryable_status(long status, std::string_view aws_error_type);
bool is_retryable_transport_error(const Error& error);

}  // namespace shoppulse::aws
