#include "shoppulse/core/json_writer.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

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

// Length of the valid UTF-8 sequence starting at text[i], or 0 if invalid.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  std::uint32_t min = 0;
  std::uint32_t code = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, min = 0x80, code = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, min = 0x800, code = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, min = 0x10000, code = lead & 0x07u;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0u) != 0x80u) return 0;
    code = (code << 6) | (byte(i + k) & 0x3Fu);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
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
    } else if (const std::size_t length = utf8_sequence_length(text, i); length > 0) {
      size += length;
      i += length;
    } else {
      size += 3;  // U+FFFD
      ++i;
    }
  }
  if (size == text.size() + 2) {
    // Nothing to escape or replace (the usual case for ids, names, log
    // fields): one copy.
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
      std::size_t end = i + 1;
      while (end < text.size() && byte(end) < 0x80 && kEscapedWidth[byte(end)] == 1) ++end;
      put(text.data() + i, end - i);
      i = end;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t length = utf8_sequence_length(text, i);
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

void JsonWriter::separate() {
  if (need_comma_) out_.push_back(',');
  need_comma_ = true;
}

JsonWriter& JsonWriter::begin_object() {
  separate();
  out_.push_back('{');
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::end_object() {
  out_.push_back('}');
  need_comma_ = true;
  return *this;
}
JsonWriter& JsonWriter::begin_array() {
  separate();
  out_.push_back('[');
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::end_array() {
  out_.push_back(']');
  need_comma_ = true;
  return *this;
}
JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  append_json_string(out_, name);
  out_.push_back(':');
  need_comma_ = false;
  return *this;
}
JsonWriter& JsonWriter::value(std::string_view text) {
  separate();
  append_json_string(out_, text);
  return *this;
}
JsonWriter& JsonWriter::value(bool flag) {
  separate();
  out_.append(flag ? "true" : "false");
  return *this;
}
JsonWriter& JsonWriter::value(std::int64_t number) {
  separate();
  out_.append(std::to_string(number));
  return *this;
}
JsonWriter& JsonWriter::value(double number) {
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
JsonWriter& JsonWriter::null() {
  separate();
  out_.append("null");
  return *this;
}
JsonWriter& JsonWriter::raw(std::string_view json) {
  separate();
  out_.append(json);
  return *this;
}

}  // namespace shoppulse
