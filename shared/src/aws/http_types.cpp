#include "shoppulse/aws/http_types.h"

#include "shoppulse/core/ascii.h"

namespace shoppulse::aws {

std::optional<std::string_view> find_header(const HttpHeaders& headers, std::string_view name) {
  for (const auto& header : headers) {
    if (ascii::iequals(header.name, name)) return std::string_view(header.value);
  }
  return std::nullopt;
}

}  // namespace shoppulse::aws
