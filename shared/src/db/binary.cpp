#include "shoppulse/db/binary.h"

#include <limits>

namespace shoppulse::db::binary {
namespace {

std::uint64_t big_endian(std::string_view bytes) noexcept {
  std::uint64_t value = 0;
  for (const char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

}  // namespace

bool uuid_text(std::string_view bytes, char (&out)[36]) noexcept {
  if (bytes.size() != 16) return false;
  static constexpr char kDigits[] = "0123456789abcdef";
  std::size_t at = 0;
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[at++] = '-';
    const auto byte = static_cast<unsigned char>(bytes[i]);
    out[at++] = kDigits[byte >> 4];
    out[at++] = kDigits[byte & 0x0F];
  }
  return true;
}

std::optional<std::int64_t> unix_micros(std::string_view bytes) noexcept {
  const std::optional<std::int64_t> since_2000 = int8(bytes);
  // DT_NOBEGIN / DT_NOEND: -infinity / infinity.
  if (!since_2000 || *since_2000 == std::numeric_limits<std::int64_t>::min() ||
      *since_2000 == std::numeric_limits<std::int64_t>::max()) {
    return std::nullopt;
  }
  return *since_2000 + kPostgresEpochUnixMicros;
}

std::optional<std::int32_t> int4(std::string_view bytes) noexcept {
  if (bytes.size() != 4) return std::nullopt;
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(big_endian(bytes)));
}

std::optional<std::int64_t> int8(std::string_view bytes) noexcept {
  if (bytes.size() != 8) return std::nullopt;
  return static_cast<std::int64_t>(big_endian(bytes));
}

std::optional<bool> boolean(std::string_view bytes) noexcept {
  if (bytes.size() != 1) return std::nullopt;
  return bytes[0] != 0;
}

}  // namespace shoppulse::db::binary
