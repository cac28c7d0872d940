#include "shoppulse/gateway/docs_site.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "shoppulse/core/ascii.h"

namespace shoppulse::gateway {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kDocsPrefix = "/docs/";
// A dev token is about 1 KiB; anything far larger is not a token file.
constexpr std::size_t kMaxTokenBytes = std::size_t{16} * 1024;
// Longest asset path we look up (swagger-ui-dist's are < 64 characters).
constexpr std::size_t kMaxAssetPath = 1024;

Error usage_error(std::string message) {
  return Error::make(ErrorKind::kInvalidInput, "usage", std::move(message));
}

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(usage_error("cannot read " + path.string()));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// base64url segments joined by dots: safe to embed in HTML and JavaScript as is.
bool token_shaped(std::string_view token) {
  return !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
  });
}

HttpResponse not_found() {
  HttpResponse response;
  response.status = 404;
  response.body = R"({"message":"Not Found"})";
  response.add_header("Content-Type", "application/json");
  return response;
}

}  // namespace

Result<std::unique_ptr<DocsSite>> DocsSite::load(const DocsSiteOptions& options) {
  std::unique_ptr<DocsSite> site(new DocsSite());
  if (!options.docs_dir.empty() && options.openapi_file.empty()) {
    return fail(usage_error("--docs-dir needs --openapi (the page shows that document)"));
  }
  if (!options.docs_token_file.empty() && options.docs_dir.empty()) {
    return fail(usage_error("--docs-token-file needs --docs-dir"));
  }
  if (!options.openapi_file.empty()) {
    auto text = read_file(options.openapi_file);
    if (!text) return fail(std::move(text).error());
    if (!nlohmann::json::accept(*text)) {
      return fail(usage_error(options.openapi_file + " is not JSON (convert the YAML contract first)"));
    }
    site->openapi_json_ = std::move(*text);
    site->has_openapi_ = true;
  }
  if (!options.docs_dir.empty()) {
    std::error_code ec;
    site->docs_root_ = fs::canonical(options.docs_dir, ec);
    if (ec || !fs::is_regular_file(site->docs_root_ / "swagger-ui-bundle.js", ec)) {
      return fail(usage_error("--docs-dir " + options.docs_dir +
                              " is not a swagger-ui-dist folder (scripts/install-npm-tools.sh installs it)"));
    }
  }
  if (!options.docs_token_file.empty()) {
    auto token = read_file(options.docs_token_file);
    if (!token) return fail(std::move(token).error());
    std::string_view trimmed = *token;
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back())) != 0) trimmed.remove_suffix(1);
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front())) != 0) trimmed.remove_prefix(1);
    // The message never quotes the file: it holds a credential.
    if (trimmed.size() > kMaxTokenBytes || !token_shaped(trimmed)) {
      return fail(usage_error(options.docs_token_file + " does not hold one token"));
    }
    site->token_ = std::string(trimmed);
  }
  return site;
}

std::optional<DocsAnswer> DocsSite::serve(std::string_view method, std::string_view path, std::string_view host) const {
  if (method != "GET" && method != "HEAD") return std::nullopt;
  if (has_openapi_ && path == "/openapi.json") {
    DocsAnswer answer{{}, true, "openapi"};
    answer.response.body = openapi_json_;
    answer.response.add_header("Content-Type", "application/json");
    answer.response.add_header("Cache-Control", "no-cache");
    return answer;
  }
  if (docs_root_.empty()) return std::nullopt;
  if (path == "/docs" || path == "/docs/" || path == "/docs/index.html") {
    DocsAnswer answer{{}, false, "docs"};
    answer.response.body = docs_page_html(loopback_host(host) ? std::string_view(token_) : std::string_view());
    answer.response.add_header("Content-Type", "text/html; charset=utf-8");
    // It may hold a token: not kept by caches, not framed by other sites.
    answer.response.add_header("Cache-Control", "no-store");
    answer.response.add_header("X-Frame-Options", "DENY");
    answer.response.add_header("X-Content-Type-Options", "nosniff");
    answer.response.add_header("Referrer-Policy", "no-referrer");
    return answer;
  }
  if (path.substr(0, kDocsPrefix.size()) != kDocsPrefix) return std::nullopt;
  const auto file = resolve_docs_asset(docs_root_, path.substr(kDocsPrefix.size()));
  if (!file) return DocsAnswer{not_found(), false, "docs-missing"};
  auto body = read_file(*file);
  if (!body) return DocsAnswer{not_found(), false, "docs-missing"};
  DocsAnswer answer{{}, false, "docs-asset"};
  answer.response.body = std::move(*body);
  answer.response.add_header("Content-Type", std::string(docs_content_type(*file)));
  answer.response.add_header("Cache-Control", "no-cache");
  answer.response.add_header("X-Content-Type-Options", "nosniff");
  return answer;
}

