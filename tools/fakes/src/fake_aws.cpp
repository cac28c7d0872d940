#include "shoppulse/fakes/fake_aws.h"

#include <httplib.h>
#include <openssl/pem.h>

#include <atomic>
#include <deque>
#include <random>
#include <thread>

#include "fake_internal.h"
#include "shoppulse/fakes/sigv4_verifier.h"

namespace shoppulse::fakes {
namespace detail {

std::string random_hex(std::size_t length) {
  static std::mutex mutex;
  static std::mt19937_64 engine{std::random_device{}()};
  static constexpr char kDigits[] = "0123456789abcdef";
  const std::lock_guard<std::mutex> lock(mutex);
  std::string out;
  for (std::size_t i = 0; i < length; ++i) out.push_back(kDigits[engine() & 0x0f]);
  return out;
}

std::string request_id() {
  const std::string hex = random_hex(32);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

}  // namespace detail

namespace {

using detail::Reply;

constexpr std::size_t kMaxRecorded = 1000;

struct FailurePlan {
  FakeFailure failure;
  int remaining;  // < 0: forever
};

}  // namespace

std::string_view fake_service_name(FakeService service) noexcept {
  return service == FakeService::kSecretsManager ? "secretsmanager" : "quicksight";
}

FakeFailure FakeFailure::internal_error(FakeService service) {
  if (service == FakeService::kSecretsManager)
    return {500, "InternalServiceError", "An error occurred on the server side."};
  return {500, "InternalFailureException", "An internal failure occurred."};
}
FakeFailure FakeFailure::throttling(FakeService service) {
  return {service == FakeService::kSecretsManager ? 400 : 429, "ThrottlingException", "Rate exceeded"};
}
FakeFailure FakeFailure::not_found(FakeService service) {
  return {service == FakeService::kSecretsManager ? 400 : 404, "ResourceNotFoundException",
          "The resource could not be found."};
}
FakeFailure FakeFailure::access_denied(FakeService service) {
  return {service == FakeService::kSecretsManager ? 400 : 401, "AccessDeniedException",
          "You don't have access to this item."};
}
FakeFailure FakeFailure::unsupported_user_edition() {
  return {403, "UnsupportedUserEditionException", "This operation is not supported for this edition."};
}
FakeFailure FakeFailure::unsupported_pricing_plan() {
  return {403, "UnsupportedPricingPlanException", "Capacity pricing is required for anonymous embedding."};
}

std::string RecordedRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return {};
}

struct FakeAws::Impl {
  mutable std::mutex mutex;
  std::map<std::string, detail::SecretEntry> secrets;
  std::set<std::string> dashboards;
  std::map<FakeService, std::deque<FailurePlan>> failures;
  std::map<FakeService, std::chrono::milliseconds> delays;
  std::map<FakeService, std::uint64_t> counts;
  std::map<FakeService, std::deque<RecordedRequest>> recorded;
  std::vector<std::string> signature_rejections;
  std::uint64_t versions = 0;

  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  std::atomic<int> bound_port{0};

  void record(RecordedRequest request) {
    const std::lock_guard<std::mutex> lock(mutex);
    auto& list = recorded[request.service];
    list.push_back(std::move(request));
    if (list.size() > kMaxRecorded) list.pop_front();
  }

  std::optional<FakeFailure> take_failure(FakeService service) {
    const std::lock_guard<std::mutex> lock(mutex);
    auto& queue = failures[service];
    if (queue.empty()) return std::nullopt;
    FakeFailure failure = queue.front().failure;
    if (queue.front().remaining > 0 && --queue.front().remaining == 0) queue.pop_front();
    return failure;
  }

