#pragma once
// Parsing of HTTP/1.1 responses as they arrive off a socket: the status line
// and headers, and a chunked body. Pure functions over buffers, fuzzed
// (tests/fuzz), shared by the Runtime API transport (the official emulator, a
// Go net/http server, streams larger events chunked) and the AWS HTTPS client.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace shoppulse::http1 {

// A header as a view into the bytes it was parsed from.
struct HeaderView {
  std::string_view name;
  std::string_view value;
};

inline constexpr std::size_t kMaxResponseHead = std::size_t{64} * 1024;

enum class WireState { kIncomplete, kComplete, kInvalid };

struct ResponseHead {
  int status = 0;
  std::size_t size = 0;  // bytes up to and including the blank line
  std::optional<std::uint64_t> content_length;
  bool chunked = false;
  bool close = false;  // Connection: close
};

// The head at the start of `bytes`; kIncomplete until the blank line has
// arrived, kInvalid for anything malformed or a head over kMaxResponseHead.
// `headers` receives views into `bytes`.
WireState parse_response_head(std::string_view bytes, ResponseHead& head, std::vector<HeaderView>& headers);

// Decodes a chunked body in place, resumably: call step() each time more
// bytes have been appended after the body's start. Decoded bytes are packed
// at the front, so the body ends as [data, data + decoded()).
class ChunkedDecoder {
 public:
  explicit ChunkedDecoder(std::uint64_t max_body) noexcept : max_body_(max_body) {}
  // `data` is the body area, `available` the raw bytes in it so far.
  WireState step(char* data, std::size_t available) noexcept;
  [[nodiscard]] std::size_t decoded() const noexcept { return write_; }
  // Raw bytes consumed, including the last chunk and trailers when complete.
  [[nodiscard]] std::size_t consumed() const noexcept { return read_; }

 private:
  enum class Phase { kSize, kData, kDataEnd, kTrailer, kDone };
  std::uint64_t max_body_;
  Phase phase_ = Phase::kSize;
  std::size_t read_ = 0;
  std::size_t write_ = 0;
  std::uint64_t chunk_left_ = 0;
};

}  // namespace shoppulse::http1
