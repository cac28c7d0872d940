#pragma once
// Keyset pagination shared by the list routes: the query asks for limit + 1
// rows ordered by (created_at DESC, id DESC) and returns columns
// item (JSON text), cursor_ts and cursor_id.

#include <string>
#include <string_view>

#include "shoppulse/db/query.h"
#include "shoppulse/handlers/api_response.h"
#include "shoppulse/handlers/cursor.h"

namespace shoppulse::handlers {

// {"items":[...],"nextCursor":"..."|null}
ApiResponse page_response(const db::QueryResult& rows, int limit, const CursorCodec& cursors,
                          std::string_view tenant_id, std::string_view scope);

}  // namespace shoppulse::handlers
