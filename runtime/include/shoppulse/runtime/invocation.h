#pragma once
// One invocation as the Runtime API delivers it on /next. Every header is
// optional: the emulator, Lambda and replay tools do not all send all of them.
// The text fields are views into the RuntimeClient's event buffer: valid
// until its next call of next(), which is after the invocation is complete.

#include <chrono>
#include <cstdint>
#include <string_view>

namespace shoppulse::runtime {

struct Invocation {
  std::string_view request_id;
  std::int64_t deadline_epoch_ms = 0;  // 0 when Lambda-Runtime-Deadline-Ms was absent
  std::string_view function_arn;
  std::string_view trace_id;
  std::string_view client_context;
  std::string_view cognito_identity;
  std::string_view tenant_id;  // Lambda-Runtime-Aws-Tenant-Id (tenant-isolation mode), else empty
  std::string_view payload;

  // Time left before Lambda stops the invocation; a large value when no
  // deadline was given so callers need no special case.
  [[nodiscard]] std::chrono::milliseconds remaining_time(
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;
};

// The deadline arithmetic, kept pure for tests.
std::chrono::milliseconds remaining_until(std::int64_t deadline_epoch_ms, std::chrono::system_clock::time_point now);

inline constexpr std::chrono::milliseconds kNoDeadline{std::chrono::hours(24 * 365)};

}  // namespace shoppulse::runtime
