#pragma once
// ASCII case handling for protocol text (HTTP header names, methods,
// media types): locale-free, unlike <cctype>.

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
