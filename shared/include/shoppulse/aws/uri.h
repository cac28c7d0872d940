#pragma once
// RFC 3986 percent-encoding as AWS uses it: only the unreserved characters
// A-Z a-z 0-9 - _ . ~ stay literal, everything else becomes %XX (upper case).

#include <string>
#include <string_view>

namespace shoppulse::aws {

// Encodes every byte except unreserved characters (and '/' when keep_slash).
std::string uri_encode(std::string_view text, bool keep_slash = false);

}  // namespace shoppulse::aws
