#pragma once
// SHA-256 and HMAC-SHA256, the only hash primitives SigV4 and the
// pagination cursors need, on OpenSSL's SHA-256 block functions: no provider
// fetch and no heap allocation per call, where EVP_MAC made about a dozen
// (see crypto.cpp). Results stay Result<> at this boundary.

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "shoppulse/core/result.h"

namespace shoppulse::crypto {

using Sha256Digest = std::array<unsigned char, 32>;

Result<Sha256Digest> sha256(std::string_view data);
Result<std::string> sha256_hex(std::string_view data);

// `key` is raw bytes (SigV4 chains binary keys through HMAC).
Result<Sha256Digest> hmac_sha256(std::string_view key, std::string_view data);

// A key prepared once for many MACs (RFC 2104): the hash states after the
// inner and outer padded key, so each MAC hashes only the message. Immutable
// after construction; safe to share between threads.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::string_view key);
  ~HmacSha256Key();
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;

  [[nodiscard]] Sha256Digest mac(std::string_view data) const noexcept;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

std::string hex_encode(const unsigned char* data, std::size_t size);
inline std::string hex_encode(const Sha256Digest& digest) {
  return hex_encode(digest.data(), digest.size());
}

inline std::string_view as_bytes(const Sha256Digest& digest) {
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

}  // namespace shoppulse::crypto
