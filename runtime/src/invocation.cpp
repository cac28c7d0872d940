#include "shoppulse/runtime/invocation.h"

namespace shoppulse::runtime {

std::chrono::milliseconds remaining_until(std::int64_t deadline_epoch_ms, std::chrono::system_clock::time_point now) {
  if (deadline_epoch_ms <= 0) return kNoDeadline;
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::int64_t left = deadline_epoch_ms - now_ms;
  return std::chrono::milliseconds(left > 0 ? left : 0);
}

std::chrono::milliseconds Invocation::remaining_time(std::chrono::system_clock::time_point now) const {
  return remaining_until(deadline_epoch_ms, now);
}

}  // namespace shoppulse::runtime
