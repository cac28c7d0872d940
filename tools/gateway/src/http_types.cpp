#include "shoppulse/gateway/http_types.h"

#include "shoppulse/core/ascii.h"

namespace shoppulse::gateway {
namespace {

const std::string* find_header(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (equals_ignore_case(key, name)) return &value;
  }
  return nullptr;
}

}  // namespace

bool equals_ignore_case(std::string_view a, std::string_view b) noexcept {
  return ascii::iequals(a, b);
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  ascii::to_lower(out);
  return out;
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  ascii::append_percent_decoded(out, text, plus_is_space);
  return out;
}

std::string HttpRequest::raw_path() const {
  const auto q = target.find('?');
  return q == std::string::npos ? target : target.substr(0, q);
}

std::string HttpRequest::raw_query() const {
  const auto q = target.find('?');
  return q == std::string::npos ? std::string() : target.substr(q + 1);
}

const std::string* HttpRequest::header(std::string_view name) const {
  return find_header(headers, name);
}
const std::string* HttpResponse::header(std::string_view name) const {
  return find_header(headers, name);
}

}  // namespace shoppulse::gateway
