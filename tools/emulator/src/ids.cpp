#include "shoppulse/emulator/ids.h"

#include <cctype>
#include <cstdio>
#include <mutex>
#include <random>

namespace shoppulse::emulator {
namespace {

std::uint64_t random_u64() {
  // One shared engine: ids must differ across emulator instances started in
  // the same millisecond, so no per-instance time-based seeding.
  static std::mutex mutex;
  static std::mt19937_64 engine{std::random_device{}()};
  std::lock_guard lock(mutex);
  return engine();
}

std::string hex(std::uint64_t value, int digits) {
  char buffer[17];
  (void)std::snprintf(buffer, sizeof buffer, "%0*llx", digits, static_cast<unsigned long long>(value));
  return std::string(buffer).substr(0, static_cast<std::size_t>(digits));
}

}  // namespace

std::string make_request_id() {
  std::uint64_t high = random_u64();
  std::uint64_t low = random_u64();
  high = (high & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  low = (low & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;    // RFC 4122 variant
  const std::string h = hex(high, 16);
  const std::string l = hex(low, 16);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + l.substr(0, 4) + "-" + l.substr(4, 12);
}

bool is_uuid_text(std::string_view text) noexcept {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (text[i] == '-')) return false;
    if (!dash && std::isxdigit(static_cast<unsigned char>(text[i])) == 0) return false;
  }
  return true;
}

std::string make_trace_id(std::int64_t epoch_seconds) {
  const std::string root = hex(random_u64(), 16) + hex(random_u64() >> 32, 8);
  return "Root=1-" + hex(static_cast<std::uint64_t>(epoch_seconds) & 0xFFFFFFFFULL, 8) + "-" + root +
         ";Parent=" + hex(random_u64(), 16) + ";Sampled=1";
}

}  // namespace shoppulse::emulator
