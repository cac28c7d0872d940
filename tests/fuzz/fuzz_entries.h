#pragma once
// The fuzzed entry points, shared by the libFuzzer targets (clang, --long)
// and by the corpus replay test (gcc, every ./test.sh), so a committed
// reproducer keeps failing the quick suite until the bug is fixed.

#include <cstddef>
#include <cstdint>

namespace shoppulse::fuzz {

// One invocation payload through the whole application: classification,
// event parsing (base64, gzip), routing, claims, validation, serialisation.
// No database: DB routes stop at 503 after validating their input.
int event_pipeline(const std::uint8_t* data, std::size_t size);

// The decoders that see hostile bytes: base64, gzip, JSON (parse + the hot
// path writer), cursors, timestamps, emails, UUIDs.
int codecs(const std::uint8_t* data, std::size_t size);

// The hot-path JSON reader against nlohmann::json: the same verdict on every
// input, and the same values when both accept it.
int json_reader(const std::uint8_t* data, std::size_t size);

// Runtime API responses off the wire: the head parser and the chunked
// decoder, with the bytes arriving in every possible split.
int http_response(const std::uint8_t* data, std::size_t size);

}  // namespace shoppulse::fuzz
