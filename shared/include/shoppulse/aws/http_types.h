#pragma once
// Header lists keep order and duplicates: SigV4 joins repeated headers in the
// order they were given, so a map would change the signature.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shoppulse::aws {

struct HttpHeader {
  std::string name;
  std::string value;
};
using HttpHeaders = std::vector<HttpHeader>;

// First value of `name` (case-insensitive), if any.
std::optional<std::string_view> find_header(const HttpHeaders& headers, std::string_view name);

}  // namespace shoppulse::aws
