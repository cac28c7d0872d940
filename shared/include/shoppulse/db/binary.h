#pragma once
// PostgreSQL's binary wire formats for the column types the API reads in
// binary (db::ResultFormat::kBinary): cheaper for the server to send than
// text (no to_char(), no uuid_out) and exact, independent of DateStyle and
// TimeZone. Every reader checks the length and refuses anything else.

#include <cstdint>
#include <optional>
#include <string_view>

namespace shoppulse::db::binary {

// Unix time of PostgreSQL's epoch (2000-01-01 00:00:00 UTC), in microseconds.
inline constexpr std::int64_t kPostgresEpochUnixMicros = 946'684'800'000'000;

// uuid: 16 bytes -> 36 lower-case characters (8-4-4-4-12).
bool uuid_text(std::string_view bytes, char (&out)[36]) noexcept;
// timestamptz / timestamp: microseconds since the Unix epoch, UTC; nullopt
// for a wrong length or +/-infinity.
std::optional<std::int64_t> unix_micros(std::string_view bytes) noexcept;
std::optional<std::int32_t> int4(std::string_view bytes) noexcept;
std::optional<std::int64_t> int8(std::string_view bytes) noexcept;
std::optional<bool> boolean(std::string_view bytes) noexcept;

}  // namespace shoppulse::db::binary
