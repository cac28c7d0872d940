#include "shoppulse/handlers/invocation_context.h"

#include <algorithm>

#include "shoppulse/core/log.h"

namespace shoppulse::handlers {

std::chrono::milliseconds InvocationContext::remaining() const {
  if (deadline_epoch_ms <= 0) return std::chrono::hours(24);
  const long long left = deadline_epoch_ms - now_epoch_ms();
  return std::chrono::milliseconds(std::max(0LL, left));
}

}  // namespace shoppulse::handlers
