#pragma once
// ASCII helpers for protocol text (HTTP header names, methods, media types,
// hex digits, percent-encoding): locale-free, unlike <cctype>.

#include <string_view>

namespace shoppulse::ascii {

constexpr char to_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr char to_upper(char c) noexcept {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}

constexpr bool has_lower(std::string_view text) noexcept {
  for (const char c : text) {
    if (c >= 'a' && c <= 'z') return true;
  }
  return false;
}

// 0-15 for a hexadecimal digit (either case), -1 for anything else.
constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends `text` with every %XX decoded (a '%' without two hex digits stays
// as it is) and, when `plus_is_space`, '+' as ' ' (form encoding: query
// strings). For any string type with push_back()/reserve().
template <typename String>
void append_percent_decoded(String& out, std::string_view text, bool plus_is_space) {
  out.reserve(out.size() + text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
}

// In place, for any string type with begin()/end().
template <typename String>
void to_upper(String& text) noexcept {
  for (char& c : text) c = to_upper(c);
}
template <typename String>
void to_lower(String& text) noexcept {
  for (char& c : text) c = to_lower(c);
}

}  // namespace shoppulse::ascii
