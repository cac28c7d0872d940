#include "shoppulse/aws/crypto.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>

namespace shoppulse::aws::crypto {
namespace {

struct MdDeleter {
  void operator()(EVP_MD* md) const noexcept { EVP_MD_free(md); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
struct MacDeleter {
  void operator()(EVP_MAC* mac) const noexcept { EVP_MAC_free(mac); }
};
struct MacCtxDeleter {
  void operator()(EVP_MAC_CTX* ctx) const noexcept { EVP_MAC_CTX_free(ctx); }
};
using Md = std::unique_ptr<EVP_MD, MdDeleter>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;
using Mac = std::unique_ptr<EVP_MAC, MacDeleter>;
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter>;

// Fetching an algorithm walks the provider tables; once per process is enough
// (fetched objects are immutable and safe to share between threads).
const EVP_MD* sha256_md() {
  static const Md md(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  return md.get();
}

EVP_MAC* hmac_mac() {
  static const Mac mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  return mac.get();
}

Error crypto_error(std::string_view what) {
  return Error::make(ErrorKind::kInternal, "crypto_failed", std::string("OpenSSL ") + std::string(what) + " failed");
}

}  // namespace

Result<Sha256Digest> sha256(std::string_view data) {
  const EVP_MD* md = sha256_md();
  if (md == nullptr) return fail(crypto_error("SHA-256 fetch"));
  const MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) return fail(crypto_error("EVP_MD_CTX_new"));
  Sha256Digest digest{};
  unsigned int length = 0;
  if (EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1 || EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1 || length != digest.size()) {
    return fail(crypto_error("SHA-256"));
  }
  return digest;
}

Result<std::string> sha256_hex(std::string_view data) {
  auto digest = sha256(data);
  if (!digest) return fail(digest.error());
  return hex_encode(*digest);
}

Result<Sha256Digest> hmac_sha256(std::string_view key, std::string_view data) {
  EVP_MAC* mac = hmac_mac();
  if (mac == nullptr) return fail(crypto_error("HMAC fetch"));
  const MacCtx ctx(EVP_MAC_CTX_new(mac));
  if (!ctx) return fail(crypto_error("EVP_MAC_CTX_new"));
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  Sha256Digest out{};
  std::size_t length = 0;
  if (EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out.data(), &length, out.size()) != 1 || length != out.size()) {
    return fail(crypto_error("HMAC-SHA256"));
  }
  return out;
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

}  // namespace shoppulse::aws::crypto
