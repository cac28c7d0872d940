#include "shoppulse/gateway/gateway.h"

#include "shoppulse/core/ascii.h"
#include "shoppulse/core/codec.h"
#include "shoppulse/emulator/ids.h"

namespace shoppulse::gateway {
namespace {

using emulator::InvocationResult;
using nlohmann::json;

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

std::string claim_text(const std::optional<json>& claims, const char* name) {
  if (!claims) return {};
  const auto it = claims->find(name);
  return it != claims->end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The recorded suite.json may be committed: it names the replay fixture's
// DATABASE_URL instead of the developer's (which holds a password) and copies
// only settings that change responses and are not secret.
std::map<std::string, std::string> suite_env_for(const std::map<std::string, std::string>& env) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : env) {
    if (key == "DATABASE_URL") {
      out[key] = "${DATABASE_URL}";
    } else if (key == "CORS_ALLOW_ORIGINS") {  // shapes response headers; nothing secret
      std::string escaped;
      for (const char c : value) escaped += c == '$' ? std::string("$$") : std::string(1, c);
      out[key] = escaped;
    }
  }
  return out;
}

}  // namespace

Gateway::Gateway(GatewayOptions options, const Logger& log, const Logger& access_log, JwtVerifier verifier)
    : options_(std::move(options)),
      log_(log),
      access_log_(access_log),
      verifier_(std::move(verifier)),
      routes_(ApiRoutes::proxy()) {
  if (auto it = options_.pool.env.find("CORS_ALLOW_ORIGINS");
      it != options_.pool.env.end() && !it->second.empty() && it->second.find(',') == std::string::npos) {
    gateway_cors_origin_ = it->second;
  }
}

Gateway::~Gateway() = default;

Result<std::unique_ptr<Gateway>> Gateway::create(GatewayOptions options, const Logger& log, const Logger& access_log) {
  auto verifier_config = load_verifier_config(options);
  if (!verifier_config) return fail(std::move(verifier_config).error());
  std::unique_ptr<Gateway> gateway(
      new Gateway(std::move(options), log, access_log, JwtVerifier(std::move(verifier_config).value())));
  if (!gateway->options_.record_dir.empty()) {
    RecorderOptions recorder;
    recorder.dir = gateway->options_.record_dir;
    recorder.suite_env = suite_env_for(gateway->options_.pool.env);
    recorder.needs_postgres = gateway->options_.pool.env.count("DATABASE_URL") != 0;
    recorder.timeout_ms = gateway->options_.pool.function_timeout_ms;
    auto opened = Recorder::open(std::move(recorder));
    if (!opened) return fail(std::move(opened).error());
    gateway->recorder_ = std::move(opened).value();
  }
  if (!gateway->options_.docs.openapi_file.empty() || !gateway->options_.docs.docs_dir.empty() ||
      !gateway->options_.docs.docs_token_file.empty()) {
    auto docs = DocsSite::load(gateway->options_.docs);
    if (!docs) return fail(std::move(docs).error());
    gateway->docs_ = std::move(docs).value();
  }
  if (gateway->docs_ && !gateway->docs_->openapi_json().empty()) {
    // As infra/api.tf: the deployed REST API is imported from this document,
    // so its operations are the only resources (DocsSite checked it is JSON).
    auto routes = ApiRoutes::from_openapi(json::parse(gateway->docs_->openapi_json()), kDocsSecurityScheme);
    if (!routes) return fail(std::move(routes).error());
    gateway->routes_ = std::move(routes).value();
    log.info("routes from the contract",
             {{"file", gateway->options_.docs.openapi_file}, {"operations", gateway->routes_.operation_count()}});
  }
  auto pool = SandboxPool::start(gateway->options_.pool, log);
  if (!pool) return fail(std::move(pool).error());
  gateway->pool_ = std::move(pool).value();
  return gateway;
}

HttpResponse Gateway::finish(HttpResponse response, bool from_gateway, const std::string& request_id) const {
  response.add_header("x-amzn-RequestId", request_id);
  if (from_gateway && !gateway_cors_origin_.empty()) {
    // infra/api.tf's DEFAULT_4XX/5XX gateway responses.
    response.add_header("Access-Control-Allow-Origin", gateway_cors_origin_);
    response.add_header("Access-Control-Allow-Headers", "Authorization,Content-Type");
    response.add_header("Vary", "Origin");
  }
  return response;
}