std::optional<fs::path> resolve_docs_asset(const fs::path& root, std::string_view relative) {
  if (relative.empty() || relative.size() > kMaxAssetPath) return std::nullopt;
  if (relative.find('\\') != std::string_view::npos || relative.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  fs::path joined = root;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = relative.find('/', start);
    const std::string_view segment =
        relative.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    // Empty ("//", a leading or trailing '/'), ".", ".." and hidden files.
    if (segment.empty() || segment.front() == '.') return std::nullopt;
    joined /= std::string(segment);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::error_code ec;
  const fs::path file = fs::canonical(joined, ec);
  if (ec) return std::nullopt;
  // A symlink inside the folder must not lead out of it.
  const auto [root_end, file_it] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  if (root_end != root.end()) return std::nullopt;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  return file;
}

std::string_view docs_content_type(const fs::path& file) {
  const std::string ext = ascii::lower(file.extension().string());
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".png") return "image/png";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".txt" || ext == ".md" || ext.empty()) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool loopback_host(std::string_view host) {
  std::string_view name = host;
  if (!name.empty() && name.front() == '[') {
    const auto close = name.find(']');
    if (close == std::string_view::npos) return false;
    name = name.substr(0, close + 1);
  } else if (const auto colon = name.rfind(':'); colon != std::string_view::npos) {
    name = name.substr(0, colon);
  }
  return name == "127.0.0.1" || ascii::iequals(name, "localhost") || name == "[::1]";
}

std::string docs_page_html(std::string_view token) {
  // Swagger UI from swagger-ui-dist (same origin, so the page works offline).
  // The servers of the document are the deployed ones; "Try it out" must
  // reach this gateway, so the page replaces them with its own origin.
  // onComplete runs once the spec is rendered: preauthorizeApiKey then fills
  // the CognitoUserPool scheme (the gateway accepts the bare token).
  // validatorUrl null: no badge fetched from the public validator.
  std::string html = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ShopPulse API (local docs)</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>
(function () {
  "use strict";
  var token = )html";
  html += token.empty() ? std::string("null") : "\"" + std::string(token) + "\"";
  html += ";\n  var scheme = \"" + std::string(kDocsSecurityScheme) + "\";\n";
  html += R"html(  var root = document.getElementById("swagger-ui");
  fetch("/openapi.json", { cache: "no-store" })
    .then(function (res) {
      if (!res.ok) throw new Error("GET /openapi.json answered HTTP " + res.status);
      return res.json();
    })
    .then(function (spec) {
      spec.servers = [{ url: window.location.origin, description: "this local gateway (./run.sh)" }];
      var ui = SwaggerUIBundle({
        spec: spec,
        dom_id: "#swagger-ui",
        deepLinking: true,
        displayOperationId: true,
        presets: [SwaggerUIBundle.presets.apis],
        layout: "BaseLayout",
        validatorUrl: null,
        onComplete: function () {
          if (token) ui.preauthorizeApiKey(scheme, token);
        }
      });
      window.ui = ui;
    })
    .catch(function (err) {
      root.textContent = "Cannot show the API: " + err.message;
    });
})();
</script>
</body>
</html>
)html";
  return html;
}

}  // namespace shoppulse::gateway
