#pragma once
// Opaque keyset-pagination cursors. A cursor names the last row of a page
// (created_at, id) and is bound to the tenant and the listing it came from,
// with an HMAC so a tampered or foreign cursor is refused (400) instead of
// silently paging somewhere else.

#include <string>
#include <string_view>

#include "shoppulse/core/result.h"

namespace shoppulse::handlers {

struct CursorPosition {
  std::string created_at;  // PostgreSQL timestamptz text with microseconds, UTC
  std::string id;          // uuid
};

class CursorCodec {
 public:
  explicit CursorCodec(std::string signing_key);

  [[nodiscard]] std::string encode(std::string_view tenant_id, std::string_view scope,
                                   const CursorPosition& position) const;
  // kInvalidInput "invalid_cursor" for anything not produced by encode() for
  // this tenant and scope.
  [[nodiscard]] Result<CursorPosition> decode(std::string_view cursor, std::string_view tenant_id,
                                              std::string_view scope) const;

 private:
  [[nodiscard]] std::string mac(std::string_view payload) const;
  std::string key_;
};

}  // namespace shoppulse::handlers
