#pragma once
// Local stand-ins for Cognito ID tokens: the same claims the API reads
// (sub, custom:tenant_id, custom:role, email, token_use, iss, exp), signed
// with a dev key the local gateway trusts. Never accepted by a deployed API.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "shoppulse/core/result.h"

namespace shoppulse::gateway {

inline constexpr const char* kDevIssuer = "https://cognito-idp.local.shoppulse.dev/local-dev-pool";
inline constexpr const char* kDevAudience = "shoppulse-local-dev";

struct TokenSpec {
  std::string alg = "RS256";  // RS256 (key = private key PEM) or HS256 (key = shared secret)
  std::string key;
  std::string kid;                                   // header "kid" (RS256); empty: none
  nlohmann::json claims = nlohmann::json::object();  // strings, integers, booleans, arrays
  std::int64_t issued_at = 0;                        // iat; exp = iat + ttl
  std::int64_t ttl_seconds = std::int64_t{12} * 3600;
};

Result<std::string> issue_token(const TokenSpec& spec);

// The claims of a Cognito ID token for one user (what the seeded dev users get).
nlohmann::json cognito_id_claims(const std::string& sub, const std::string& tenant_id, const std::string& role,
                                 const std::string& email, const std::string& issuer = kDevIssuer,
                                 const std::string& audience = kDevAudience);

}  // namespace shoppulse::gateway
