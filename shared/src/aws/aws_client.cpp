#include "shoppulse/aws/aws_client.h"

#include <atomic>
#include <random>
#include <thread>

#include "aws_call_trace.h"
#include "shoppulse/aws/aws_error.h"
#include "shoppulse/aws/sigv4.h"
#include "shoppulse/aws/uri.h"
#include "shoppulse/core/ascii.h"

namespace shoppulse::aws {
namespace {

double default_unit_random() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

std::string encode_query(const QueryParams& query) {
  std::string out;
  for (const auto& [key, value] : query) {
    if (!out.empty()) out.push_back('&');
    out += uri_encode(key);
    out.push_back('=');
    out += uri_encode(value);
  }
  return out;
}

Result<nlohmann::json> parse_json_body(std::string_view service_id, const AwsResponse& response) {
  if (response.body.empty()) return nlohmann::json::object();
  nlohmann::json parsed = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return fail(Error::make(ErrorKind::kBadGateway, "aws_invalid_response",
                            std::string(service_id) + " returned a response that is not a JSON object"));
  }
  return parsed;
}

// The service's id for this request: JSON and REST-JSON services answer
// x-amzn-RequestId, S3-style ones x-amz-request-id.
std::string request_id_of(const HttpResponse& response) {
  if (auto id = response.header("x-amzn-RequestId")) return std::string(*id);
  if (auto id = response.header("x-amz-request-id")) return std::string(*id);
  return {};
}

Result<std::string> serialise(const nlohmann::json& input) {
  if (input.is_null()) return std::string();
  try {
    return input.dump();
  } catch (const nlohmann::json::exception&) {
    return fail(Error::make(ErrorKind::kInvalidInput, "aws_invalid_request", "AWS request body is not valid UTF-8"));
  }
}

}  // namespace

// What the last attempt of a call saw, for its X-Ray subsegment.
struct LastAttempt {
  long status = 0;
  std::string request_id;
  int attempts = 0;
};

struct AwsClient::Impl {
  Result<AwsResponse> send(std::string_view method, std::string_view path, const QueryParams& query,
                           const HttpHeaders& headers, std::string_view body, LastAttempt& last);

  AwsClientSettings settings;
  const Logger* logger = nullptr;
  AwsClientHooks hooks;
  std::unique_ptr<HttpClient> http;
  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint64_t> attempts{0};
  std::atomic<std::uint64_t> retries{0};

  void log_attempt(LogLevel level, std::string_view message, std::string_view method, long status,
                   std::chrono::steady_clock::duration elapsed, int attempt, std::string_view error_code) const {
    if (logger == nullptr || !logger->enabled(level)) return;
    nlohmann::json fields = {
        {"awsService", settings.service.service_id},
        {"method", method},
        {"status", status},
        {"durationMs", std::chrono::duration<double, std::milli>(elapsed).count()},
        {"attempt", attempt},
    };
    if (!error_code.empty()) fields["errorCode"] = error_code;
    logger->log(level, message, fields);
  }
};

AwsClient::AwsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AwsClient::~AwsClient() = default;

Result<std::unique_ptr<AwsClient>> AwsClient::create(AwsClientSettings settings, const Logger* logger,
                                                     AwsClientHooks hooks) {
  if (settings.retry.max_attempts < 1) {
    return fail(Error::make(ErrorKind::kInvalidInput, "invalid_config", "retry max_attempts must be at least 1"));
  }
  auto http = HttpClient::create(settings.http);
  if (!http) return fail(http.error());
  if (!hooks.now) hooks.now = [] { return std::chrono::system_clock::now(); };
  if (!hooks.sleep) hooks.sleep = [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); };
  if (!hooks.unit_random) hooks.unit_random = default_unit_random;
  auto impl = std::make_unique<Impl>();
  impl->settings = std::move(settings);
  impl->logger = logger;
  impl->hooks = std::move(hooks);
  impl->http = std::move(*http);
  return std::unique_ptr<AwsClient>(new AwsClient(std::move(impl)));
}

const AwsClientSettings& AwsClient::settings() const noexcept {
  return impl_->settings;
}

AwsClient::Stats AwsClient::stats() const {
  return Stats{impl_->calls.load(), impl_->attempts.load(), impl_->retries.load(), impl_->http->connections_opened()};
}

Result<AwsResponse> AwsClient::send(std::string_view operation, std::string_view method, std::string_view path,
                                    const QueryParams& query, const HttpHeaders& headers, std::string_view body) {
  LastAttempt last;
  trace::InvocationTrace* const trace = trace::TraceScope::current();
  if (trace == nullptr) return impl_->send(method, path, query, headers, body, last);
  const std::int64_t started = trace::now_epoch_us();
  auto result = impl_->send(method, path, query, headers, body, last);
  const AwsCallTrace call{impl_->settings.service.service_id,
                          operation,
                          impl_->settings.region,
                          last.request_id,
                          last.status,
                          last.attempts};
  record_aws_call(*trace, call, started, result ? nullptr : &result.error());
  return result;
}

