#pragma once
// Golden files for recorded-event replay: how an invocation result is
// normalised into a comparable document, how volatile fields are masked, and
// how a golden is compared and (re)written. Format: tests/replay/README.md.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace shoppulse::replay {

enum class EventFormat { kApiGatewayV1, kApiGatewayV2, kDirect };

EventFormat classify_event(std::string_view payload);
std::string_view format_name(EventFormat format) noexcept;

// What one invocation produced, stripped of emulator types.
struct Observed {
  bool is_error = false;   // anything but a response: function/init error, crash, timeout
  std::string body;        // response body, or the error document
  std::string error_type;  // Lambda-Runtime-Function-Error-Type (or the emulator's)
};

inline constexpr std::string_view kMaskedValue = "<masked>";

// Response headers compared by default (lower-case; a trailing '*' is a
// prefix match). Everything else (Date, request ids, X-Amzn-*) is volatile
// or irrelevant. A golden adds names with "$headers".
const std::vector<std::string>& default_compared_headers();

// {"format", "expect": "response"|"error", "response": {...}} or
// {"format", "expect": "error", "errorType", "errorMessage"}.
nlohmann::json normalise(EventFormat format, const Observed& observed, const std::vector<std::string>& extra_headers);

// Replaces the value at each path with "<masked>" where it exists. Paths are
// dot-separated, relative to "response" (or the document when it has none);
// "*" matches every key or array element; digits index arrays.
void apply_masks(nlohmann::json& document, const std::vector<std::string>& paths);

// Paths of body strings that look generated (UUIDs, RFC 3339 timestamps) and
// do not occur in the event: candidates for "$masked" when recording.
std::vector<std::string> generated_value_paths(const nlohmann::json& document, std::string_view event_text);

struct Verdict {
  bool passed = false;
  std::string report;  // diff of expected vs actual when failed
};

Verdict compare(const nlohmann::json& golden, const nlohmann::json& actual);

// The golden to write for `actual`, keeping the old golden's "$" settings
// and its choice of comparing errorMessage, adding `new_masks`.
nlohmann::json make_golden(const nlohmann::json* old_golden, const nlohmann::json& actual,
                           const std::vector<std::string>& new_masks);

std::vector<std::string> string_list(const nlohmann::json& golden, const char* key);

}  // namespace shoppulse::replay
