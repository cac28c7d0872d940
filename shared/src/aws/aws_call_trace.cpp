#include "aws_call_trace.h"

#include <string>

#include "shoppulse/aws/aws_error.h"

namespace shoppulse::aws {

void record_aws_call(trace::InvocationTrace& trace, const AwsCallTrace& call, std::int64_t started_us,
                     const Error* error) noexcept {
  try {
    const trace::AwsInfo aws{call.operation, call.region, call.request_id, call.attempts > 1 ? call.attempts - 1 : 0};
    // The AWS SDKs' name for the service: "SecretsManager", "QuickSight".
    std::string name;
    for (const char c : call.service_id) {
      if (c != ' ') name.push_back(c);
    }
    trace::Subsegment subsegment;
    subsegment.name = name;
    subsegment.namespace_name = "aws";
    subsegment.start_us = started_us;
    subsegment.end_us = trace::now_epoch_us();
    subsegment.aws = &aws;
    if (call.status > 0) trace::set_status_flags(subsegment, static_cast<int>(call.status));
    std::string message;
    if (error != nullptr) {
      // No answer at all (connect, TLS, timeout) is a fault too.
      if (call.status <= 0) subsegment.fault = true;
      subsegment.throttle = subsegment.throttle || error->kind == ErrorKind::kThrottled;
      // Not error->message or AWS's own text: either can name accounts,
      // ARNs or endpoints.
      message = std::string(call.service_id) + " " + std::string(call.operation) +
                (call.status > 0 ? " answered HTTP " + std::to_string(call.status) : std::string(" got no answer"));
      subsegment.cause = trace::Cause{error->code, message};
    }
    trace.record(subsegment);
  } catch (...) {  // NOLINT(bugprone-empty-catch)
    // A subsegment that cannot be built is lost; the call's result is not.
  }
}

}  // namespace shoppulse::aws
