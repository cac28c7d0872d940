#pragma once
// X-Ray subsegments without an SDK. An invocation whose trace header says
// Sampled=1 gets an InvocationTrace in its arena; code anywhere below the
// handler (the pool, the AWS client) finds it through TraceScope::current()
// and records what it did as a Subsegment. Each becomes one independent
// subsegment document, sent to the daemon as one UDP datagram after the
// invocation's response is posted (flush()), so tracing is never billed
// before the answer and never waits for anything.
//
// Cost when off (TRACING_ENABLED=false, no daemon, Sampled=0): begin()
// returns null and every recording site is one thread-local load and branch.
//
// What a subsegment never carries: SQL text or its values, request or
// response bodies, secrets, embed URLs, host names or other configuration.
// Callers pass names, codes and fixed messages only.

#include <array>
#include <chrono>
#include <cstdint>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shoppulse/trace/daemon.h"
#include "shoppulse/trace/trace_header.h"

namespace shoppulse::trace {

// Microseconds since the epoch: X-Ray times are epoch seconds with six decimals.
std::int64_t now_epoch_us() noexcept;

struct Cause {
  std::string_view type;     // an error code or type ("sqlstate_23505", "AccessDeniedException")
  std::string_view message;  // a fixed, safe description; never input or configuration
};

struct SqlInfo {
  std::string_view database_type;   // "PostgreSQL"
  std::string_view driver_version;  // "libpq 15.10"
  std::string_view user;            // the database role
};

struct AwsInfo {
  std::string_view operation;   // "GetSecretValue"
  std::string_view region;      // "us-east-1"
  std::string_view request_id;  // x-amzn-RequestId, empty when none came back
  int retries = 0;
};

struct Subsegment {
  std::string_view name;
  std::string_view namespace_name;  // "remote", "aws", or empty
  std::int64_t start_us = 0;
  std::int64_t end_us = 0;
  int http_status = 0;  // http.response.status when > 0
  bool error = false;   // 4xx: the caller's fault
  bool throttle = false;
  bool fault = false;  // 5xx, a function error, an exception
  std::optional<Cause> cause;
  std::string_view tenant_id;  // annotations.tenant_id when set
  const SqlInfo* sql = nullptr;
  const AwsInfo* aws = nullptr;
};

// The error/fault/throttle flags X-Ray expects for an HTTP status.
void set_status_flags(Subsegment& subsegment, int http_status) noexcept;

class Tracer;

// One sampled invocation's documents, in its arena until flush().
class InvocationTrace {
 public:
  InvocationTrace(const Tracer& tracer, const TraceHeader& header, std::pmr::memory_resource& memory);
  InvocationTrace(const InvocationTrace&) = delete;
  InvocationTrace& operator=(const InvocationTrace&) = delete;

  // Renders one subsegment document (the daemon's header line included).
  void record(const Subsegment& subsegment) noexcept;
  // Sends every recorded document, one datagram each; recording again after
  // a flush starts a new batch.
  void flush() noexcept;
  [[nodiscard]] std::size_t pending() const noexcept { return ends_.size(); }

 private:
  const Tracer& tracer_;
  std::pmr::string root_;
  std::pmr::string parent_;
  std::pmr::string documents_;          // the datagrams, back to back
  std::pmr::vector<std::size_t> ends_;  // where each one ends in documents_
};

// The warm part: whether tracing is on and where the daemon is. Shared by
// every worker; thread-safe.
class Tracer {
 public:
  // Tracing off: begin() always returns null.
  Tracer() = default;
  explicit Tracer(DaemonSender sender) : sender_(std::move(sender)) {}

  [[nodiscard]] bool enabled() const noexcept { return sender_.has_value(); }
  // The invocation's trace, allocated in `memory`, or null when tracing is
  // off or the header does not ask for a sampled trace.
  [[nodiscard]] InvocationTrace* begin(std::string_view trace_header, std::pmr::memory_resource& memory) const;

 private:
  friend class InvocationTrace;
  std::optional<DaemonSender> sender_;
};

// Makes `trace` (may be null) the current one on this thread for the
// scope's lifetime, as LogScope does for log fields.
class TraceScope {
 public:
  explicit TraceScope(InvocationTrace* trace) noexcept;
  ~TraceScope();
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;

  [[nodiscard]] static InvocationTrace* current() noexcept;

 private:
  InvocationTrace* previous_;
};

// Appends one subsegment document (without the daemon's header line) with
// id `id`; long texts are cut to X-Ray's limits. Exposed for tests.
void append_subsegment(std::pmr::string& out, const Subsegment& subsegment, std::string_view trace_root,
                       std::string_view parent_id, std::string_view id);

// 16 random lower-case hex digits: a subsegment or exception id.
std::array<char, 16> random_id() noexcept;

}  // namespace shoppulse::trace
