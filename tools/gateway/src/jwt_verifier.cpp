#include "shoppulse/gateway/jwt_verifier.h"

#include <algorithm>

#include "crypto_handles.h"
#include "shoppulse/core/ascii.h"
#include "shoppulse/core/codec.h"
#include "shoppulse/gateway/http_types.h"

namespace shoppulse::gateway {
namespace {

constexpr std::size_t kMaxTokenBytes = std::size_t{16} * 1024;

Error unauthorized(std::string reason) {
  return Error::make(ErrorKind::kUnauthorized, "unauthorized", std::move(reason));
}

bool base64url_chars(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// A claim that must hold an integer epoch (exp, nbf).
std::optional<std::int64_t> epoch_claim(const nlohmann::json& claims, const char* name) {
  const auto it = claims.find(name);
  if (it == claims.end() || !it->is_number()) return std::nullopt;
  if (it->is_number_float()) return static_cast<std::int64_t>(it->get<double>());
  return it->get<std::int64_t>();
}

// "" when absent or not a string: a hostile token must not make value() throw.
std::string string_claim(const nlohmann::json& claims, const char* name) {
  const auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool audience_matches(const nlohmann::json& claims, const std::string& audience) {
  if (auto aud = claims.find("aud"); aud != claims.end()) {
    if (aud->is_string() && aud->get<std::string>() == audience) return true;
    if (aud->is_array() && std::find(aud->begin(), aud->end(), audience) != aud->end()) return true;
  }
  const auto client = claims.find("client_id");
  return client != claims.end() && client->is_string() && client->get<std::string>() == audience;
}

// Verifies the signature with one key, and that libjwt used the algorithm we
// chose from the header (never trust the token to pick how it is checked).
std::optional<nlohmann::json> decode_with(const std::string& token, const std::string& key, jwt_alg_t expected) {
  jwt_t* raw = nullptr;
  const int rc =
      jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(key.data()), static_cast<int>(key.size()));
  detail::JwtPtr jwt(raw);
  if (rc != 0 || !jwt || jwt_get_alg(jwt.get()) != expected) return std::nullopt;
  detail::MallocString grants(jwt_get_grants_json(jwt.get(), nullptr));
  if (!grants) return std::nullopt;
  nlohmann::json claims = nlohmann::json::parse(grants.get(), nullptr, false);
  if (!claims.is_object()) return std::nullopt;
  return claims;
}

}  // namespace

std::optional<std::string> bearer_token(std::string_view authorization) {
  while (!authorization.empty() && authorization.front() == ' ') authorization.remove_prefix(1);
  while (!authorization.empty() && authorization.back() == ' ') authorization.remove_suffix(1);
  if (ascii::iequals(authorization, "bearer")) return std::nullopt;  // the scheme without a token
  if (authorization.size() > 7 && ascii::iequals(authorization.substr(0, 7), "bearer ")) {
    authorization.remove_prefix(7);
    while (!authorization.empty() && authorization.front() == ' ') authorization.remove_prefix(1);
  }
  if (authorization.empty() || authorization.find(' ') != std::string_view::npos) return std::nullopt;
  return std::string(authorization);
}

Result<nlohmann::json> JwtVerifier::verify(std::string_view token_text, std::int64_t now) const {
  if (token_text.size() > kMaxTokenBytes) return fail(unauthorized("token too large"));
  const auto dot1 = token_text.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token_text.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token_text.find('.', dot2 + 1) != std::string_view::npos) {
    return fail(unauthorized("not a JWS compact token"));
  }
  const std::string_view head64 = token_text.substr(0, dot1);
  const std::string_view body64 = token_text.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view sig64 = token_text.substr(dot2 + 1);
  if (head64.empty() || body64.empty() || sig64.empty() || !base64url_chars(head64) || !base64url_chars(body64) ||
      !base64url_chars(sig64)) {
    return fail(unauthorized("malformed token"));
  }
  auto header_text = base64url_decode(head64);
  if (!header_text) return fail(unauthorized("malformed token header"));
  const nlohmann::json header = nlohmann::json::parse(*header_text, nullptr, false);
  if (!header.is_object() || !header.contains("alg") || !header["alg"].is_string()) {
    return fail(unauthorized("token header has no alg"));
  }
  const std::string alg = header["alg"].get<std::string>();
  const std::string kid = string_claim(header, "kid");
  const std::string token(token_text);

  std::optional<nlohmann::json> claims;
  if (alg == "RS256") {
    bool any_key = false;
    for (const auto& key : config_.rsa_keys) {
      if (!kid.empty() && !key.kid.empty() && key.kid != kid) continue;
      any_key = true;
      claims = decode_with(token, key.pem, JWT_ALG_RS256);
      if (claims) break;
    }
    if (!any_key) return fail(unauthorized("no RS256 key for this token's kid"));
  } else if (alg == "HS256") {
    if (!config_.hs256_secret) return fail(unauthorized("HS256 tokens are not accepted"));
    claims = decode_with(token, *config_.hs256_secret, JWT_ALG_HS256);
  } else {
    return fail(unauthorized("unsupported alg " + alg.substr(0, 16)));
  }
  if (!claims) return fail(unauthorized("invalid signature"));

  const auto exp = epoch_claim(*claims, "exp");
  if (!exp) return fail(unauthorized("token has no exp"));
  if (now >= *exp + config_.leeway_seconds) return fail(unauthorized("token expired"));
  if (const auto nbf = epoch_claim(*claims, "nbf"); nbf && now + config_.leeway_seconds < *nbf) {
    return fail(unauthorized("token not yet valid"));
  }
  if (!config_.issuer.empty() && string_claim(*claims, "iss") != config_.issuer) {
    return fail(unauthorized("unexpected issuer"));
  }
  if (!config_.audience.empty() && !audience_matches(*claims, config_.audience)) {
    return fail(unauthorized("unexpected audience"));
  }
  if (claims->contains("token_use")) {
    const std::string use = string_claim(*claims, "token_use");
    if (use != "id" && use != "access") return fail(unauthorized("token_use is neither id nor access"));
  }
  return std::move(*claims);
}

}  // namespace shoppulse::gateway
