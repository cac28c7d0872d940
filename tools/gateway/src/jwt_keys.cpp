#include "shoppulse/gateway/jwt_keys.h"

#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include "crypto_handles.h"
#include "shoppulse/core/codec.h"

namespace shoppulse::gateway {
namespace {

using detail::BioPtr;
using detail::BnPtr;
using detail::PkeyCtxPtr;
using detail::PkeyPtr;

Error key_error(std::string message) {
  return Error::make(ErrorKind::kInvalidInput, "invalid_key", std::move(message));
}

BioPtr memory_bio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

Result<std::string> bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  if (size <= 0 || data == nullptr) return fail(key_error("cannot serialise the key"));
  return std::string(data, static_cast<std::size_t>(size));
}

Result<std::string> write_public_pem(EVP_PKEY* key) {
  BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_PUBKEY(out.get(), key) != 1) return fail(key_error("cannot write the public key"));
  return bio_text(out.get());
}

bool is_rsa(EVP_PKEY* key) {
  return EVP_PKEY_is_a(key, "RSA") == 1;
}

BnPtr bignum_from_base64url(const std::string& text) {
  auto bytes = base64url_decode(text);
  if (!bytes || bytes->empty()) return nullptr;
  return BnPtr(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes->data()), static_cast<int>(bytes->size()), nullptr));
}

Result<std::string> pem_from_modulus(const std::string& n64, const std::string& e64) {
  BnPtr n = bignum_from_base64url(n64);
  BnPtr e = bignum_from_base64url(e64);
  if (!n || !e) return fail(key_error("JWK n/e are not base64url"));
  detail::ParamBldPtr builder(OSSL_PARAM_BLD_new());
  if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    return fail(key_error("cannot build the RSA parameters"));
  }
  detail::ParamPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return fail(key_error("cannot build an RSA key from the JWK"));
  }
  PkeyPtr key(raw);
  return write_public_pem(key.get());
}

}  // namespace

Result<std::string> public_key_pem(std::string_view pem) {
  {
    BioPtr in = memory_bio(pem);
    PkeyPtr key(in ? PEM_read_bio_PUBKEY(in.get(), nullptr, nullptr, nullptr) : nullptr);
    if (key) {
      if (!is_rsa(key.get())) return fail(key_error("the public key is not an RSA key"));
      return write_public_pem(key.get());
    }
  }
  BioPtr in = memory_bio(pem);
  // An empty passphrase callback result: encrypted private keys are refused
  // instead of prompting on the terminal.
  PkeyPtr key(in ? PEM_read_bio_PrivateKey(
                       in.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr)
                 : nullptr);
  if (!key) return fail(key_error("not an RSA public or private key in PEM form"));
  if (!is_rsa(key.get())) return fail(key_error("the private key is not an RSA key"));
  return write_public_pem(key.get());
}

std::string key_id_for(std::string_view public_pem) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(public_pem.data()), public_pem.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 8; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0F]);
  }
  return out;
}

Result<std::vector<RsaPublicKey>> keys_from_jwks(const nlohmann::json& jwks) {
  const auto keys = jwks.find("keys");
  if (!jwks.is_object() || keys == jwks.end() || !keys->is_array()) {
    return fail(key_error("a JWKS document needs a \"keys\" array"));
  }
  std::vector<RsaPublicKey> out;
  for (const auto& jwk : *keys) {
    if (!jwk.is_object() || jwk.value("kty", "") != "RSA") continue;
    if (jwk.contains("use") && jwk.value("use", "") != "sig") continue;
    if (jwk.contains("alg") && jwk.value("alg", "") != "RS256") continue;
    if (!jwk.contains("n") || !jwk["n"].is_string() || !jwk.contains("e") || !jwk["e"].is_string()) continue;
    auto pem = pem_from_modulus(jwk["n"].get<std::string>(), jwk["e"].get<std::string>());
    if (!pem) return fail(std::move(pem).error());
    out.push_back({jwk.value("kid", ""), std::move(*pem)});
  }
  if (out.empty()) return fail(key_error("the JWKS has no RSA signing key"));
  return out;
}

Result<std::string> generate_rsa_private_key_pem(int bits) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1 ||
      EVP_PKEY_generate(ctx.get(), &raw) != 1) {
    return fail(key_error("RSA key generation failed"));
  }
  PkeyPtr key(raw);
  BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_PrivateKey(out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return fail(key_error("cannot write the private key"));
  }
  return bio_text(out.get());
}

}  // namespace shoppulse::gateway
