#pragma once
// The HTTP/1.1 messages the runtime exchanges with the Runtime API, as views:
// a request borrows its parts from the caller for the duration of a call; a
// response is read into an HttpResponse whose storage is reused from one
// response to the next, so a warm loop reads without allocating.

#include <array>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shoppulse/core/http_wire.h"

namespace shoppulse::runtime {

using HttpHeader = http1::HeaderView;

class HttpRequest {
 public:
  static constexpr std::size_t kMaxHeaders = 4;
  static constexpr std::size_t kMaxPath = 192;  // a /response path with a 128-byte request id fits

  HttpRequest(std::string_view method, std::initializer_list<std::string_view> path_parts) noexcept;

  [[nodiscard]] std::string_view method() const noexcept { return method_; }
  // False when the path did not fit (callers validate request ids first).
  [[nodiscard]] bool valid() const noexcept { return valid_; }
  [[nodiscard]] std::string_view path() const noexcept { return {path_.data(), path_size_}; }
  [[nodiscard]] const HttpHeader* headers_begin() const noexcept { return headers_.data(); }
  [[nodiscard]] const HttpHeader* headers_end() const noexcept { return headers_.data() + header_count_; }
  [[nodiscard]] std::string_view header(std::string_view name) const noexcept;
  [[nodiscard]] std::string_view body() const noexcept { return body_; }

  void add_header(std::string_view name, std::string_view value) noexcept;
  void set_body(std::string_view body) noexcept { body_ = body; }

 private:
  std::string_view method_;
  std::array<char, kMaxPath> path_{};
  std::size_t path_size_ = 0;
  bool valid_ = true;
  std::array<HttpHeader, kMaxHeaders> headers_{};
  std::size_t header_count_ = 0;
  std::string_view body_;
};

// Bytes read off a socket: grows geometrically, never shrinks, and is never
// zero-filled (std::string's resize would write every byte it adds).
class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;

  [[nodiscard]] char* data() noexcept { return data_.get(); }
  [[nodiscard]] const char* data() const noexcept { return data_.get(); }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] std::string_view view() const noexcept { return {data_.get(), size_}; }
  void clear() noexcept { size_ = 0; }
  // Room for at least `total` bytes; contents kept.
  void reserve(std::size_t total);
  // The writable space after the contents, and committing what was written there.
  [[nodiscard]] char* spare() noexcept { return data_.get() + size_; }
  [[nodiscard]] std::size_t spare_size() const noexcept { return capacity_ - size_; }
  void commit(std::size_t written) noexcept { size_ += written; }
  void append(std::string_view bytes);
  void truncate(std::size_t size) noexcept { size_ = size < size_ ? size : size_; }
  // Drops the first `count` bytes.
  void consume_front(std::size_t count) noexcept;

 private:
  std::unique_ptr<char[]> data_;  // NOLINT(cppcoreguidelines-avoid-c-arrays): uninitialised on purpose
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

// A response read off the wire (or built by a test). Views point into
// `storage`, so it is neither copied nor moved.
class HttpResponse {
 public:
  HttpResponse() = default;
  HttpResponse(const HttpResponse&) = delete;
  HttpResponse& operator=(const HttpResponse&) = delete;

  int status = 0;
  std::vector<HttpHeader> headers;  // views into storage
  std::string_view body;            // view into storage
  ByteBuffer storage;               // the bytes read; capacity kept across responses

  // First value of a header (case-insensitive); empty when absent.
  [[nodiscard]] std::string_view header(std::string_view name) const noexcept;
  // Replaces the contents with a response made of copies of these parts.
  void assign(int status_code, std::initializer_list<std::pair<std::string_view, std::string_view>> header_list,
              std::string_view body_text);
};

}  // namespace shoppulse::runtime
