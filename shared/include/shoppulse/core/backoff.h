#pragma once
// The one backoff: exponential, capped, with "equal jitter". Every retry in
// the project (the runtime's /next, PostgreSQL connects, AWS calls) waits
// this long; each keeps its own policy values.

#include <chrono>

namespace shoppulse {

// The delay before retry `retry` (0 = the first retry): the ceiling is
// min(cap, initial * multiplier^retry), and the delay is spread uniformly over
// [ceiling/2, ceiling] by `unit_random` in [0, 1]. Half the ceiling is kept so
// a retry never fires at once after a refusal; the random half keeps
// sandboxes that failed together from retrying in step.
std::chrono::milliseconds jittered_backoff(std::chrono::milliseconds initial, double multiplier,
                                           std::chrono::milliseconds cap, int retry, double unit_random) noexcept;

}  // namespace shoppulse
