#pragma once
// RFC 3339 timestamps in UTC, formatted without allocation: the log line's
// timestamp and every timestamp the API renders from the database.

#include <cstdint>
#include <string_view>

namespace shoppulse {

inline constexpr std::size_t kMaxTimestampLength = 27;  // 2026-11-23T10:15:30.123456Z

// `fraction_digits` (0..6) digits of the second, truncated, as PostgreSQL's
// to_char(..., 'MS' / 'US') renders them: 2026-11-23T10:15:30.123Z for 3.
// Empty for years outside 0000-9999.
std::string_view format_utc_timestamp(std::int64_t unix_micros, int fraction_digits,
                                      char (&buffer)[kMaxTimestampLength]) noexcept;

}  // namespace shoppulse
