#pragma once
// Keyset pagination shared by the list routes: the query asks for limit + 1
// rows ordered by (created_at DESC, id DESC) and returns columns cursor_ts and
// cursor_id, plus either `item` (JSON text rendered by the database) or the
// columns a RenderItem appends as JSON.

#include <functional>
#include <string>
#include <string_view>

#include "shoppulse/db/query.h"
#include "shoppulse/handlers/api_response.h"
#include "shoppulse/handlers/cursor.h"

namespace shoppulse::handlers {

// Appends one item of the page, as JSON, to `body`.
using RenderItem = std::function<void(std::string& body, const db::Row& row)>;

// {"items":[...],"nextCursor":"..."|null}. Without `render`, each item is the
// row's `item` column as is.
ApiResponse page_response(const db::QueryResult& rows, int limit, const CursorCodec& cursors,
                          std::string_view tenant_id, std::string_view scope, const RenderItem& render = nullptr);

}  // namespace shoppulse::handlers
