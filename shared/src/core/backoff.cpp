#include "shoppulse/core/backoff.h"

#include <algorithm>
#include <cmath>

namespace shoppulse {

std::chrono::milliseconds jittered_backoff(std::chrono::milliseconds initial, double multiplier,
                                           std::chrono::milliseconds cap, int retry, double unit_random) noexcept {
  const double base = static_cast<double>(std::max<long long>(0, initial.count()));
  const double ceiling_cap = static_cast<double>(std::max<long long>(0, cap.count()));
  // Past 30 doublings every sane cap has long been reached.
  const double growth = std::pow(std::max(1.0, multiplier), std::clamp(retry, 0, 30));
  const double ceiling = std::min(ceiling_cap, base * growth);
  const double fraction = std::clamp(unit_random, 0.0, 1.0);
  return std::chrono::milliseconds(std::llround(ceiling / 2.0 + fraction * (ceiling / 2.0)));
}

}  // namespace shoppulse
