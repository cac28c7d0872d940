#pragma once
// Command line of local_gateway (see tools/gateway/README.md).

#include <functional>
#include <string>
#include <vector>

#include "shoppulse/core/result.h"
#include "shoppulse/gateway/docs_site.h"
#include "shoppulse/gateway/event_builder.h"
#include "shoppulse/gateway/jwt_verifier.h"
#include "shoppulse/gateway/sandbox_pool.h"

namespace shoppulse::gateway {

struct GatewayOptions {
  std::string host = "127.0.0.1";
  int port = 3000;  // 0: any free port (the "listening" line says which)
  PayloadFormat format = PayloadFormat::kRest;
  PoolOptions pool;
  int integration_timeout_ms = 29000;  // API Gateway REST's integration limit
  EventSettings events;
  std::vector<std::string> jwt_key_files;  // RSA PEM, public or private
  std::string hs256_secret_file;
  std::string jwks_file;
  std::string issuer;
  std::string audience;
  std::string record_dir;
  DocsSiteOptions docs;          // --openapi, --docs-dir, --docs-token-file
  bool die_with_parent = false;  // tests: stop when the process that started us dies
};

using GetEnv = std::function<const char*(const char*)>;

// argv[1..]; --pass-env NAME reads NAME through `getenv` (so secrets such as
// DATABASE_URL need not appear on the command line).
Result<GatewayOptions> parse_gateway_args(const std::vector<std::string>& args, const GetEnv& getenv);
const char* gateway_usage();

// Reads the key files named in the options.
Result<VerifierConfig> load_verifier_config(const GatewayOptions& options);

}  // namespace shoppulse::gateway
