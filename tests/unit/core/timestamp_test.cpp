#include "shoppulse/core/timestamp.h"

#include <gtest/gtest.h>

#include <string>

#include "shoppulse/core/log.h"

namespace shoppulse {
namespace {

std::string format(std::int64_t unix_micros, int digits) {
  char buffer[kMaxTimestampLength];
  return std::string(format_utc_timestamp(unix_micros, digits, buffer));
}

TEST(Timestamp, FormatsUtcWithTruncatedFractions) {
  // 2024-02-29T23:59:59.999999Z: a leap day, one microsecond before midnight.
  const std::int64_t leap = 1'709'251'199'999'999;
  EXPECT_EQ(format(leap, 6), "2024-02-29T23:59:59.999999Z");
  EXPECT_EQ(format(leap, 3), "2024-02-29T23:59:59.999Z");  // truncated, as to_char(..., 'MS')
  EXPECT_EQ(format(leap, 0), "2024-02-29T23:59:59Z");
  EXPECT_EQ(format(0, 3), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format(946'684'800'000'000, 6), "2000-01-01T00:00:00.000000Z");
}

TEST(Timestamp, BeforeTheEpochCountsTheFractionForward) {
  // One microsecond before 1970: the second is 23:59:59 and .999999 of it passed.
  EXPECT_EQ(format(-1, 6), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(format(-86'400'000'000, 3), "1969-12-31T00:00:00.000Z");
}

TEST(Timestamp, OutOfRangeYearsAndDigitsGiveNothing) {
  EXPECT_EQ(format(253'402'300'800'000'000, 3), "");  // year 10000
  EXPECT_EQ(format(0, 7), "");
  EXPECT_EQ(format(0, -1), "");
}

TEST(Timestamp, LogTimestampsAreMilliseconds) {
  EXPECT_EQ(format_timestamp_ms(1'795'428'930'123LL), "2026-11-23T10:15:30.123Z");
}

}  // namespace
}  // namespace shoppulse
