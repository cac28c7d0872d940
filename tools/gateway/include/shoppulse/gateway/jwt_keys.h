#pragma once
// RSA keys for the local Cognito stand-in: PEM files (a dev key pair the
// gateway generates or is given) and JWKS documents (a Cognito user pool's
// /.well-known/jwks.json saved to a file, so real tokens verify offline).

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "shoppulse/core/result.h"

namespace shoppulse::gateway {

struct RsaPublicKey {
  std::string kid;  // matched against the token header's "kid"
  std::string pem;  // SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY")
};

// The public half of an RSA key given as a public or a private key PEM.
Result<std::string> public_key_pem(std::string_view pem);

// Stable key id for a public key: 16 hex digits of the SHA-256 of its PEM.
std::string key_id_for(std::string_view public_pem);

// The RSA signing keys of a JWKS document ({"keys": [{"kty":"RSA","kid","n","e"}]}).
// Keys of other types or uses are skipped; a JWKS without a usable key fails.
Result<std::vector<RsaPublicKey>> keys_from_jwks(const nlohmann::json& jwks);

// A fresh RSA private key, PKCS#8 PEM.
Result<std::string> generate_rsa_private_key_pem(int bits = 2048);

}  // namespace shoppulse::gateway
