#include "shoppulse/core/timestamp.h"

namespace shoppulse {
namespace {

constexpr std::int64_t kMicrosPerDay = 86'400'000'000;

// Floor division: the fraction of a second before 1970 still counts upwards.
std::int64_t floor_div(std::int64_t value, std::int64_t divisor) noexcept {
  const std::int64_t quotient = value / divisor;
  return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
}

}  // namespace

std::string_view format_utc_timestamp(std::int64_t unix_micros, int fraction_digits,
                                      char (&buffer)[kMaxTimestampLength]) noexcept {
  if (fraction_digits < 0 || fraction_digits > 6) return {};
  std::int64_t days = floor_div(unix_micros, kMicrosPerDay);
  const std::int64_t micros_of_day = unix_micros - days * kMicrosPerDay;
  // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
  days += 719'468;
  const std::int64_t era = floor_div(days, 146'097);
  const std::int64_t day_of_era = days - era * 146'097;
  const std::int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;
  const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t month_index = (5 * day_of_year + 2) / 153;
  const std::int64_t day = day_of_year - (153 * month_index + 2) / 5 + 1;
  const std::int64_t month = month_index < 10 ? month_index + 3 : month_index - 9;
  const std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) return {};

  std::size_t at = 0;
  const auto put = [&buffer, &at](std::int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
      buffer[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);  // NOLINT: fixed layout
      value /= 10;
    }
    at += static_cast<std::size_t>(width);
  };
  const auto literal = [&buffer, &at](char c) { buffer[at++] = c; };  // NOLINT: fixed layout
  put(year, 4);
  literal('-');
  put(month, 2);
  literal('-');
  put(day, 2);
  literal('T');
  put(micros_of_day / 3'600'000'000, 2);
  literal(':');
  put(micros_of_day / 60'000'000 % 60, 2);
  literal(':');
  put(micros_of_day / 1'000'000 % 60, 2);
  if (fraction_digits > 0) {
    literal('.');
    std::int64_t fraction = micros_of_day % 1'000'000;
    for (int i = fraction_digits; i < 6; ++i) fraction /= 10;
    put(fraction, fraction_digits);
  }
  literal('Z');
  return {buffer, at};
}

}  // namespace shoppulse
