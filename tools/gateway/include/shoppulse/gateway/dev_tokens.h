#pragma once
// Local stand-ins for Cognito ID tokens: the same claims the API reads
// (sub, custom:tenant_id, custom:role, email, token_use, iss, exp), signed
// with a dev key the local gateway trusts. Never accepted by a deployed API.

#include <array>
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

// The seeded users that get dev tokens (sql/seed; see sql/README.md), and the
// shell variable each token is printed as (`dev_token seeded`).
struct SeededUser {
  const char* variable;  // ACME_ADMIN -> ACME_ADMIN_TOKEN
  const char* sub;
  const char* tenant_id;
  const char* role;
  const char* email;
};
inline constexpr const char* kAcmeTenant = "11111111-1111-4111-8111-111111111111";
inline constexpr const char* kGlobexTenant = "22222222-2222-4222-8222-222222222222";
inline constexpr std::array<SeededUser, 6> kSeededUsers{{
    {"ACME_ADMIN", "dev-acme-admin", kAcmeTenant, "admin", "admin@acme.example"},
    {"ACME_ANALYST", "dev-acme-analyst", kAcmeTenant, "analyst", "analyst@acme.example"},
    {"ACME_VIEWER", "dev-acme-viewer", kAcmeTenant, "viewer", "viewer@acme.example"},
    {"GLOBEX_ADMIN", "dev-globex-admin", kGlobexTenant, "admin", "admin@globex.example"},
    {"GLOBEX_ANALYST", "dev-globex-analyst", kGlobexTenant, "analyst", "analyst@globex.example"},
    {"GLOBEX_VIEWER", "dev-globex-viewer", kGlobexTenant, "viewer", "viewer@globex.example"},
}};

// The claims of a Cognito ID token for one user (what the seeded dev users get).
nlohmann::json cognito_id_claims(const std::string& sub, const std::string& tenant_id, const std::string& role,
                                 const std::string& email, const std::string& issuer = kDevIssuer,
                                 const std::string& audience = kDevAudience);

}  // namespace shoppulse::gateway
