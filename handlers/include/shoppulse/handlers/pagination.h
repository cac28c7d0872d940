#pragma once
// Keyset pagination shared by the list routes: the query asks for limit + 1
// rows ordered by (created_at DESC, id DESC); the extra row only says there
// is a next page, whose cursor is the last shown row's position.

#include <string>
#include <string_view>

#include "shoppulse/db/query.h"
#include "shoppulse/handlers/api_response.h"
#include "shoppulse/handlers/cursor.h"

namespace shoppulse::handlers {

// Where a row's keyset position is: its created_at and id columns, binary.
struct KeysetColumns {
  std::size_t created_at = 0;
  std::size_t id = 0;
};

// Appends the page's cursor, or null, to `body`.
void append_next_cursor(std::pmr::string& body, const db::QueryResult& rows, std::size_t page_size,
                        const KeysetColumns& keyset, const CursorCodec& cursors, std::string_view tenant_id,
                        std::string_view scope);

// {"items":[...],"nextCursor":"..."|null}. render(body, row) appends one
// item as JSON.
template <typename Render>
ApiResponse page_response(const db::QueryResult& rows, int limit, const KeysetColumns& keyset,
                          const CursorCodec& cursors, std::string_view tenant_id, std::string_view scope,
                          std::pmr::memory_resource* memory, Render&& render) {
  const std::size_t page = std::min(rows.size(), static_cast<std::size_t>(limit));
  ApiResponse response = json_response(200, memory);
  std::pmr::string& body = response.body;
  body.reserve(page * 256 + 128);
  body.append("{\"items\":[");
  for (std::size_t i = 0; i < page; ++i) {
    if (i > 0) body.push_back(',');
    render(body, i);
  }
  body.append("],\"nextCursor\":");
  if (rows.size() > page && page > 0) {
    append_next_cursor(body, rows, page, keyset, cursors, tenant_id, scope);
  } else {
    body.append("null");
  }
  body.push_back('}');
  return response;
}

}  // namespace shoppulse::handlers
