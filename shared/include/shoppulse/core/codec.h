#pragma once
// Byte codecs used on the request/response path: base64 (API Gateway bodies)
// and gzip (Content-Encoding). All decoders are hostile-input safe: they
// return an error, never throw or read out of bounds.

#include <cstddef>
#include <string>
#include <string_view>

#include "shoppulse/core/result.h"

namespace shoppulse {

std::string base64_encode(std::string_view bytes);
// Standard alphabet; padding optional; whitespace is rejected.
Result<std::string> base64_decode(std::string_view text);
// URL-safe alphabet without padding (opaque cursors).
std::string base64url_encode(std::string_view bytes);
Result<std::string> base64url_decode(std::string_view text);

std::string gzip_compress(std::string_view bytes, int level = 6);
// Fails when the input is not gzip or would inflate beyond max_output bytes
// (a zip bomb must not exhaust the sandbox's memory).
Result<std::string> gzip_decompress(std::string_view bytes, std::size_t max_output);

}  // namespace shoppulse
