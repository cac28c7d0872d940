#pragma once
// Request validation that reports every failing field at once, so a client
// fixes its request in one round.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "shoppulse/core/json_reader.h"
#include "shoppulse/core/result.h"
#include "shoppulse/handlers/api_request.h"
#include "shoppulse/handlers/request_context.h"

namespace shoppulse::handlers {

class FieldErrors {
 public:
  void add(std::string field, std::string problem);
  [[nodiscard]] bool empty() const noexcept { return errors_.empty(); }
  // {"field": ..., "problem": ...} per failure, for error.details.
  [[nodiscard]] nlohmann::json details() const;

 private:
  std::vector<std::pair<std::string, std::string>> errors_;
};

// POST/PATCH bodies: Content-Type must be JSON (415), the body must parse
// into `document` and be an object in which no object repeats a member name
// (else 400 malformed_json). The Value views `document` and request.body.
Result<json::Value, ApiError> parse_json_object_body(const ApiRequest& request, json::Document& document);

bool is_valid_email(std::string_view email);
// Counts code points; false for invalid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view text);
// Strings with NUL or other C0 control characters are refused in names.
bool has_control_characters(std::string_view text);

// limit: absent -> fallback; must be an integer in [min, max], else error.
Result<int> parse_limit(const ApiRequest& request, int fallback, int min, int max);

// ISO-8601 / RFC 3339 timestamp with explicit offset or Z, e.g.
// 2026-11-23T10:15:30Z, 2026-11-23T10:15:30.123+02:00, or a date 2026-11-23
// (midnight UTC). Returns the text PostgreSQL will parse unambiguously.
std::optional<std::string> parse_iso8601(std::string_view text);

// Escapes LIKE metacharacters so a user's prefix matches literally.
std::string escape_like(std::string_view text);

}  // namespace shoppulse::handlers
