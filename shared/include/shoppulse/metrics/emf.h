#pragma once
// CloudWatch Embedded Metric Format: one JSON line per invocation that
// CloudWatch turns into metrics without any API call from the sandbox.

#include <memory_resource>
#include <string_view>

namespace shoppulse::metrics {

struct InvocationMetrics {
  std::string_view route;  // dimension "Route"
  double latency_ms = 0;   // Milliseconds
  double db_time_ms = 0;   // Milliseconds
  int errors = 0;          // Count: 1 for a 5xx or a function error
  int cold_start = 0;      // Count: 1 on the sandbox's first invocation
};

// {"_aws":{"Timestamp":ms,"CloudWatchMetrics":[{"Namespace":ns,"Dimensions":[["Route"]],
//   "Metrics":[{"Name":"Latency","Unit":"Milliseconds"},...]}]},"Route":..,"Latency":..,...}
// The line is appended to `out` (an invocation arena's string), unterminated.
void append_emf_line(std::pmr::string& out, std::string_view metrics_namespace, const InvocationMetrics& metrics,
                     long long timestamp_ms);

}  // namespace shoppulse::metrics
