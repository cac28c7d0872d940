#include "shoppulse/gateway/dev_tokens.h"

#include "crypto_handles.h"
#include "shoppulse/emulator/ids.h"

namespace shoppulse::gateway {
namespace {

Error token_error(std::string message) {
  return Error::make(ErrorKind::kInvalidInput, "token_error", std::move(message));
}

Status add_claim(jwt_t* jwt, const std::string& name, const nlohmann::json& value) {
  int rc = 0;
  if (value.is_string()) {
    rc = jwt_add_grant(jwt, name.c_str(), value.get_ref<const std::string&>().c_str());
  } else if (value.is_number_integer()) {
    rc = jwt_add_grant_int(jwt, name.c_str(), value.get<long>());
  } else if (value.is_boolean()) {
    rc = jwt_add_grant_bool(jwt, name.c_str(), value.get<bool>() ? 1 : 0);
  } else {
    const std::string document = nlohmann::json{{name, value}}.dump();
    rc = jwt_add_grants_json(jwt, document.c_str());
  }
  if (rc != 0) return fail(token_error("cannot add claim " + name));
  return {};
}

}  // namespace

Result<std::string> issue_token(const TokenSpec& spec) {
  jwt_alg_t alg = JWT_ALG_NONE;
  if (spec.alg == "RS256") {
    alg = JWT_ALG_RS256;
  } else if (spec.alg == "HS256") {
    alg = JWT_ALG_HS256;
  } else {
    return fail(token_error("alg must be RS256 or HS256"));
  }
  if (spec.key.empty()) return fail(token_error("no signing key"));
  if (!spec.claims.is_object()) return fail(token_error("claims must be an object"));

  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return fail(token_error("jwt_new failed"));
  detail::JwtPtr jwt(raw);
  if (!spec.kid.empty() && jwt_add_header(jwt.get(), "kid", spec.kid.c_str()) != 0) {
    return fail(token_error("cannot set kid"));
  }
  for (const auto& [name, value] : spec.claims.items()) {
    if (name == "iat" || name == "exp") continue;
    if (Status added = add_claim(jwt.get(), name, value); !added) return fail(std::move(added).error());
  }
  if (jwt_add_grant_int(jwt.get(), "iat", static_cast<long>(spec.issued_at)) != 0 ||
      jwt_add_grant_int(jwt.get(), "exp", static_cast<long>(spec.issued_at + spec.ttl_seconds)) != 0) {
    return fail(token_error("cannot set iat/exp"));
  }
  if (jwt_set_alg(jwt.get(), alg, reinterpret_cast<const unsigned char*>(spec.key.data()),
                  static_cast<int>(spec.key.size())) != 0) {
    return fail(token_error("cannot use the key for " + spec.alg));
  }
  detail::MallocString encoded(jwt_encode_str(jwt.get()));
  if (!encoded) return fail(token_error("signing failed (is the key a " + spec.alg + " key?)"));
  return std::string(encoded.get());
}

nlohmann::json cognito_id_claims(const std::string& sub, const std::string& tenant_id, const std::string& role,
                                 const std::string& email, const std::string& issuer, const std::string& audience) {
  return {{"sub", sub},
          {"cognito:username", sub},
          {"custom:tenant_id", tenant_id},
          {"custom:role", role},
          {"email", email},
          {"email_verified", true},
          {"token_use", "id"},
          {"iss", issuer},
          {"aud", audience},
          {"jti", emulator::make_request_id()}};
}

}  // namespace shoppulse::gateway
