#include "shoppulse/handlers/pagination.h"

#include "shoppulse/core/json_writer.h"

namespace shoppulse::handlers {

ApiResponse page_response(const db::QueryResult& rows, int limit, const CursorCodec& cursors,
                          std::string_view tenant_id, std::string_view scope, const RenderItem& render) {
  const std::size_t page = std::min(rows.size(), static_cast<std::size_t>(limit));
  ApiResponse response;
  response.status = 200;
  response.headers.emplace_back("Content-Type", kJsonContentType);
  std::string& body = response.body;
  body.reserve(page * 256 + 64);
  body.append("{\"items\":[");
  for (std::size_t i = 0; i < page; ++i) {
    if (i > 0) body.push_back(',');
    if (render) {
      render(body, rows.row(i));
    } else {
      body.append(rows.row(i).text("item").value_or("null"));
    }
  }
  body.append("],\"nextCursor\":");
  if (rows.size() > static_cast<std::size_t>(limit) && page > 0) {
    const db::Row last = rows.row(page - 1);
    const CursorPosition position{std::string(last.text("cursor_ts").value_or("")),
                                  std::string(last.text("cursor_id").value_or(""))};
    append_json_string(body, cursors.encode(tenant_id, scope, position));
  } else {
    body.append("null");
  }
  body.push_back('}');
  return response;
}

}  // namespace shoppulse::handlers
