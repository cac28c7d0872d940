#include "shoppulse/handlers/pagination.h"

#include "shoppulse/core/json_writer.h"
#include "shoppulse/core/timestamp.h"
#include "shoppulse/db/binary.h"

namespace shoppulse::handlers {

void append_next_cursor(std::pmr::string& body, const db::QueryResult& rows, std::size_t page_size,
                        const KeysetColumns& keyset, const CursorCodec& cursors, std::string_view tenant_id,
                        std::string_view scope) {
  const std::size_t last = page_size - 1;
  char id[36];
  char created_at[kMaxTimestampLength];
  const auto micros = db::binary::unix_micros(rows.value(last, keyset.created_at).value_or(""));
  const std::string_view created_text = micros ? format_utc_timestamp(*micros, 6, created_at) : std::string_view();
  if (created_text.empty() || !db::binary::uuid_text(rows.value(last, keyset.id).value_or(""), id)) {
    body.append("null");  // a row without a position cannot be continued from
    return;
  }
  std::pmr::string cursor(body.get_allocator().resource());
  cursors.encode(tenant_id, scope, created_text, std::string_view(id, sizeof id), cursor);
  append_json_string(body, cursor);
}

}  // namespace shoppulse::handlers
