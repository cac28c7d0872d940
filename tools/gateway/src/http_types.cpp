#include "shoppulse/gateway/http_types.h"

#include "shoppulse/core/ascii.h"

namespace shoppulse::gateway {
namespace {

const std::string* find_header(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (ascii::iequals(key, name)) return &value;
  }
  return nullptr;
}

}  // namespace

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
