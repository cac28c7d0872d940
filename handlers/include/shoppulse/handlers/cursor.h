#pragma once
// Opaque keyset-pagination cursors. A cursor names the last row of a page
// (created_at, id) and is bound to the tenant and the listing it came from,
// with an HMAC so a tampered or foreign cursor is refused (400) instead of
// silently paging somewhere else.

#include <array>
#include <memory_resource>
#include <string>
#include <string_view>

#include "shoppulse/crypto/crypto.h"
#include "shoppulse/core/result.h"

namespace shoppulse::handlers {

struct CursorPosition {
  std::string created_at;  // PostgreSQL timestamptz text with microseconds, UTC
  std::string id;          // uuid
};

class CursorCodec {
 public:
  explicit CursorCodec(std::string_view signing_key);

  [[nodiscard]] std::string encode(std::string_view tenant_id, std::string_view scope,
                                   const CursorPosition& position) const;
  // The same, appended to `out` (an invocation arena's string).
  void encode(std::string_view tenant_id, std::string_view scope, std::string_view created_at, std::string_view id,
              std::pmr::string& out) const;
  // kInvalidInput "invalid_cursor" for anything not produced by encode() for
  // this tenant and scope.
  [[nodiscard]] Result<CursorPosition> decode(std::string_view cursor, std::string_view tenant_id,
                                              std::string_view scope) const;

 private:
  static constexpr std::size_t kMacBytes = 16;
  [[nodiscard]] std::array<char, kMacBytes> mac(std::string_view payload) const noexcept;
  crypto::HmacSha256Key key_;
};

}  // namespace shoppulse::handlers
