#pragma once
// One AWS call (all its attempts) as an X-Ray subsegment: namespace "aws",
// with the operation, region and request id; never the request or response
// bodies. Private to shoppulse_aws.

#include <cstdint>
#include <string_view>

#include "shoppulse/core/error.h"
#include "shoppulse/trace/tracer.h"

namespace shoppulse::aws {

struct AwsCallTrace {
  std::string_view service_id;  // "Secrets Manager": the subsegment is named "SecretsManager"
  std::string_view operation;
  std::string_view region;
  std::string_view request_id;  // of the last attempt; empty if none answered
  long status = 0;              // of the last attempt; 0 if none answered
  int attempts = 0;
};

// `error`: the call's error, null when it succeeded.
void record_aws_call(trace::InvocationTrace& trace, const AwsCallTrace& call, std::int64_t started_us,
                     const Error* error) noexcept;

}  // namespace shoppulse::aws
