#include "shoppulse/gateway/gateway_options.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace shoppulse::gateway {
namespace {

Error usage_error(std::string message) {
  return Error::make(ErrorKind::kInvalidInput, "usage", std::move(message));
}

Result<int> parse_int(const std::string& flag, const std::string& text, int min, int max) {
  int value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < min || value > max) {
    return fail(usage_error(flag + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max)));
  }
  return value;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(usage_error("cannot read " + path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

const char* gateway_usage() {
  return R"(usage: local_gateway --bootstrap PATH [options]
Serves the API on HTTP like API Gateway: requests become proxy events for the
real bootstrap, run under N local Lambda sandboxes (Runtime API emulators).

  --host H                      listen address (default 127.0.0.1)
  --port N                      listen port (default 3000; 0 = any free port)
  --format rest|http            REST API payload 1.0 (default) or HTTP API 2.0
  --http-api                    same as --format http
  --concurrency N               sandboxes = bootstrap processes (default 2)
  --function-timeout-ms N       Lambda function timeout (default 15000)
  --integration-timeout-ms N    API Gateway integration timeout -> 504 (default 29000)
  --stage NAME                  REST stage name in events (default local)
  --jwt-key FILE                RSA key (PEM, public or private) for RS256 tokens; repeatable
  --jwt-hs256-secret-file FILE  shared secret for HS256 dev tokens
  --jwks FILE                   JWKS document (e.g. a Cognito pool's jwks.json)
  --issuer ISS                  required "iss" claim
  --audience AUD                required "aud" (ID token) or "client_id" (access token)
  --env K=V                     add to the function's environment; repeatable
  --pass-env NAME               copy NAME from our environment to the function's; repeatable
  --record DIR                  write every invocation as a replay case (event + golden)
  --openapi FILE                serve FILE (the contract as JSON) at GET /openapi.json, no token
  --docs-dir DIR                serve a Swagger UI page at GET /docs and DIR (swagger-ui-dist)
                                under /docs/..., no token; needs --openapi
  --docs-token-file FILE        the page pre-authorises "Try it out" with the token in FILE
  --die-with-parent             shut down when our parent process dies (test harnesses)
)";
}

Result<GatewayOptions> parse_gateway_args(const std::vector<std::string>& args, const GetEnv& getenv) {
  GatewayOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--http-api") {
      options.format = PayloadFormat::kHttpApi;
      continue;
    }
    if (flag == "--die-with-parent") {
      options.die_with_parent = true;
      continue;
    }
    if (i + 1 >= args.size()) return fail(usage_error("unknown flag or missing value: " + flag));
    const std::string& value = args[++i];
    if (flag == "--bootstrap") {
      options.pool.bootstrap_path = value;
    } else if (flag == "--host") {
      options.host = value;
    } else if (flag == "--port") {
      auto port = parse_int(flag, value, 0, 65535);
      if (!port) return fail(std::move(port).error());
      options.port = *port;
    } else if (flag == "--format") {
      if (value == "rest" || value == "1.0") {
        options.format = PayloadFormat::kRest;
      } else if (value == "http" || value == "2.0") {
        options.format = PayloadFormat::kHttpApi;
      } else {
        return fail(usage_error("--format must be rest or http"));
      }
    } else if (flag == "--concurrency") {
      auto n = parse_int(flag, value, 1, 64);
      if (!n) return fail(std::move(n).error());
      options.pool.size = *n;
    } else if (flag == "--function-timeout-ms") {
      auto n = parse_int(flag, value, 100, 900000);
      if (!n) return fail(std::move(n).error());
      options.pool.function_timeout_ms = *n;
    } else if (flag == "--integration-timeout-ms") {
      auto n = parse_int(flag, value, 50, 900000);
      if (!n) return fail(std::move(n).error());
      options.integration_timeout_ms = *n;
    } else if (flag == "--stage") {
      if (value.empty() || value.find('/') != std::string::npos) return fail(usage_error("--stage must be a name"));
      options.events.stage = value;
    } else if (flag == "--jwt-key") {
      options.jwt_key_files.push_back(value);
    } else if (flag == "--jwt-hs256-secret-file") {
      options.hs256_secret_file = value;
    } else if (flag == "--jwks") {
      options.jwks_file = value;
    } else if (flag == "--issuer") {
      options.issuer = value;
    } else if (flag == "--audience") {
      options.audience = value;
    } else if (flag == "--env") {
      const auto eq = value.find('=');
      if (eq == std::string::npos || eq == 0) return fail(usage_error("--env wants K=V"));
      options.pool.env[value.substr(0, eq)] = value.substr(eq + 1);
    } else if (flag == "--pass-env") {
      if (const char* v = getenv(value.c_str()); v != nullptr) options.pool.env[value] = v;
    } else if (flag == "--record") {
      options.record_dir = value;
    } else if (flag == "--openapi") {
      options.docs.openapi_file = value;
    } else if (flag == "--docs-dir") {
      options.docs.docs_dir = value;
    } else if (flag == "--docs-token-file") {
      options.docs.docs_token_file = value;
    } else {
      return fail(usage_error("unknown flag: " + flag));
    }
  }
  if (options.pool.bootstrap_path.empty()) return fail(usage_error("--bootstrap is required"));
  if (options.jwt_key_files.empty() && options.hs256_secret_file.empty() && options.jwks_file.empty()) {
    return fail(usage_error("no token keys: give --jwt-key, --jwt-hs256-secret-file or --jwks"));
  }
  return options;
}

Result<VerifierConfig> load_verifier_config(const GatewayOptions& options) {
  VerifierConfig config;
  config.issuer = options.issuer;
  config.audience = options.audience;
  for (const auto& file : options.jwt_key_files) {
    auto pem = read_file(file);
    if (!pem) return fail(std::move(pem).error());
    auto public_pem = public_key_pem(*pem);
    if (!public_pem) return fail(usage_error(file + ": " + public_pem.error().message));
    config.rsa_keys.push_back({key_id_for(*public_pem), std::move(*public_pem)});
  }
  if (!options.jwks_file.empty()) {
    auto text = read_file(options.jwks_file);
    if (!text) return fail(std::move(text).error());
    const auto jwks = nlohmann::json::parse(*text, nullptr, false);
    auto keys = keys_from_jwks(jwks);
    if (!keys) return fail(usage_error(options.jwks_file + ": " + keys.error().message));
    for (auto& key : *keys) config.rsa_keys.push_back(std::move(key));
  }
  if (!options.hs256_secret_file.empty()) {
    auto secret = read_file(options.hs256_secret_file);
    if (!secret) return fail(std::move(secret).error());
    while (!secret->empty() && (secret->back() == '\n' || secret->back() == '\r')) secret->pop_back();
    // RFC 7518: an HS256 key must be at least as long as the hash (32 bytes).
    if (secret->size() < 32) return fail(usage_error("the HS256 secret must be at least 32 bytes"));
    config.hs256_secret = std::move(*secret);
  }
  return config;
}

}  // namespace shoppulse::gateway
