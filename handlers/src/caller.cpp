#include "shoppulse/handlers/caller.h"

#include "shoppulse/core/ascii.h"

namespace shoppulse::handlers {

std::string_view role_name(Role role) noexcept {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kAnalyst: return "analyst";
    case Role::kViewer: return "viewer";
  }
  return "viewer";
}

bool parse_role(std::string_view text, Role& out) noexcept {
  if (text == "admin") {
    out = Role::kAdmin;
  } else if (text == "analyst") {
    out = Role::kAnalyst;
  } else if (text == "viewer") {
    out = Role::kViewer;
  } else {
    return false;
  }
  return true;
}

bool parse_uuid(std::string_view text, std::string& out) {
  if (text.size() != 36) return false;
  std::string canonical(text);
  for (std::size_t i = 0; i < canonical.size(); ++i) {
    const char c = canonical[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
      continue;
    }
    if (ascii::hex_value(c) < 0) return false;
    canonical[i] = ascii::to_lower(c);
  }
  out = std::move(canonical);
  return true;
}

bool is_canonical_uuid(std::string_view text) noexcept {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

Result<Caller> caller_from_claims(ApiRequest& request) {
  const auto unauthorized = [](std::string message) {
    return fail(Error::make(ErrorKind::kUnauthorized, "unauthorized", std::move(message)));
  };
  Caller caller;
  const std::string_view* tenant = request.claim("custom:tenant_id");
  if (tenant == nullptr) return unauthorized("The token has no valid custom:tenant_id claim");
  if (is_canonical_uuid(*tenant)) {
    caller.tenant_id = *tenant;
  } else if (std::string canonical; parse_uuid(*tenant, canonical)) {
    caller.tenant_id = request.keep(canonical);
  } else {
    return unauthorized("The token has no valid custom:tenant_id claim");
  }
  const std::string_view* sub = request.claim("sub");
  if (sub == nullptr || sub->empty() || sub->size() > 128) return unauthorized("The token has no valid sub claim");
  caller.sub = *sub;
  if (const std::string_view* role = request.claim("custom:role"); role != nullptr && !role->empty()) {
    if (!parse_role(*role, caller.role)) return unauthorized("The token's custom:role claim is not a known role");
  }
  return caller;
}

}  // namespace shoppulse::handlers
