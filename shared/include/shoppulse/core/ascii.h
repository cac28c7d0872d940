#pragma once
// ASCII helpers for protocol text (HTTP header names, methods, media types,
// hex digits, percent-encoding, query strings): locale-free, unlike <cctype>.
// The one place for these: no other file lowers, trims or decodes on its own.

#include <string>
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

// Without leading and trailing spaces and tabs (HTTP's optional whitespace).
constexpr std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
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

// A decoded copy of `text` (see append_percent_decoded).
inline std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  append_percent_decoded(out, text, plus_is_space);
  return out;
}

// Calls visit(key, value) for each '&'-separated pair of a raw query string,
// in order, both still percent-encoded: empty pairs are skipped, and a pair
// without '=' has an empty value. Decoding is the caller's (it owns the memory).
template <typename Visit>
void for_each_query_pair(std::string_view raw, Visit&& visit) {
  while (!raw.empty()) {
    const auto amp = raw.find('&');
    const std::string_view pair = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    visit(pair.substr(0, eq), eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
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

// A lower-case copy.
inline std::string lower(std::string_view text) {
  std::string out(text);
  to_lower(out);
  return out;
}

}  // namespace shoppulse::ascii
