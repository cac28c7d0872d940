#pragma once
// The local API Gateway's request pipeline, independent of the socket layer:
// route (which resources exist and which need the authorizer: the contract's
// operations with --openapi, see api_routes.h) -> Cognito-style
// token check -> proxy event -> a free sandbox -> HTTP response as API
// Gateway would send it; plus the access log line and --record. Before all
// that, /openapi.json and /docs are answered locally when configured.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "shoppulse/core/log.h"
#include "shoppulse/core/result.h"
#include "shoppulse/gateway/api_routes.h"
#include "shoppulse/gateway/docs_site.h"
#include "shoppulse/gateway/gateway_options.h"
#include "shoppulse/gateway/http_types.h"
#include "shoppulse/gateway/jwt_verifier.h"
#include "shoppulse/gateway/recorder.h"
#include "shoppulse/gateway/response_mapper.h"
#include "shoppulse/gateway/sandbox_pool.h"

namespace shoppulse::gateway {

class Gateway {
 public:
  // `log`: operational lines; `access_log`: one JSON line per request.
  static Result<std::unique_ptr<Gateway>> create(GatewayOptions options, const Logger& log, const Logger& access_log);
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;
  ~Gateway();

  HttpResponse handle(const HttpRequest& request);
  // The answer to a request the HTTP server refused with `status` before
  // handle() could run (REQUEST_TOO_LARGE for 413, else DEFAULT_4XX keeping
  // the status), decorated like every other gateway answer.
  [[nodiscard]] HttpResponse refusal(int status) const;

  std::size_t wait_ready(std::chrono::milliseconds timeout) { return pool_->wait_ready(timeout); }
  // Stops the sandboxes; in-flight requests end with 502, later ones 504.
  void shutdown() { pool_->shutdown(); }

  [[nodiscard]] const GatewayOptions& options() const noexcept { return options_; }
  [[nodiscard]] SandboxPool& pool() noexcept { return *pool_; }

 private:
  Gateway(GatewayOptions options, const Logger& log, const Logger& access_log, JwtVerifier verifier);
  HttpResponse finish(HttpResponse response, bool from_gateway, const std::string& request_id) const;

  GatewayOptions options_;
  const Logger& log_;
  const Logger& access_log_;
  JwtVerifier verifier_;
  ApiRoutes routes_;                 // the contract's operations with --openapi, else /{proxy+}
  std::string gateway_cors_origin_;  // infra adds CORS headers to gateway responses when there is one origin
  std::unique_ptr<SandboxPool> pool_;
  std::unique_ptr<Recorder> recorder_;
  std::unique_ptr<DocsSite> docs_;  // null: neither --openapi nor --docs-dir
};

}  // namespace shoppulse::gateway