Result<AwsResponse> AwsClient::Impl::send(std::string_view method, std::string_view path, const QueryParams& query,
                                          const HttpHeaders& headers, std::string_view body, LastAttempt& last) {
  if (method.empty() || path.empty() || path.front() != '/') {
    return fail(Error::make(ErrorKind::kInternal, "aws_invalid_request",
                            "AWS request needs a method and a path starting with '/'"));
  }
  ++calls;

  const Endpoint& endpoint = settings.endpoint.endpoint;
  const std::string query_string = encode_query(query);
  const std::string request_path = endpoint.request_path(path);
  HttpRequest http_request;
  http_request.method = method;
  http_request.url = endpoint.url(path, query_string);
  http_request.body = body;

  sigv4::RequestToSign to_sign;
  to_sign.method = method;
  to_sign.path = request_path;
  to_sign.query = query_string;
  to_sign.payload = body;
  to_sign.headers.reserve(headers.size() + 1);
  to_sign.headers.push_back({"Host", endpoint.host_header()});
  for (const auto& header : headers) {
    if (!ascii::iequals(header.name, "host")) to_sign.headers.push_back(header);
  }

  const int max_attempts = settings.retry.max_attempts;
  for (int attempt = 1;; ++attempt) {
    ++attempts;
    // Every attempt is signed again: X-Amz-Date must be current, and a
    // throttled request may wait long enough for a signature to go stale.
    sigv4::SigningParams params;
    params.region = settings.region;
    params.service = settings.service.signing_name;
    params.time = hooks.now();
    auto signed_request = sigv4::sign(to_sign, settings.credentials, params);
    if (!signed_request) return fail(signed_request.error());
    http_request.headers = std::move(signed_request->headers);

    const auto started = std::chrono::steady_clock::now();
    auto result = http->perform(http_request);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    last.attempts = attempt;
    last.status = result ? result->status : 0;
    last.request_id = result ? request_id_of(*result) : std::string();

    Error error;
    bool retryable = false;
    long status = 0;
    if (!result) {
      error = result.error();
      retryable = is_retryable_transport_error(error);
    } else {
      status = result->status;
      if (status >= 200 && status < 300) {
        log_attempt(LogLevel::kInfo, "aws request", method, status, elapsed, attempt, "");
        AwsResponse response;
        response.status = status;
        response.headers = std::move(result->headers);
        response.body = std::move(result->body);
        response.attempts = attempt;
        return response;
      }
      const AwsErrorInfo info = parse_aws_error(result->header("x-amzn-ErrorType"), result->body);
      error = to_error(settings.service.service_id, status, info);
      retryable = is_retryable_status(status, info.type);
    }

    if (!retryable || attempt >= max_attempts) {
      log_attempt(LogLevel::kWarn, "aws request failed", method, status, elapsed, attempt, error.code);
      return fail(std::move(error));
    }
    log_attempt(LogLevel::kInfo, "aws request retrying", method, status, elapsed, attempt, error.code);
    ++retries;
    hooks.sleep(backoff_delay(settings.retry, attempt, hooks.unit_random()));
  }
}

Result<nlohmann::json> AwsClient::call_json(std::string_view operation, const nlohmann::json& input) {
  const ServiceInfo& service = impl_->settings.service;
  if (service.json_target_prefix.empty() || operation.empty()) {
    return fail(Error::make(ErrorKind::kInternal, "aws_invalid_request",
                            std::string(service.service_id) + " does not use the JSON protocol"));
  }
  auto body = serialise(input.is_null() ? nlohmann::json::object() : input);
  if (!body) return fail(body.error());
  const HttpHeaders headers{
      {"Content-Type",
       "application/x-amz-json-" + std::string(service.json_version.empty() ? "1.1" : service.json_version)},
      {"X-Amz-Target", std::string(service.json_target_prefix) + "." + std::string(operation)},
  };
  auto response = send(operation, "POST", "/", {}, headers, *body);
  if (!response) return fail(response.error());
  return parse_json_body(service.service_id, *response);
}

Result<nlohmann::json> AwsClient::call_rest_json(std::string_view operation, std::string_view method,
                                                 std::string_view path, const nlohmann::json& input,
                                                 const QueryParams& query) {
  auto body = serialise(input);
  if (!body) return fail(body.error());
  HttpHeaders headers;
  if (!body->empty()) headers.push_back({"Content-Type", "application/json"});
  auto response = send(operation, method, path, query, headers, *body);
  if (!response) return fail(response.error());
  return parse_json_body(impl_->settings.service.service_id, *response);
}

}  // namespace shoppulse::aws