HttpResponse Gateway::refusal(int status) const {
  const std::string request_id = emulator::make_request_id();
  HttpResponse answer =
      gateway_error_response(status == 413 ? GatewayError::kRequestTooLarge : GatewayError::kBadRequest, request_id);
  if (status >= 400 && status < 500) answer.status = status;
  return finish(std::move(answer), /*from_gateway=*/true, request_id);
}

HttpResponse Gateway::handle(const HttpRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  const std::string request_id = emulator::make_request_id();
  const std::string path = ascii::percent_decode(request.raw_path(), false);
  const ApiRoute route = routes_.resolve(request.method, request.raw_path());

  std::optional<json> claims;
  std::string gateway_reason;  // why the gateway answered itself (access log only)
  std::optional<PoolInvocation> invocation;
  HttpResponse response;
  bool from_gateway = true;
  std::string served_locally;  // the docs site's answer (access log only)

  auto local = docs_ ? docs_->serve(request.method, path, request.host) : std::nullopt;
  if (local) {
    response = std::move(local->response);
    from_gateway = local->cors;
    served_locally = std::move(local->what);
  } else if (route.access == RouteAccess::kNoMethod) {
    response = gateway_error_response(GatewayError::kMissingAuthenticationToken, request_id);
    gateway_reason = route.resource.empty() ? "no such resource" : "no such method on " + route.resource;
  } else {
    bool authorised = true;
    if (route.access == RouteAccess::kAuthorized) {
      const std::string* header = request.header("Authorization");
      const auto token = header != nullptr ? bearer_token(*header) : std::nullopt;
      if (!token) {
        authorised = false;
        gateway_reason = "no bearer token";
      } else if (auto verified = verifier_.verify(*token, now_epoch_ms() / 1000); !verified) {
        authorised = false;
        gateway_reason = verified.error().message;
      } else {
        claims = std::move(verified).value();
      }
    }
    if (!authorised) {
      response = gateway_error_response(GatewayError::kUnauthorized, request_id);
    } else {
      const EventInput input{&request, route, request_id, now_epoch_ms(), claims};
      const json event = build_event(options_.format, input, options_.events);
      const auto deadline = started + std::chrono::milliseconds(options_.integration_timeout_ms);
      invocation = pool_->invoke(dump_json(event), deadline);
      switch (invocation->kind) {
        case PoolInvocation::Kind::kNoSandbox:
          response = gateway_error_response(GatewayError::kTimeout, request_id);
          gateway_reason = "no sandbox became free in time";
          break;
        case PoolInvocation::Kind::kIntegrationTimeout:
          response = gateway_error_response(GatewayError::kTimeout, request_id);
          gateway_reason = "integration timeout";
          break;
        case PoolInvocation::Kind::kCompleted: {
          const InvocationResult& result = invocation->result;
          if (result.outcome != InvocationResult::Outcome::kResponse) {
            response = gateway_error_response(GatewayError::kInternalServerError, request_id);
            gateway_reason = "function error " + result.error_type;
          } else if (auto mapped = map_function_response(options_.format, result.body); !mapped) {
            response = gateway_error_response(GatewayError::kInternalServerError, request_id);
            gateway_reason = "malformed Lambda proxy response: " + mapped.error().message;
          } else {
            response = std::move(mapped).value();
            from_gateway = false;
          }
          if (recorder_) {
            if (auto recorded = recorder_->record(event, result, request.method, path); !recorded) {
              log_.warn("recording failed", {{"error", recorded.error().message}});
            } else {
              log_.info("recorded",
                        {{"event", recorded->event_file.filename().string()}, {"masked", recorded->masked}});
            }
          }
          break;
        }
      }
    }
  }
  response = finish(std::move(response), from_gateway, request_id);

  access_log_.log_with(response.status >= 500 ? LogLevel::kError : LogLevel::kInfo, "request", [&](JsonWriter& w) {
    w.field("method", request.method).field("path", path).field("status", response.status);
    w.field("latencyMs", ms_since(started));
    const std::string tenant = claim_text(claims, "custom:tenant_id");
    if (!tenant.empty()) w.field("tenantId", tenant);
    w.field("requestId", request_id);
    if (invocation && invocation->kind != PoolInvocation::Kind::kNoSandbox) {
      w.field("sandbox", static_cast<std::int64_t>(invocation->sandbox));
      if (invocation->kind == PoolInvocation::Kind::kCompleted) {
        w.field("integrationLatencyMs", static_cast<double>(invocation->result.total.count()) / 1000.0);
      }
    }
    if (!gateway_reason.empty()) w.field("gatewayError", gateway_reason);
    if (!served_locally.empty()) w.field("served", served_locally);
  });
  return response;
}

}  // namespace shoppulse::gateway
