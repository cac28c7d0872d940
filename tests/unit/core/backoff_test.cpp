// The one backoff every retry uses: exponential, capped, equal jitter.

#include "shoppulse/core/backoff.h"

#include <gtest/gtest.h>

namespace shoppulse {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, GrowsByTheMultiplierWithinHalfToAllOfTheCeiling) {
  // Ceiling 100, 200, 400: the delay spans [ceiling/2, ceiling].
  EXPECT_EQ(jittered_backoff(milliseconds(100), 2.0, milliseconds(5000), 0, 0.0), milliseconds(50));
  EXPECT_EQ(jittered_backoff(milliseconds(100), 2.0, milliseconds(5000), 0, 1.0), milliseconds(100));
  EXPECT_EQ(jittered_backoff(milliseconds(100), 2.0, milliseconds(5000), 1, 0.0), milliseconds(100));
  EXPECT_EQ(jittered_backoff(milliseconds(100), 2.0, milliseconds(5000), 2, 0.5), milliseconds(300));
  EXPECT_EQ(jittered_backoff(milliseconds(100), 3.0, milliseconds(5000), 2, 1.0), milliseconds(900));
}

TEST(Backoff, TheCapBoundsTheCeiling) {
  EXPECT_EQ(jittered_backoff(milliseconds(100), 2.0, milliseconds(1000), 10, 1.0), milliseconds(1000));
  EXPECT_EQ(jittered_backoff(milliseconds(100), 2.0, milliseconds(1000), 10, 0.0), milliseconds(500));
  // Far past any sane retry count: still the cap, no overflow.
  EXPECT_EQ(jittered_backoff(milliseconds(100), 2.0, milliseconds(1000), 1'000'000, 1.0), milliseconds(1000));
}

TEST(Backoff, OutOfRangeInputsAreClamped) {
  EXPECT_EQ(jittered_backoff(milliseconds(100), 2.0, milliseconds(5000), -3, 1.0), milliseconds(100));
  EXPECT_EQ(jittered_backoff(milliseconds(100), 2.0, milliseconds(5000), 0, 7.0), milliseconds(100));
  EXPECT_EQ(jittered_backoff(milliseconds(100), 2.0, milliseconds(5000), 0, -1.0), milliseconds(50));
  EXPECT_EQ(jittered_backoff(milliseconds(100), 0.5, milliseconds(5000), 3, 1.0), milliseconds(100));
  EXPECT_EQ(jittered_backoff(milliseconds(-5), 2.0, milliseconds(5000), 3, 1.0), milliseconds(0));
}

}  // namespace
}  // namespace shoppulse
