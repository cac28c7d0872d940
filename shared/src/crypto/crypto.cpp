#include "shoppulse/crypto/crypto.h"

// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, but
// remain its public API over the same assembly implementations. Through EVP a
// digest fetches the algorithm and allocates a context per call; an HMAC
// allocates about a dozen times. These run on every cursor and every signed
// AWS request, so this file uses the block functions on stack contexts.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstring>

namespace shoppulse::crypto {
namespace {

constexpr std::size_t kBlock = SHA256_CBLOCK;  // 64

const unsigned char* bytes_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
}

Sha256Digest digest_of(std::string_view data) noexcept {
  Sha256Digest digest{};
  SHA256_CTX context;
  SHA256_Init(&context);
  SHA256_Update(&context, data.data(), data.size());
  SHA256_Final(digest.data(), &context);
  return digest;
}

// The hash states after absorbing the key XOR ipad and XOR opad.
void prepare(std::string_view key, SHA256_CTX& inner, SHA256_CTX& outer) noexcept {
  unsigned char block[kBlock] = {};
  if (key.size() > kBlock) {
    const Sha256Digest hashed = digest_of(key);
    std::memcpy(block, hashed.data(), hashed.size());
  } else if (!key.empty()) {
    std::memcpy(block, key.data(), key.size());
  }
  unsigned char pad[kBlock];
  for (std::size_t i = 0; i < kBlock; ++i) pad[i] = static_cast<unsigned char>(block[i] ^ 0x36);
  SHA256_Init(&inner);
  SHA256_Update(&inner, pad, kBlock);
  for (std::size_t i = 0; i < kBlock; ++i) pad[i] = static_cast<unsigned char>(block[i] ^ 0x5c);
  SHA256_Init(&outer);
  SHA256_Update(&outer, pad, kBlock);
  OPENSSL_cleanse(block, sizeof block);
  OPENSSL_cleanse(pad, sizeof pad);
}

Sha256Digest finish(SHA256_CTX inner, SHA256_CTX outer, std::string_view data) noexcept {
  Sha256Digest inner_digest{};
  SHA256_Update(&inner, bytes_of(data), data.size());
  SHA256_Final(inner_digest.data(), &inner);
  Sha256Digest out{};
  SHA256_Update(&outer, inner_digest.data(), inner_digest.size());
  SHA256_Final(out.data(), &outer);
  return out;
}

}  // namespace

struct HmacSha256Key::State {
  SHA256_CTX inner;
  SHA256_CTX outer;
};

HmacSha256Key::HmacSha256Key(std::string_view key) : state_(std::make_unique<State>()) {
  prepare(key, state_->inner, state_->outer);
}

HmacSha256Key::~HmacSha256Key() {
  OPENSSL_cleanse(state_.get(), sizeof(State));
}

Sha256Digest HmacSha256Key::mac(std::string_view data) const noexcept {
  return finish(state_->inner, state_->outer, data);
}

Result<Sha256Digest> sha256(std::string_view data) {
  return digest_of(data);
}

Result<std::string> sha256_hex(std::string_view data) {
  return hex_encode(digest_of(data));
}

Result<Sha256Digest> hmac_sha256(std::string_view key, std::string_view data) {
  SHA256_CTX inner;
  SHA256_CTX outer;
  prepare(key, inner, outer);
  return finish(inner, outer, data);
}

std::string hex_encode(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0x0f]);
  }
  return out;
}

}  // namespace shoppulse::crypto
