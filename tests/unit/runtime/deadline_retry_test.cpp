#include <gtest/gtest.h>

#include "shoppulse/runtime/invocation.h"
#include "shoppulse/runtime/loop.h"

namespace shoppulse::runtime {
namespace {

using std::chrono::milliseconds;

std::chrono::system_clock::time_point at_ms(std::int64_t epoch_ms) {
  return std::chrono::system_clock::time_point(milliseconds(epoch_ms));
}

TEST(Deadline, RemainingTimeIsDeadlineMinusNow) {
  EXPECT_EQ(remaining_until(10'000, at_ms(7'500)), milliseconds(2'500));
}

TEST(Deadline, PastDeadlineClampsToZero) {
  EXPECT_EQ(remaining_until(10'000, at_ms(12'000)), milliseconds(0));
}

TEST(Deadline, NoDeadlineMeansEffectivelyUnbounded) {
  EXPECT_EQ(remaining_until(0, at_ms(12'000)), kNoDeadline);
  Invocation invocation;
  invocation.deadline_epoch_ms = 5'000;
  EXPECT_EQ(invocation.remaining_time(at_ms(4'000)), milliseconds(1'000));
}

TEST(RetryPolicy, BackoffGrowsExponentiallyWithinJitterBounds) {
  RetryPolicy policy;
  policy.initial_backoff = milliseconds(100);
  policy.multiplier = 2.0;
  policy.max_backoff = milliseconds(1000);
  EXPECT_EQ(policy.backoff_for(1, 1.0), milliseconds(100));
  EXPECT_EQ(policy.backoff_for(1, 0.0), milliseconds(50));
  EXPECT_EQ(policy.backoff_for(2, 1.0), milliseconds(200));
  EXPECT_EQ(policy.backoff_for(3, 1.0), milliseconds(400));
  // Capped: attempt 10 would be 51.2 s uncapped.
  EXPECT_EQ(policy.backoff_for(10, 1.0), milliseconds(1000));
  EXPECT_EQ(policy.backoff_for(10, 0.0), milliseconds(500));
}

TEST(RetryPolicy, JitterOutsideUnitIntervalIsClamped) {
  RetryPolicy policy;
  EXPECT_EQ(policy.backoff_for(1, 7.0), policy.backoff_for(1, 1.0));
  EXPECT_EQ(policy.backoff_for(1, -3.0), policy.backoff_for(1, 0.0));
}

TEST(RetryPolicy, WorstCaseTotalWaitIsBounded) {
  // The loop gives up after max_attempts: the whole retry budget stays small
  // so a dead Runtime API ends the sandbox quickly instead of spinning.
  RetryPolicy policy;
  milliseconds total{0};
  for (int attempt = 1; attempt < policy.max_attempts; ++attempt) total += policy.backoff_for(attempt, 1.0);
  EXPECT_LT(total, milliseconds(5000));
  EXPECT_GT(total, milliseconds(0));
}

}  // namespace
}  // namespace shoppulse::runtime
