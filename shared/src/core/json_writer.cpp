#include "shoppulse/core/json_writer.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <charconv>
#include <cstring>

#include "json_scan.h"
#include "shoppulse/core/utf8.h"

namespace shoppulse {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Escaped width of each ASCII byte: 1 as is, 2 for \" \\ \n \r \t \b \f,
// 6 for the other control characters (\u00XX).
constexpr std::array<std::uint8_t, 128> kEscapedWidth = [] {
  std::array<std::uint8_t, 128> widths{};
  for (std::size_t c = 0; c < widths.size(); ++c) widths[c] = c < 0x20 ? 6 : 1;
  for (const char c : {'"', '\\', '\n', '\r', '\t', '\b', '\f'}) widths[static_cast<unsigned char>(c)] = 2;
  return widths;
}();

template <typename String>
void append_escaped(String& out, std::string_view text) {
  if (json_scan::plain_prefix(text) == text.size()) {
    // Nothing to escape or replace (ids, names, log fields, a base64 body):
    // one copy.
    out.reserve(out.size() + text.size() + 2);
    out.push_back('"');
    out.append(text);
    out.push_back('"');
    return;
  }
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  // Pass 1 sizes the escaped string exactly, so pass 2 writes into memory
  // already there instead of growing the string escape by escape (a 12 KB
  // JSON body, as API Gateway's `body`, has ~1,500 quotes to escape).
  std::size_t size = 2;
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = byte(i);
    if (c < 0x80) {
      size += kEscapedWidth[c];
      ++i;
    } else if (const std::size_t length = utf8::sequence_length(text, i); length > 0) {
      size += length;
      i += length;
    } else {
      size += 3;  // U+FFFD
      ++i;
    }
  }
  if (size == text.size() + 2) {
    // Only valid multi-byte UTF-8, nothing to escape: one copy.
    out.reserve(out.size() + size);
    out.push_back('"');
    out.append(text);
    out.push_back('"');
    return;
  }
  const std::size_t start = out.size();
  out.resize(start + size);
  char* cursor = out.data() + start;
  const auto put = [&cursor](const char* bytes, std::size_t count) {
    std::memcpy(cursor, bytes, count);
    cursor += count;  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic): sized by pass 1
  };
  put("\"", 1);
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = byte(i);
    if (c < 0x80 && kEscapedWidth[c] == 1) {
      // Runs between escapes are short in JSON text (a quote every few
      // bytes): a byte loop beats a vector scan here.
      std::size_t end = i + 1;
      while (end < text.size() && byte(end) < 0x80 && kEscapedWidth[byte(end)] == 1) ++end;
      put(text.data() + i, end - i);
      i = end;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t length = utf8::sequence_length(text, i);
      if (length > 0) {
        put(text.data() + i, length);
        i += length;
      } else {
        put("\xEF\xBF\xBD", 3);
        ++i;
      }
      continue;
    }
    switch (c) {
      case '"': put("\\\"", 2); break;
      case '\\': put("\\\\", 2); break;
      case '\n': put("\\n", 2); break;
      case '\r': put("\\r", 2); break;
      case '\t': put("\\t", 2); break;
      case '\b': put("\\b", 2); break;
      case '\f': put("\\f", 2); break;
      default: {
        const std::array<char, 6> escape = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        put(escape.data(), escape.size());
      }
    }
    ++i;
  }
  put("\"", 1);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  append_escaped(out, text);
}
void append_json_string(std::pmr::string& out, std::string_view text) {
  append_escaped(out, text);
}

template <typename String>
void BasicJsonWriter<String>::separate() {
  if (need_comma_) out_.push_back(',');
  need_comma_ = true;
}

template <typename String>
BasicJsonWriter<String>& BasicJsonWriter<String>::begin_object() {
  separate();
  out_.push_back('{');
  need_comma_ = false;
  return *this;
}
template <typename String>
BasicJsonWriter<String>& BasicJsonWriter<String>::end_object() {
  out_.push_back('}');
  need_comma_ = true;
  return *this;
}
template <typename String>
BasicJsonWriter<String>& BasicJsonWriter<String>::begin_array() {
  separate();
  out_.push_back('[');
  need_comma_ = false;
  return *this;
}
template <typename String>
BasicJsonWriter<String>& BasicJsonWriter<String>::end_array() {
  out_.push_back(']');
  need_comma_ = true;
  return *this;
}
template <typename String>
BasicJsonWriter<String>& BasicJsonWriter<String>::key(std::string_view name) {
  separate();
  append_json_string(out_, name);
  out_.push_back(':');
  need_comma_ = false;
  return *this;
}
template <typename String>
BasicJsonWriter<String>& BasicJsonWriter<String>::value(std::string_view text) {
  separate();
  append_json_string(out_, text);
  return *this;
}
template <typename String>
BasicJsonWriter<String>& BasicJsonWriter<String>::value(bool flag) {
  separate();
  out_.append(flag ? "true" : "false");
  return *this;
}
template <typename String>
BasicJsonWriter<String>& BasicJsonWriter<String>::value(std::int64_t number) {
  separate();
  char buffer[24];
  const auto written = std::to_chars(buffer, buffer + sizeof buffer, number);
  out_.append(buffer, static_cast<std::size_t>(written.ptr - buffer));
  return *this;
}
template <typename String>
BasicJsonWriter<String>& BasicJsonWriter<String>::value(double number) {
  separate();
  if (!std::isfinite(number)) {
    out_.append("null");
    return *this;
  }
  char buffer[32];
  const int n = std::snprintf(buffer, sizeof buffer, "%.3f", number);
  out_.append(buffer, static_cast<std::size_t>(n));
  return *this;
}
template <typename String>
BasicJsonWriter<String>& BasicJsonWriter<String>::null() {
  separate();
  out_.append("null");
  return *this;
}
template <typename String>
BasicJsonWriter<String>& BasicJsonWriter<String>::raw(std::string_view json) {
  separate();
  out_.append(json);
  return *this;
}

template class BasicJsonWriter<std::string>;
template class BasicJsonWriter<std::pmr::string>;

}  // namespace shoppulse
