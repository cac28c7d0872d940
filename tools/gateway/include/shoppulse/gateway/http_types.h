#pragma once
// Transport-neutral HTTP request/response as the local gateway sees them, so
// event building and response mapping are testable without sockets.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shoppulse::gateway {

using HeaderList = std::vector<std::pair<std::string, std::string>>;  // arrival order, names as sent

struct HttpRequest {
  std::string method;  // upper-case
  std::string target;  // request target as sent: raw path, '?', raw query
  HeaderList headers;
  std::string body;  // already de-chunked and de-compressed by the HTTP server
  std::string source_ip;
  std::string host;  // Host header or "127.0.0.1:<port>"
  int server_port = 0;

  [[nodiscard]] std::string raw_path() const;   // target up to '?'
  [[nodiscard]] std::string raw_query() const;  // after '?', "" if none
  // First value of a header, case-insensitive; nullptr when absent.
  [[nodiscard]] const std::string* header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;  // may repeat a name (Set-Cookie, multi-value headers)
  std::string body;    // bytes as sent on the wire (still gzip when Content-Encoding says so)

  [[nodiscard]] const std::string* header(std::string_view name) const;
  void add_header(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

}  // namespace shoppulse::gateway
