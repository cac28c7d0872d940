#pragma once
// The contract and its docs page, served by the local gateway itself (the
// deployed API Gateway serves neither): GET /openapi.json (--openapi), and
// GET /docs, a Swagger UI page, plus its static files under /docs/...
// (--docs-dir, the swagger-ui-dist folder). None needs a token. With
// --docs-token-file the page pre-authorises "Try it out" with that token.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "shoppulse/core/result.h"
#include "shoppulse/gateway/http_types.h"

namespace shoppulse::gateway {

struct DocsSiteOptions {
  std::string openapi_file;     // the contract as JSON; "" = no /openapi.json
  std::string docs_dir;         // swagger-ui-dist; "" = no /docs
  std::string docs_token_file;  // a token the page pre-authorises; "" = none
};

// The security scheme the page pre-authorises (components.securitySchemes in
// openapi/openapi.yaml).
inline constexpr std::string_view kDocsSecurityScheme = "CognitoUserPool";

struct DocsAnswer {
  HttpResponse response;
  // CORS headers as on the gateway's own answers. Never for the page: it may
  // carry a token, which no other origin may read.
  bool cors = false;
  std::string what;  // for the access log: "openapi", "docs", "docs-asset", "docs-missing"
};

class DocsSite {
 public:
  // Reads and checks the files once: the contract must be JSON, the folder
  // must hold swagger-ui-bundle.js, the token must be one JWT-shaped line.
  static Result<std::unique_ptr<DocsSite>> load(const DocsSiteOptions& options);

  // nullopt: not one of our paths (or not GET/HEAD); the request goes on to
  // the API as before. `path` is percent-decoded; `host` is the Host header.
  [[nodiscard]] std::optional<DocsAnswer> serve(std::string_view method, std::string_view path,
                                                std::string_view host) const;

 private:
  DocsSite() = default;
  std::string openapi_json_;
  bool has_openapi_ = false;
  std::filesystem::path docs_root_;  // canonical; empty = no /docs
  std::string token_;
};

// The file under `root` (canonical) that the decoded `relative` path (after
// "/docs/") names, or nullopt: empty, absolute, a "." / ".." / empty / hidden
// segment, a backslash or NUL, not a regular file, or a symlink that leads
// out of `root`.
std::optional<std::filesystem::path> resolve_docs_asset(const std::filesystem::path& root, std::string_view relative);

// Content-Type by file extension (the types swagger-ui-dist ships).
std::string_view docs_content_type(const std::filesystem::path& file);

// The Swagger UI page: loads /openapi.json, points "Try it out" at the page's
// own origin and, when `token` is not empty, pre-authorises it.
std::string docs_page_html(std::string_view token);

// True when the Host header names this machine's loopback (127.0.0.1,
// localhost, [::1]), with or without a port: the page embeds the token only
// then, so a DNS-rebound name cannot fetch it.
bool loopback_host(std::string_view host);

}  // namespace shoppulse::gateway
