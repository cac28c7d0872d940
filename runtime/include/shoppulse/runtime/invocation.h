#pragma once
// One invocation as the Runtime API delivers it on /next. Every header is
// optional: the emulator, Lambda and replay tools do not all send all of them.

#include <chrono>
#include <cstdint>
#include <string>

namespace shoppulse::runtime {

struct Invocation {
  std::string request_id;
  std::int64_t deadline_epoch_ms = 0;  // 0 when Lambda-Runtime-Deadline-Ms was absent
  std::string function_arn;
  std::string trace_id;
  std::string client_context;
  std::string cognito_identity;
  std::string payload;

  // Time left before Lambda stops the invocation; a large value when no
  // deadline was given so callers need no special case.
  [[nodiscard]] std::chrono::milliseconds remaining_time(
      std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;
};

// The deadline arithmetic, kept pure for tests.
std::chrono::milliseconds remaining_until(std::int64_t deadline_epoch_ms, std::chrono::system_clock::time_point now);

inline constexpr std::chrono::milliseconds kNoDeadline{std::chrono::hours(24 * 365)};

}  // namespace shoppulse::runtime
