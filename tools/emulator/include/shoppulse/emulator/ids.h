#pragma once
// Identifiers in the exact shapes Lambda produces, so the runtime's parsing
// and logging is exercised with realistic values.

#include <cstdint>
#include <string>
#include <string_view>

namespace shoppulse::emulator {

// RFC 4122 version 4, lower-case: 8-4-4-4-12 hex digits.
std::string make_request_id();
// The 8-4-4-4-12 hex digit form, any case (how Lambda checks an extension identifier).
bool is_uuid_text(std::string_view text) noexcept;

// X-Ray header as Lambda passes it in Lambda-Runtime-Trace-Id:
// Root=1-<8 hex epoch seconds>-<24 hex>;Parent=<16 hex>;Sampled=1
std::string make_trace_id(std::int64_t epoch_seconds);

}  // namespace shoppulse::emulator
