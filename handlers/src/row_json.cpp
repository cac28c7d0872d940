#include "row_json.h"

#include "shoppulse/core/timestamp.h"
#include "shoppulse/db/binary.h"

namespace shoppulse::handlers::row_json {

void text(ArenaJsonWriter& writer, std::string_view name, const db::QueryResult& rows, std::size_t row,
          std::size_t column) {
  writer.key(name);
  if (const auto value = rows.value(row, column)) {
    writer.value(*value);
  } else {
    writer.null();
  }
}

void uuid(ArenaJsonWriter& writer, std::string_view name, const db::QueryResult& rows, std::size_t row,
          std::size_t column) {
  writer.key(name);
  char text[36];
  if (const auto value = rows.value(row, column); value && db::binary::uuid_text(*value, text)) {
    writer.value(std::string_view(text, sizeof text));
  } else {
    writer.null();
  }
}

void timestamp_ms(ArenaJsonWriter& writer, std::string_view name, const db::QueryResult& rows, std::size_t row,
                  std::size_t column) {
  writer.key(name);
  char text[kMaxTimestampLength];
  const auto value = rows.value(row, column);
  const auto micros = value ? db::binary::unix_micros(*value) : std::nullopt;
  const std::string_view formatted = micros ? format_utc_timestamp(*micros, 3, text) : std::string_view();
  if (formatted.empty()) {
    writer.null();
  } else {
    writer.value(formatted);
  }
}

void raw_json(ArenaJsonWriter& writer, std::string_view name, const db::QueryResult& rows, std::size_t row,
              std::size_t column) {
  writer.key(name);
  if (const auto value = rows.value(row, column)) {
    writer.raw(*value);
  } else {
    writer.null();
  }
}

}  // namespace shoppulse::handlers::row_json
