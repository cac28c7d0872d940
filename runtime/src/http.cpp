#include "shoppulse/runtime/http.h"

#include <cstring>

#include "shoppulse/core/ascii.h"

namespace shoppulse::runtime {

HttpRequest::HttpRequest(std::string_view method, std::initializer_list<std::string_view> path_parts) noexcept
    : method_(method) {
  for (const std::string_view part : path_parts) {
    if (path_size_ + part.size() > path_.size()) {
      valid_ = false;
      path_size_ = 0;
      return;
    }
    std::memcpy(path_.data() + path_size_, part.data(), part.size());
    path_size_ += part.size();
  }
}

std::string_view HttpRequest::header(std::string_view name) const noexcept {
  for (const HttpHeader* h = headers_begin(); h != headers_end(); ++h) {
    if (ascii::iequals(h->name, name)) return h->value;
  }
  return {};
}

void HttpRequest::add_header(std::string_view name, std::string_view value) noexcept {
  if (header_count_ == headers_.size()) {
    valid_ = false;
    return;
  }
  headers_[header_count_++] = HttpHeader{name, value};
}

void ByteBuffer::reserve(std::size_t total) {
  if (total <= capacity_) return;
  std::size_t grown = capacity_ < 4096 ? 4096 : capacity_;
  while (grown < total) grown *= 2;
  std::unique_ptr<char[]> larger(new char[grown]);  // NOLINT(cppcoreguidelines-avoid-c-arrays)
  if (size_ > 0) std::memcpy(larger.get(), data_.get(), size_);
  data_ = std::move(larger);
  capacity_ = grown;
}

void ByteBuffer::append(std::string_view bytes) {
  reserve(size_ + bytes.size());
  if (!bytes.empty()) std::memcpy(data_.get() + size_, bytes.data(), bytes.size());
  size_ += bytes.size();
}

void ByteBuffer::consume_front(std::size_t count) noexcept {
  if (count >= size_) {
    size_ = 0;
    return;
  }
  std::memmove(data_.get(), data_.get() + count, size_ - count);
  size_ -= count;
}

std::string_view HttpResponse::header(std::string_view name) const noexcept {
  for (const HttpHeader& h : headers) {
    if (ascii::iequals(h.name, name)) return h.value;
  }
  return {};
}

void HttpResponse::assign(int status_code,
                          std::initializer_list<std::pair<std::string_view, std::string_view>> header_list,
                          std::string_view body_text) {
  status = status_code;
  storage.clear();
  for (const auto& [name, value] : header_list) {
    storage.append(name);
    storage.append(value);
  }
  storage.append(body_text);
  headers.clear();
  std::size_t at = 0;
  for (const auto& [name, value] : header_list) {
    const std::string_view stored_name(storage.data() + at, name.size());
    at += name.size();
    headers.push_back({stored_name, std::string_view(storage.data() + at, value.size())});
    at += value.size();
  }
  body = std::string_view(storage.data() + at, body_text.size());
}

}  // namespace shoppulse::runtime
