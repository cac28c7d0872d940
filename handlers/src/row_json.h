#pragma once
// Writing database values (a binary-format result) as JSON fields: the API
// renders rows itself rather than asking PostgreSQL for JSON or to_char().
// Private to shoppulse_handlers.

#include <string_view>

#include "shoppulse/core/json_writer.h"
#include "shoppulse/db/query.h"

namespace shoppulse::handlers::row_json {

// Each writes "name": value, or "name": null for NULL (or a value that does
// not decode as its type).
void text(ArenaJsonWriter& writer, std::string_view name, const db::QueryResult& rows, std::size_t row,
          std::size_t column);
void uuid(ArenaJsonWriter& writer, std::string_view name, const db::QueryResult& rows, std::size_t row,
          std::size_t column);
// timestamptz with milliseconds: 2026-11-23T10:15:30.123Z.
void timestamp_ms(ArenaJsonWriter& writer, std::string_view name, const db::QueryResult& rows, std::size_t row,
                  std::size_t column);
// A column holding JSON text, inserted as is.
void raw_json(ArenaJsonWriter& writer, std::string_view name, const db::QueryResult& rows, std::size_t row,
              std::size_t column);

}  // namespace shoppulse::handlers::row_json
