#pragma once
// Who is calling: tenant, subject and role, from the authorizer's claims and
// nowhere else (never the path, query or body).

#include <string>
#include <string_view>

#include "shoppulse/core/result.h"
#include "shoppulse/handlers/api_request.h"

namespace shoppulse::handlers {

enum class Role { kViewer, kAnalyst, kAdmin };

std::string_view role_name(Role role) noexcept;
bool parse_role(std::string_view text, Role& out) noexcept;

// Views into the request (or text it keeps): valid while the request is.
struct Caller {
  std::string_view tenant_id;  // canonical lower-case UUID
  std::string_view sub;        // Cognito subject
  Role role = Role::kViewer;

  [[nodiscard]] bool is_admin() const noexcept { return role == Role::kAdmin; }
};

// custom:tenant_id must be a UUID (else 401); sub must be present (else 401);
// custom:role absent -> viewer; present but unknown -> 401 (a token we do not
// understand grants nothing). A tenant id in upper case is kept by `request`
// in its canonical form.
Result<Caller> caller_from_claims(ApiRequest& request);

// 8-4-4-4-12 hex; accepts upper case. Canonicalises to lower case in `out`.
bool parse_uuid(std::string_view text, std::string& out);
// The same check without a copy: true for a canonical (lower-case) UUID.
bool is_canonical_uuid(std::string_view text) noexcept;

}  // namespace shoppulse::handlers
