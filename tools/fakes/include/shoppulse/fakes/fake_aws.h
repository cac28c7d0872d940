#pragma once
// In-process stand-ins for Secrets Manager (GetSecretValue, JSON 1.1) and
// QuickSight (GenerateEmbedUrlFor{Anonymous,Registered}User, REST-JSON) on
// 127.0.0.1, for unit tests, the local dev server and end-to-end tests.
//
// Every request is checked like the real services would: SigV4 signature
// recomputed with the known secret key, credential scope (service, region),
// method, path, X-Amz-Target, Content-Type and body fields per the botocore
// models. Errors come back in the AWS shape (__type + message, and for
// QuickSight the x-amzn-ErrorType header). Failures, throttling and latency
// can be injected; requests are counted and recorded for assertions.
//
// Test-only: never link into product code.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "shoppulse/core/result.h"

namespace shoppulse::fakes {

enum class FakeService { kSecretsManager, kQuickSight };
std::string_view fake_service_name(FakeService service) noexcept;  // "secretsmanager" / "quicksight"

struct FakeFailure {
  int status = 500;
  std::string type = "InternalFailureException";
  std::string message = "An internal error occurred";

  // The shapes the real services use.
  static FakeFailure internal_error(FakeService service);  // 500 InternalServiceError / InternalFailureException
  static FakeFailure throttling(FakeService service);      // SM: 400 ThrottlingException; QS: 429
  static FakeFailure not_found(FakeService service);       // SM: 400 / QS: 404 ResourceNotFoundException
  static FakeFailure access_denied(FakeService service);   // SM: 400 / QS: 401 AccessDeniedException
  static FakeFailure unsupported_user_edition();           // QS: 403
  static FakeFailure unsupported_pricing_plan();           // QS: 403
};

struct FakeAwsOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: an ephemeral port
  std::string region = "us-east-1";
  std::string access_key_id = "AKIDFAKEEXAMPLE";
  std::string secret_access_key = "fake/Secret+Key/For/Tests/Only0123456789";
  std::string session_token;                           // non-empty: every request must carry and sign it
  std::string path_prefix;                             // non-empty (e.g. "/aws"): endpoint URLs with a path prefix
  std::string quicksight_account_id = "123456789012";  // empty: any 12-digit account
  bool check_clock_skew = true;
  // PEM certificate and key: serve HTTPS instead of HTTP.
  std::string tls_cert_pem;
  std::string tls_key_pem;
};

struct RecordedRequest {
  FakeService service = FakeService::kSecretsManager;
  std::string method;
  std::string target;  // raw path and query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  nlohmann::json json;  // parsed body (null if not JSON)
  int response_status = 0;
  std::string error_type;  // empty on success
  std::string reason;      // why the request was rejected (diagnostics)

  [[nodiscard]] std::string header(std::string_view name) const;  // first value, "" if absent
};

class FakeAws {
 public:
  explicit FakeAws(FakeAwsOptions options = {});
  ~FakeAws();
  FakeAws(const FakeAws&) = delete;
  FakeAws& operator=(const FakeAws&) = delete;

  // Binds (port 0: ephemeral; after stop(), the same port again) and serves
  // on a background thread.
  Status start();
  // Also the "service down" switch: connections are refused until start().
  // (httplib cannot reset a connection from inside a handler, so "down" means
  // nobody listening.)
  void stop();
  [[nodiscard]] bool running() const;

  [[nodiscard]] int port() const;
  [[nodiscard]] std::string endpoint_url() const;  // scheme://127.0.0.1:port[path_prefix]
  [[nodiscard]] const FakeAwsOptions& options() const noexcept { return options_; }

  // Secrets Manager state. Putting an existing id rotates it (new VersionId).
  void put_secret(const std::string& secret_id, std::string secret_string);
  void remove_secret(const std::string& secret_id);

  // QuickSight: when any dashboard is registered, unknown ids are
  // ResourceNotFoundException.
  void add_dashboard(const std::string& dashboard_id);

  // Failure injection, consumed after authentication. times < 0: until cleared.
  void fail_next(FakeService service, FakeFailure failure, int times = 1);
  void clear_failures();
  void set_delay(FakeService service, std::chrono::milliseconds delay);

  // Observations.
  [[nodiscard]] std::uint64_t request_count(FakeService service) const;
  [[nodiscard]] std::uint64_t rejected_signature_count() const;
  [[nodiscard]] std::vector<std::string> signature_rejections() const;
  [[nodiscard]] std::optional<RecordedRequest> last_request(FakeService service) const;
  [[nodiscard]] std::vector<RecordedRequest> requests(FakeService service) const;
  void reset_observations();

  // State file / control API shape:
  //   {"region": "...", "access_key_id": "...", "secret_access_key": "...",
  //    "session_token": "...", "path_prefix": "...", "quicksight_account_id": "...",
  //    "secrets": {"<id>": "<string>" | {<object, stored as its JSON text>}},
  //    "dashboards": ["<id>", ...]}
  static Result<FakeAwsOptions> options_from_state(const nlohmann::json& state, FakeAwsOptions base = {});
  Status apply_state(const nlohmann::json& state);  // secrets and dashboards

  struct Impl;

 private:
  FakeAwsOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shoppulse::fakes