  void put_secret(const std::string& id, std::string value, const std::string& region) {
    const std::lock_guard<std::mutex> lock(mutex);
    ++versions;
    char version[40];
    std::snprintf(version, sizeof version, "00000000-0000-4000-8000-%012llx",
                  static_cast<unsigned long long>(versions));
    auto& entry = secrets[id];
    entry.value = std::move(value);
    entry.version_id = version;
    if (entry.arn.empty()) {
      entry.arn = id.rfind("arn:", 0) == 0
                      ? id
                      : "arn:aws:secretsmanager:" + region + ":123456789012:secret:" + id + "-" + detail::random_hex(6);
    }
  }
};

namespace {

void send_reply(httplib::Response& res, FakeService service, const Reply& reply) {
  res.status = reply.status;
  const std::string content_type =
      service == FakeService::kSecretsManager ? "application/x-amz-json-1.1" : "application/json";
  const std::string id = detail::request_id();
  res.set_header("x-amzn-RequestId", id);
  if (reply.error_type.empty()) {
    res.set_content(reply.body.dump(), content_type);
    return;
  }
  nlohmann::json body;
  if (service == FakeService::kSecretsManager) {
    body = {{"__type", reply.error_type}, {"message", reply.error_message}};
  } else {
    // REST-JSON services name the error in a header as well as the body.
    res.set_header("x-amzn-ErrorType",
                   reply.error_type + ":http://internal.amazon.com/coral/com.amazonaws.quicksight/");
    body = {{"__type", reply.error_type}, {"Message", reply.error_message}, {"RequestId", id}};
  }
  res.set_content(body.dump(), content_type);
}

bool is_pseudo_header(const std::string& name) {
  // httplib adds these to the request's header map itself.
  return name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" || name == "LOCAL_PORT";
}

std::optional<FakeService> parse_service(const std::string& name) {
  if (name == "secretsmanager") return FakeService::kSecretsManager;
  if (name == "quicksight") return FakeService::kQuickSight;
  return std::nullopt;
}

}  // namespace

FakeAws::FakeAws(FakeAwsOptions options) : options_(std::move(options)), impl_(std::make_unique<Impl>()) {}

FakeAws::~FakeAws() {
  stop();
}

namespace {

// The whole request path: control API, routing, recording, latency, SigV4,
// failure injection, then the operation itself.
void handle_request(FakeAws& fake, FakeAws::Impl& impl, const FakeAwsOptions& options, const httplib::Request& req,
                    httplib::Response& res);

}  // namespace

Status FakeAws::start() {
  if (running()) return {};
  std::unique_ptr<httplib::Server> server;
  if (!options_.tls_cert_pem.empty()) {
    std::unique_ptr<BIO, decltype(&BIO_free)> cert_bio(
        BIO_new_mem_buf(options_.tls_cert_pem.data(), static_cast<int>(options_.tls_cert_pem.size())), BIO_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(
        BIO_new_mem_buf(options_.tls_key_pem.data(), static_cast<int>(options_.tls_key_pem.size())), BIO_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr),
                                                     X509_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    if (!cert || !key) return fail(Error::make(ErrorKind::kInternal, "fake_tls", "cannot parse the TLS PEM data"));
    server = std::make_unique<httplib::SSLServer>(cert.get(), key.get());
  } else {
    server = std::make_unique<httplib::Server>();
  }
  if (!server->is_valid()) return fail(Error::make(ErrorKind::kInternal, "fake_server", "httplib server is not valid"));
  // Without it every response waits out the client's delayed ACK (~40 ms),
  // which would be charged to the product in tests and benchmarks.
  server->set_tcp_nodelay(true);

  const httplib::Server::Handler handler = [this](const httplib::Request& req, httplib::Response& res) {
    handle_request(*this, *impl_, options_, req, res);
  };
  server->Get(".*", handler).Post(".*", handler).Put(".*", handler).Delete(".*", handler).Patch(".*", handler);
  server->set_keep_alive_max_count(1000);
  // stop() waits for idle keep-alive connections to time out; keep that short.
  server->set_keep_alive_timeout(1);

  const int wanted = impl_->bound_port != 0 ? impl_->bound_port.load() : options_.port;
  int port = wanted;
  if (wanted == 0) {
    port = server->bind_to_any_port(options_.host);
    if (port <= 0) return fail(Error::make(ErrorKind::kUnavailable, "fake_bind", "cannot bind an ephemeral port"));
  } else if (!server->bind_to_port(options_.host, wanted)) {
    return fail(Error::make(ErrorKind::kUnavailable, "fake_bind", "cannot bind port " + std::to_string(wanted)));
  }
  impl_->bound_port = port;
  httplib::Server* raw = server.get();
  impl_->server = std::move(server);
  impl_->thread = std::thread([raw] { raw->listen_after_bind(); });
  // stop() is a no-op until the accept loop runs, so wait for it.
  for (int i = 0; i < 5000 && !raw->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (!raw->is_running()) {
    stop();
    return fail(Error::make(ErrorKind::kUnavailable, "fake_listen", "fake AWS server did not start"));
  }
  return {};
}

void FakeAws::stop() {
  if (!impl_->server) return;
  impl_->server->stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->server.reset();
}

bool FakeAws::running() const {
  return impl_->server && impl_->server->is_running();
}
int FakeAws::port() const {
  return impl_->bound_port;
}

std::string FakeAws::endpoint_url() const {
  const std::string scheme = options_.tls_cert_pem.empty() ? "http" : "https";
  return scheme + "://" + options_.host + ":" + std::to_string(port()) + options_.path_prefix;
}

void FakeAws::put_secret(const std::string& secret_id, std::string secret_string) {
  impl_->put_secret(secret_id, std::move(secret_string), options_.region);
}

void FakeAws::remove_secret(const std::string& secret_id) {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->secrets.erase(secret_id);
}

void FakeAws::add_dashboard(const std::string& dashboard_id) {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->dashboards.insert(dashboard_id);
}

void FakeAws::fail_next(FakeService service, FakeFailure failure, int times) {
  if (times == 0) return;
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->failures[service].push_back({std::move(failure), times});
}

void FakeAws::clear_failures() {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->failures.clear();
}

void FakeAws::set_delay(FakeService service, std::chrono::milliseconds delay) {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->delays[service] = delay;
}

std::uint64_t FakeAws::request_count(FakeService service) const {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  const auto it = impl_->counts.find(service);
  return it == impl_->counts.end() ? 0 : it->second;
}

std::uint64_t FakeAws::rejected_signature_count() const {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->signature_rejections.size();
}

std::vector<std::string> FakeAws::signature_rejections() const {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->signature_rejections;
}

std::optional<RecordedRequest> FakeAws::last_request(FakeService service) const {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  const auto it = impl_->recorded.find(service);
  if (it == impl_->recorded.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<RecordedRequest> FakeAws::requests(FakeService service) const {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  const auto it = impl_->recorded.find(service);
  if (it == impl_->recorded.end()) return {};
  return {it->second.begin(), it->second.end()};
}

void FakeAws::reset_observations() {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->counts.clear();
  impl_->recorded.clear();
  impl_->signature_rejections.clear();
}

Result<FakeAwsOptions> FakeAws::options_from_state(const nlohmann::json& state, FakeAwsOptions base) {
  if (!state.is_object())
    return fail(Error::make(ErrorKind::kInvalidInput, "fake_state", "state must be a JSON object"));
  const auto read = [&](const char* key, std::string& target) -> Status {
    const auto it = state.find(key);
    if (it == state.end()) return {};
    if (!it->is_string()) {
      return fail(Error::make(ErrorKind::kInvalidInput, "fake_state", std::string(key) + " must be a string"));
    }
    target = it->get<std::string>();
    return {};
  };
  for (const auto& [key, target] : std::initializer_list<std::pair<const char*, std::string*>>{
           {"region", &base.region},
           {"access_key_id", &base.access_key_id},
           {"secret_access_key", &base.secret_access_key},
           {"session_token", &base.session_token},
           {"path_prefix", &base.path_prefix},
           {"quicksight_account_id", &base.quicksight_account_id}}) {
    if (auto status = read(key, *target); !status) return fail(status.error());
  }
  return base;
}

Status FakeAws::apply_state(const nlohmann::json& state) {
  if (!state.is_object())
    return fail(Error::make(ErrorKind::kInvalidInput, "fake_state", "state must be a JSON object"));
  if (const auto secrets = state.find("secrets"); secrets != state.end()) {
    if (!secrets->is_object())
      return fail(Error::make(ErrorKind::kInvalidInput, "fake_state", "secrets must be an object"));
    for (const auto& [id, value] : secrets->items()) {
      put_secret(id, value.is_string() ? value.get<std::string>() : value.dump());
    }
  }
  if (const auto dashboards = state.find("dashboards"); dashboards != state.end()) {
    if (!dashboards->is_array()) {
      return fail(Error::make(ErrorKind::kInvalidInput, "fake_state", "dashboards must be a list"));
    }
    for (const auto& id : *dashboards) {
      if (!id.is_string())
        return fail(Error::make(ErrorKind::kInvalidInput, "fake_state", "dashboard ids are strings"));
      add_dashboard(id.get<std::string>());
    }
  }
  return {};
}

namespace {

// Unsigned control API for out-of-process users (dev server, e2e scripts).
void handle_control(FakeAws& fake, const httplib::Request& req, httplib::Response& res) {
  const auto answer = [&res](int status, const nlohmann::json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
  };
  const nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
  const std::string path = req.path;
  if (req.method == "GET" && path == "/__fake/health") return answer(200, {{"ok", true}});
  if (req.method == "GET" && path == "/__fake/stats") {
    return answer(200, {{"secretsmanager", {{"requests", fake.request_count(FakeService::kSecretsManager)}}},
                        {"quicksight", {{"requests", fake.request_count(FakeService::kQuickSight)}}},
                        {"signatureRejections", fake.signature_rejections()}});
  }
  if (req.method == "GET" && path == "/__fake/last") {
    const auto service = parse_service(req.get_param_value("service"));
    if (!service) return answer(400, {{"error", "service must be secretsmanager or quicksight"}});
    const auto last = fake.last_request(*service);
    if (!last) return answer(404, {{"error", "no request yet"}});
    return answer(200, {{"method", last->method},
                        {"target", last->target},
                        {"body", last->json},
                        {"status", last->response_status},
                        {"errorType", last->error_type}});
  }
  if (req.method == "POST" && path == "/__fake/state") {
    if (auto status = fake.apply_state(body); !status) return answer(400, {{"error", status.error().message}});
    return answer(200, {{"ok", true}});
  }
  if (req.method == "POST" && (path == "/__fake/fail" || path == "/__fake/delay")) {
    const auto service = body.is_object() ? parse_service(body.value("service", "")) : std::nullopt;
    if (!service) return answer(400, {{"error", "service must be secretsmanager or quicksight"}});
    if (path == "/__fake/delay") {
      fake.set_delay(*service, std::chrono::milliseconds(body.value("ms", 0)));
    } else {
      FakeFailure failure{body.value("status", 500), body.value("type", std::string("InternalFailureException")),
                          body.value("message", std::string("injected failure"))};
      fake.fail_next(*service, std::move(failure), body.value("times", 1));
    }
    return answer(200, {{"ok", true}});
  }
  if (req.method == "POST" && path == "/__fake/clear-failures") {
    fake.clear_failures();
    return answer(200, {{"ok", true}});
  }
  answer(404, {{"error", "unknown control endpoint"}});
}

void handle_request(FakeAws& fake, FakeAws::Impl& impl, const FakeAwsOptions& options, const httplib::Request& req,
                    httplib::Response& res) {
  if (req.path.rfind("/__fake/", 0) == 0) return handle_control(fake, req, res);

  RecordedRequest recorded;
  recorded.method = req.method;
  recorded.target = req.target;
  for (const auto& [name, value] : req.headers) {
    if (!is_pseudo_header(name)) recorded.headers.emplace_back(name, value);
  }
  recorded.body = req.body;
  recorded.json = nlohmann::json::parse(req.body, nullptr, false);
  if (recorded.json.is_discarded()) recorded.json = nullptr;

  std::string path = req.target.substr(0, req.target.find('?'));
  if (!options.path_prefix.empty()) {
    std::string prefix = options.path_prefix;
    if (prefix.back() == '/') prefix.pop_back();
    if (path != prefix && path.rfind(prefix + "/", 0) != 0) {
      recorded.response_status = 404;
      return send_reply(res, FakeService::kQuickSight,
                        Reply::error(404, "UnknownOperationException", "path does not start with " + prefix));
    }
    path = path.substr(prefix.size());
    if (path.empty()) path = "/";
  }

  FakeService service;
  if (!recorded.header("X-Amz-Target").empty()) {
    service = FakeService::kSecretsManager;
  } else if (detail::is_quicksight_path(path)) {
    service = FakeService::kQuickSight;
  } else {
    return send_reply(res, FakeService::kQuickSight, Reply::error(404, "UnknownOperationException", "no such route"));
  }
  recorded.service = service;

  std::chrono::milliseconds delay{0};
  {
    const std::lock_guard<std::mutex> lock(impl.mutex);
    ++impl.counts[service];
    if (const auto it = impl.delays.find(service); it != impl.delays.end()) delay = it->second;
  }
  if (delay.count() > 0) std::this_thread::sleep_for(delay);

  const auto finish = [&](const Reply& reply) {
    recorded.response_status = reply.status;
    recorded.error_type = reply.error_type;
    recorded.reason = reply.error_message;
    send_reply(res, service, reply);
    impl.record(std::move(recorded));
  };

  SigV4Expectations expected;
  expected.access_key_id = options.access_key_id;
  expected.secret_access_key = options.secret_access_key;
  expected.session_token = options.session_token;
  expected.region = options.region;
  expected.service = std::string(fake_service_name(service));
  if (!options.check_clock_skew) expected.max_clock_skew = std::chrono::hours(24 * 365 * 100);
  const SigV4Verdict verdict =
      verify_sigv4(ReceivedRequest{req.method, req.target, recorded.headers, req.body}, expected);
  if (!verdict.ok) {
    {
      const std::lock_guard<std::mutex> lock(impl.mutex);
      impl.signature_rejections.push_back(verdict.error_type + ": " + verdict.reason);
    }
    return finish(Reply::error(verdict.status, verdict.error_type, verdict.reason));
  }

  if (auto failure = impl.take_failure(service)) {
    return finish(Reply::error(failure->status, failure->type, failure->message));
  }

  Reply reply;
  {
    const std::lock_guard<std::mutex> lock(impl.mutex);
    reply = service == FakeService::kSecretsManager
                ? detail::handle_secrets_manager(recorded, path, impl.secrets)
                : detail::handle_quicksight(recorded, path, options, impl.dashboards);
  }
  finish(reply);
}

}  // namespace

}  // namespace shoppulse::fakes
