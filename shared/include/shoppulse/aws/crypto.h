#pragma once
// SHA-256 and HMAC-SHA256 through OpenSSL 3's EVP interfaces, the only hash
// primitives SigV4 needs. Failures (allocation, a provider without SHA-256)
// come back as errors rather than aborting the sandbox.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "shoppulse/core/result.h"

namespace shoppulse::aws::crypto {

using Sha256Digest = std::array<unsigned char, 32>;

Result<Sha256Digest> sha256(std::string_view data);
Result<std::string> sha256_hex(std::string_view data);

// `key` is raw bytes (SigV4 chains binary keys through HMAC).
Result<Sha256Digest> hmac_sha256(std::string_view key, std::string_view data);

std::string hex_encode(const unsigned char* data, std::size_t size);
inline std::string hex_encode(const Sha256Digest& digest) {
  return hex_encode(digest.data(), digest.size());
}

inline std::string_view as_bytes(const Sha256Digest& digest) {
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

}  // namespace shoppulse::aws::crypto
