#include "shoppulse/core/http_wire.h"

#include <cstring>
#include <limits>

#include "shoppulse/core/ascii.h"

namespace shoppulse::http1 {
namespace {

constexpr std::size_t kMaxChunkLine = 4096;

bool digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

// RFC 9110 token characters (header names).
bool token_char(char c) noexcept {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  if (digit(c)) return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool contains_token(std::string_view list, std::string_view token) noexcept {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (ascii::iequals(ascii::trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

bool parse_decimal(std::string_view text, std::uint64_t& out) noexcept {
  if (text.empty() || text.size() > 19) return false;
  out = 0;
  for (const char c : text) {
    if (!digit(c)) return false;
    out = out * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

}  // namespace

WireState parse_response_head(std::string_view bytes, ResponseHead& head, std::vector<HeaderView>& headers) {
  head = ResponseHead{};
  headers.clear();
  const std::size_t end = bytes.substr(0, kMaxResponseHead).find("\r\n\r\n");
  if (end == std::string_view::npos) {
    return bytes.size() >= kMaxResponseHead ? WireState::kInvalid : WireState::kIncomplete;
  }
  head.size = end + 4;
  std::string_view lines = bytes.substr(0, end + 2);  // every line keeps its CRLF

  // Status line: HTTP/1.x SP 3DIGIT [SP reason]
  const auto first_end = lines.find("\r\n");
  const std::string_view status_line = lines.substr(0, first_end);
  lines.remove_prefix(first_end + 2);
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || !digit(status_line[7]) ||
      status_line[8] != ' ' || !digit(status_line[9]) || !digit(status_line[10]) || !digit(status_line[11]) ||
      (status_line.size() > 12 && status_line[12] != ' ')) {
    return WireState::kInvalid;
  }
  head.status = (status_line[9] - '0') * 100 + (status_line[10] - '0') * 10 + (status_line[11] - '0');
  if (head.status < 100) return WireState::kInvalid;

  std::string_view transfer_encoding;
  while (!lines.empty()) {
    const auto line_end = lines.find("\r\n");
    const std::string_view line = lines.substr(0, line_end);
    lines.remove_prefix(line_end + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return WireState::kInvalid;
    const std::string_view name = line.substr(0, colon);
    for (const char c : name) {
      if (!token_char(c)) return WireState::kInvalid;  // also refuses obsolete line folding
    }
    const std::string_view value = ascii::trim(line.substr(colon + 1));
    for (const char c : value) {
      const auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7F) return WireState::kInvalid;
    }
    headers.push_back({name, value});
    if (ascii::iequals(name, "content-length")) {
      std::uint64_t length = 0;
      if (!parse_decimal(value, length)) return WireState::kInvalid;
      if (head.content_length && *head.content_length != length) return WireState::kInvalid;
      head.content_length = length;
    } else if (ascii::iequals(name, "transfer-encoding")) {
      if (!transfer_encoding.empty()) return WireState::kInvalid;  // one header line, as servers send it
      transfer_encoding = value;
    } else if (ascii::iequals(name, "connection")) {
      head.close = head.close || contains_token(value, "close");
    }
  }
  if (!transfer_encoding.empty()) {
    // Only plain chunked is spoken here (what Go's net/http sends); it
    // overrides any Content-Length (RFC 9112 6.3).
    if (!ascii::iequals(transfer_encoding, "chunked")) return WireState::kInvalid;
    head.chunked = true;
    head.content_length.reset();
  }
  return WireState::kComplete;
}

WireState ChunkedDecoder::step(char* data, std::size_t available) noexcept {
  while (true) {
    switch (phase_) {
      case Phase::kSize: {
        const std::string_view rest(data + read_, available - read_);
        const auto newline = rest.find('\n');
        if (newline == std::string_view::npos) {
          return rest.size() > kMaxChunkLine ? WireState::kInvalid : WireState::kIncomplete;
        }
        if (newline == 0 || rest[newline - 1] != '\r' || newline > kMaxChunkLine) return WireState::kInvalid;
        const std::string_view line = rest.substr(0, newline - 1);
        std::uint64_t size = 0;
        std::size_t i = 0;
        for (; i < line.size() && ascii::hex_value(line[i]) >= 0; ++i) {
          if (size > (std::numeric_limits<std::uint64_t>::max() >> 4)) return WireState::kInvalid;
          size = (size << 4) | static_cast<std::uint64_t>(ascii::hex_value(line[i]));
        }
        if (i == 0) return WireState::kInvalid;
        // Chunk extensions (";name=value") carry nothing the runtime needs.
        std::size_t rest_at = i;
        while (rest_at < line.size() && (line[rest_at] == ' ' || line[rest_at] == '\t')) ++rest_at;
        if (rest_at < line.size() && line[rest_at] != ';') return WireState::kInvalid;
        read_ += newline + 1;
        if (size == 0) {
          phase_ = Phase::kTrailer;
        } else {
          if (size > max_body_ - write_) return WireState::kInvalid;
          chunk_left_ = size;
          phase_ = Phase::kData;
        }
        break;
      }
      case Phase::kData: {
        const std::size_t take = static_cast<std::size_t>(
            std::min<std::uint64_t>(chunk_left_, static_cast<std::uint64_t>(available - read_)));
        if (take > 0 && write_ != read_) std::memmove(data + write_, data + read_, take);
        write_ += take;
        read_ += take;
        chunk_left_ -= take;
        if (chunk_left_ > 0) return WireState::kIncomplete;
        phase_ = Phase::kDataEnd;
        break;
      }
      case Phase::kDataEnd: {
        if (available - read_ < 2) return WireState::kIncomplete;
        if (data[read_] != '\r' || data[read_ + 1] != '\n') return WireState::kInvalid;
        read_ += 2;
        phase_ = Phase::kSize;
        break;
      }
      case Phase::kTrailer: {
        const std::string_view rest(data + read_, available - read_);
        const auto newline = rest.find('\n');
        if (newline == std::string_view::npos) {
          return rest.size() > kMaxChunkLine ? WireState::kInvalid : WireState::kIncomplete;
        }
        if (newline == 0 || rest[newline - 1] != '\r') return WireState::kInvalid;
        read_ += newline + 1;
        if (newline == 1) phase_ = Phase::kDone;  // the empty line ends the message
        break;
      }
      case Phase::kDone: return WireState::kComplete;
    }
  }
}

}  // namespace shoppulse::http1
