#pragma once
// What the Cognito user pool authorizer does before the function runs:
// signature (RS256 with the pool's keys, or HS256 for local dev tokens),
// expiry, and optionally issuer and audience. The result is the token's
// claims; the event builders render them the way each payload format does.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "shoppulse/core/result.h"
#include "shoppulse/gateway/jwt_keys.h"

namespace shoppulse::gateway {

struct VerifierConfig {
  std::vector<RsaPublicKey> rsa_keys;       // RS256
  std::optional<std::string> hs256_secret;  // HS256 (local dev tokens only)
  std::string issuer;                       // non-empty: "iss" must equal it
  std::string audience;                     // non-empty: "aud" (ID token) or "client_id" (access token) must equal it
  std::int64_t leeway_seconds = 0;          // Cognito's authorizer allows none
};

class JwtVerifier {
 public:
  explicit JwtVerifier(VerifierConfig config) : config_(std::move(config)) {}

  [[nodiscard]] bool has_keys() const noexcept { return !config_.rsa_keys.empty() || config_.hs256_secret.has_value(); }

  // The claims of a valid token; kUnauthorized with the reason otherwise.
  // The reason never contains the token.
  Result<nlohmann::json> verify(std::string_view token, std::int64_t now_epoch_seconds) const;

 private:
  VerifierConfig config_;
};

// The token of an Authorization header value: "Bearer <jwt>" (any case), or
// the bare token as the REST API's Cognito authorizer also accepts.
std::optional<std::string> bearer_token(std::string_view authorization);

}  // namespace shoppulse::gateway
