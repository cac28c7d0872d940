// The fakes are only worth trusting if they refuse what AWS would refuse:
// the independent SigV4 verifier against the signer (and tampered requests),
// the QuickSight model checks, the Secrets Manager protocol checks, the
// control API and the standalone executable.

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "aws_test_support.h"
#include "shoppulse/aws/http_client.h"
#include "shoppulse/aws/sigv4.h"
#include "shoppulse/fakes/sigv4_verifier.h"

extern char** environ;

namespace shoppulse::aws {
namespace {

using fakes::FakeService;
using namespace testing_support;

const AwsCredentials kCreds{"AKIDFAKE", "fake-secret-key", "fake-token"};

fakes::SigV4Expectations expectations(std::chrono::system_clock::time_point now) {
  fakes::SigV4Expectations e;
  e.access_key_id = kCreds.access_key_id;
  e.secret_access_key = kCreds.secret_access_key;
  e.session_token = kCreds.session_token;
  e.region = "eu-west-1";
  e.service = "quicksight";
  e.now = [now] { return now; };
  return e;
}

struct Signed {
  fakes::ReceivedRequest request;
  std::chrono::system_clock::time_point time;
};

Signed sign_request(std::string method, std::string path, std::string query, std::string body, HttpHeaders extra = {}) {
  const auto time = std::chrono::system_clock::now();
  sigv4::RequestToSign request;
  request.method = method;
  request.path = path;
  request.query = query;
  request.payload = body;
  request.headers = {{"Host", "quicksight.eu-west-1.amazonaws.com"}, {"Content-Type", "application/json"}};
  for (auto& header : extra) request.headers.push_back(header);
  sigv4::SigningParams params;
  params.region = "eu-west-1";
  params.service = "quicksight";
  params.time = time;
  auto signed_request = sigv4::sign(request, kCreds, params);
  EXPECT_TRUE(signed_request.ok());
  fakes::ReceivedRequest received{method, query.empty() ? path : path + "?" + query, {}, body};
  for (const auto& header : signed_request->headers) received.headers.emplace_back(header.name, header.value);
  return {received, time};
}

void set_header(fakes::ReceivedRequest& request, const std::string& name, const std::string& value) {
  for (auto& [key, existing] : request.headers) {
    if (key == name) existing = value;
  }
}

TEST(AwsFakeSigV4Verifier, AcceptsWhatTheSignerProduces) {
  const std::vector<std::tuple<std::string, std::string, std::string, std::string>> requests = {
      {"POST", "/accounts/123456789012/embed-url/anonymous-user", "", R"({"Namespace":"default"})"},
      {"GET", "/accounts/123456789012/dashboards/a%20b%2Fc", "max-results=10&next-token=a%2Bb%3D", ""},
      {"GET", "/x/./y/../z//", "b=2&a=1&a=0&empty=", ""},
      {"DELETE", "/%E1%88%B4", "k=%E1%88%B4", ""},
  };
  for (const auto& [method, path, query, body] : requests) {
    const auto s = sign_request(method, path, query, body);
    const auto verdict = fakes::verify_sigv4(s.request, expectations(s.time));
    EXPECT_TRUE(verdict.ok) << method << " " << path << "?" << query << ": " << verdict.reason;
  }
}

struct Tamper {
  std::string name;
  std::function<void(fakes::ReceivedRequest&, fakes::SigV4Expectations&)> apply;
  std::string error_type;
};

// Readable ctest names (gtest_discover_tests appends the parameter).
void PrintTo(const Tamper& c, std::ostream* os) {
  *os << c.name;
}

class AwsFakeSigV4Tampering : public testing::TestWithParam<Tamper> {};

TEST_P(AwsFakeSigV4Tampering, RejectsTheRequest) {
  auto s = sign_request("POST", "/accounts/123456789012/embed-url/anonymous-user", "", R"({"Namespace":"default"})",
                        {{"X-Amz-Target", "ignored.ButSigned"}});
  auto expected = expectations(s.time);
  ASSERT_TRUE(fakes::verify_sigv4(s.request, expected).ok);
  GetParam().apply(s.request, expected);
  const auto verdict = fakes::verify_sigv4(s.request, expected);
  EXPECT_FALSE(verdict.ok);
  EXPECT_EQ(verdict.error_type, GetParam().error_type) << verdict.reason;
}

INSTANTIATE_TEST_SUITE_P(
    AwsCases, AwsFakeSigV4Tampering,
    testing::Values(
        Tamper{"body", [](auto& r, auto&) { r.body = R"({"Namespace":"other"})"; }, "InvalidSignatureException"},
        Tamper{"path", [](auto& r, auto&) { r.target = "/accounts/210987654321/embed-url/anonymous-user"; },
               "InvalidSignatureException"},
        Tamper{"query", [](auto& r, auto&) { r.target += "?extra=1"; }, "InvalidSignatureException"},
        Tamper{"signed_header", [](auto& r, auto&) { set_header(r, "X-Amz-Target", "other.Op"); },
               "InvalidSignatureException"},
        Tamper{"method", [](auto& r, auto&) { r.method = "PUT"; }, "InvalidSignatureException"},
        Tamper{"secret_key", [](auto&, auto& e) { e.secret_access_key = "other"; }, "InvalidSignatureException"},
        Tamper{"access_key", [](auto&, auto& e) { e.access_key_id = "AKIDOTHER"; }, "UnrecognizedClientException"},
        Tamper{"region_scope", [](auto&, auto& e) { e.region = "us-east-1"; }, "InvalidSignatureException"},
        Tamper{"service_scope", [](auto&, auto& e) { e.service = "secretsmanager"; }, "InvalidSignatureException"},
        Tamper{"token_value", [](auto& r, auto&) { set_header(r, "X-Amz-Security-Token", "forged"); },
               "UnrecognizedClientException"},
        Tamper{"clock_skew",
               [](auto&, auto& e) {
                 const auto later = e.now() + std::chrono::minutes(16);
                 e.now = [later] { return later; };
               },
               "InvalidSignatureException"},
        Tamper{"unsigned_amz_header", [](auto& r, auto&) { r.headers.emplace_back("X-Amz-Meta", "x"); },
               "IncompleteSignatureException"},
        Tamper{
            "no_authorization",
            [](auto& r, auto&) { std::erase_if(r.headers, [](const auto& h) { return h.first == "Authorization"; }); },
            "MissingAuthenticationTokenException"},
        Tamper{"host_not_signed",
               [](auto& r, auto&) {
                 for (auto& [name, value] : r.headers) {
                   if (name == "Authorization") {
                     const auto at = value.find("host;");
                     value.erase(at, 5);
                   }
                 }
               },
               "IncompleteSignatureException"}),
    [](const testing::TestParamInfo<Tamper>& case_info) { return case_info.param.name; });

class AwsFakeEndpoints : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fake_.start().ok());
    qs_ = make_client(kQuickSight, overrides_for(fake_), recorder_.hooks());
    sm_ = make_client(kSecretsManager, overrides_for(fake_), recorder_.hooks());
  }

  std::string embed_error(const std::string& path, const nlohmann::json& body) {
    auto result = qs_->call_rest_json("GenerateEmbedUrlForAnonymousUser", "POST", path, body);
    return result.ok() ? std::string("ok") : result.error().code;
  }

  fakes::FakeAws fake_;
  SleepRecorder recorder_;
  std::unique_ptr<AwsClient> qs_;
  std::unique_ptr<AwsClient> sm_;
};

TEST_F(AwsFakeEndpoints, QuickSightAnonymousFollowsTheModel) {
  EXPECT_EQ(embed_error(kAnonymousPath, anonymous_embed_request()), "ok");
  const auto without = [](const char* member) {
    auto body = anonymous_embed_request();
    body.erase(member);
    return body;
  };
  EXPECT_EQ(embed_error(kAnonymousPath, without("Namespace")), "InvalidParameterValueException");
  EXPECT_EQ(embed_error(kAnonymousPath, without("AuthorizedResourceArns")), "InvalidParameterValueException");
  EXPECT_EQ(embed_error(kAnonymousPath, without("ExperienceConfiguration")), "InvalidParameterValueException");
  EXPECT_EQ(embed_error(kAnonymousPath, without("SessionTags")), "ok");  // optional
  EXPECT_EQ(embed_error(kAnonymousPath, without("AllowedDomains")), "ok");
  EXPECT_EQ(embed_error(kAnonymousPath, without("SessionLifetimeInMinutes")), "ok");

  for (const int minutes : {14, 601}) {
    auto body = anonymous_embed_request();
    body["SessionLifetimeInMinutes"] = minutes;
    EXPECT_EQ(embed_error(kAnonymousPath, body), "SessionLifetimeInMinutesInvalidException") << minutes;
  }
  for (const int minutes : {15, 600}) {
    auto body = anonymous_embed_request();
    body["SessionLifetimeInMinutes"] = minutes;
    EXPECT_EQ(embed_error(kAnonymousPath, body), "ok") << minutes;
  }

  auto no_dashboard_id = anonymous_embed_request();
  no_dashboard_id["ExperienceConfiguration"]["Dashboard"].erase("InitialDashboardId");
  EXPECT_EQ(embed_error(kAnonymousPath, no_dashboard_id), "InvalidParameterValueException");

  auto unauthorised = anonymous_embed_request();
  unauthorised["ExperienceConfiguration"]["Dashboard"]["InitialDashboardId"] = "other-dash";
  EXPECT_EQ(embed_error(kAnonymousPath, unauthorised), "InvalidParameterValueException");

  auto bad_tags = anonymous_embed_request();
  bad_tags["SessionTags"] = nlohmann::json::array({{{"Key", "tenant_id"}}});
  EXPECT_EQ(embed_error(kAnonymousPath, bad_tags), "InvalidParameterValueException");
  bad_tags["SessionTags"] = nlohmann::json::array();
  EXPECT_EQ(embed_error(kAnonymousPath, bad_tags), "InvalidParameterValueException");

  auto typo = anonymous_embed_request();
  typo["SessionTag"] = typo["SessionTags"];
  EXPECT_EQ(embed_error(kAnonymousPath, typo), "InvalidParameterValueException");

  auto bad_namespace = anonymous_embed_request();
  bad_namespace["Namespace"] = "no spaces allowed";
  EXPECT_EQ(embed_error(kAnonymousPath, bad_namespace), "InvalidParameterValueException");

  EXPECT_EQ(embed_error("/accounts/210987654321/embed-url/anonymous-user", anonymous_embed_request()),
            "AccessDeniedException");
  EXPECT_EQ(embed_error("/accounts/12345/embed-url/anonymous-user", anonymous_embed_request()),
            "InvalidParameterValueException");
}

TEST_F(AwsFakeEndpoints, QuickSightRegisteredFollowsTheModel) {
  const nlohmann::json good = {{"UserArn", "arn:aws:quicksight:us-east-1:123456789012:user/default/alice"},
                               {"ExperienceConfiguration", {{"Dashboard", {{"InitialDashboardId", "dash-1"}}}}},
                               {"SessionLifetimeInMinutes", 600}};
  EXPECT_EQ(embed_error(kRegisteredPath, good), "ok");
  auto no_user = good;
  no_user.erase("UserArn");
  EXPECT_EQ(embed_error(kRegisteredPath, no_user), "InvalidParameterValueException");
  auto anonymous_only = good;
  anonymous_only["Namespace"] = "default";
  EXPECT_EQ(embed_error(kRegisteredPath, anonymous_only), "InvalidParameterValueException");
  auto console = good;
  console["ExperienceConfiguration"] = {{"QuickSightConsole", {{"InitialPath", "/start"}}}};
  EXPECT_EQ(embed_error(kRegisteredPath, console), "ok");

  fake_.add_dashboard("dash-1");
  auto unknown = good;
  unknown["ExperienceConfiguration"]["Dashboard"]["InitialDashboardId"] = "dash-2";
  EXPECT_EQ(embed_error(kRegisteredPath, unknown), "ResourceNotFoundException");
  EXPECT_EQ(embed_error(kRegisteredPath, good), "ok");
}

TEST_F(AwsFakeEndpoints, QuickSightRequiresJsonContentType) {
  auto result = qs_->send("GenerateEmbedUrlForAnonymousUser", "POST", kAnonymousPath, {},
                          {{"Content-Type", "text/plain"}}, anonymous_embed_request().dump());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "UnsupportedMediaTypeException");
}

TEST_F(AwsFakeEndpoints, SecretsManagerChecksTargetAndContentType) {
  fake_.put_secret("s", "v");
  auto wrong_target = sm_->call_json("GetSecretValues", {{"SecretId", "s"}});
  ASSERT_FALSE(wrong_target.ok());
  EXPECT_EQ(wrong_target.error().code, "UnknownOperationException");

  auto wrong_type = sm_->send("GetSecretValue", "POST", "/", {},
                              {{"Content-Type", "application/json"}, {"X-Amz-Target", "secretsmanager.GetSecretValue"}},
                              R"({"SecretId":"s"})");
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_EQ(wrong_type.error().code, "SerializationException");

  auto missing_id = sm_->call_json("GetSecretValue", nlohmann::json::object());
  ASSERT_FALSE(missing_id.ok());
  EXPECT_EQ(missing_id.error().code, "InvalidParameterException");

  auto error_body = fake_.last_request(FakeService::kSecretsManager);
  ASSERT_TRUE(error_body.has_value());
  EXPECT_EQ(error_body->response_status, 400);
}

TEST_F(AwsFakeEndpoints, FailuresAreConsumedInOrder) {
  fake_.put_secret("s", "v");
  fake_.fail_next(FakeService::kSecretsManager, fakes::FakeFailure::not_found(FakeService::kSecretsManager), 1);
  fake_.fail_next(FakeService::kSecretsManager, fakes::FakeFailure::access_denied(FakeService::kSecretsManager), 1);
  EXPECT_EQ(sm_->call_json("GetSecretValue", {{"SecretId", "s"}}).error().code, "ResourceNotFoundException");
  EXPECT_EQ(sm_->call_json("GetSecretValue", {{"SecretId", "s"}}).error().code, "AccessDeniedException");
  EXPECT_TRUE(sm_->call_json("GetSecretValue", {{"SecretId", "s"}}).ok());
}

TEST_F(AwsFakeEndpoints, QuickSightErrorsUseTheRestJsonShape) {
  fake_.fail_next(FakeService::kQuickSight, fakes::FakeFailure::unsupported_user_edition(), 1);
  // Signed by hand and sent raw, to see the wire shape the client parses.
  const std::string body = anonymous_embed_request().dump();
  const std::string host = "127.0.0.1:" + std::to_string(fake_.port());
  sigv4::RequestToSign request;
  request.method = "POST";
  request.path = kAnonymousPath;
  request.payload = body;
  request.headers = {{"Host", host}, {"Content-Type", "application/json"}};
  sigv4::SigningParams params;
  params.region = fake_.options().region;
  params.service = "quicksight";
  params.time = std::chrono::system_clock::now();
  auto signed_request = sigv4::sign(request, credentials_for(fake_), params);
  ASSERT_TRUE(signed_request.ok());
  auto http = HttpClient::create({});
  ASSERT_TRUE(http.ok());
  auto response =
      (*http)->perform(HttpRequest{"POST", fake_.endpoint_url() + kAnonymousPath, signed_request->headers, body});
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 403);
  EXPECT_EQ(std::string(response->header("x-amzn-ErrorType").value_or("")).rfind("UnsupportedUserEditionException:", 0),
            0u);
  const auto json = nlohmann::json::parse(response->body);
  EXPECT_EQ(json.at("__type"), "UnsupportedUserEditionException");
  EXPECT_TRUE(json.contains("Message"));
  EXPECT_TRUE(json.contains("RequestId"));
}

TEST_F(AwsFakeEndpoints, ControlApiAndStateFile) {
  auto http = HttpClient::create({});
  ASSERT_TRUE(http.ok());
  const auto post = [&](const std::string& path, const nlohmann::json& body) {
    const std::string text = body.dump();
    return (*http)->perform(
        HttpRequest{"POST", fake_.endpoint_url() + path, {{"Content-Type", "application/json"}}, text});
  };
  const nlohmann::json state = {{"secrets", {{"json-secret", {{"username", "u"}}}}},
                                {"dashboards", nlohmann::json::array({"d1"})}};
  auto applied = post("/__fake/state", state);
  ASSERT_TRUE(applied.ok());
  ASSERT_EQ(applied->status, 200) << applied->body;
  auto value = sm_->call_json("GetSecretValue", {{"SecretId", "json-secret"}});
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(nlohmann::json::parse(value->at("SecretString").get<std::string>()), nlohmann::json({{"username", "u"}}));

  ASSERT_EQ(post("/__fake/fail",
                 {{"service", "secretsmanager"}, {"status", 503}, {"type", "ServiceUnavailable"}, {"times", 1}})
                ->status,
            200);
  auto overrides = overrides_for(fake_);
  overrides.retry->max_attempts = 1;
  auto once = make_client(kSecretsManager, overrides, recorder_.hooks());
  EXPECT_EQ(once->call_json("GetSecretValue", {{"SecretId", "json-secret"}}).error().code, "ServiceUnavailable");

  auto stats = (*http)->perform(HttpRequest{"GET", fake_.endpoint_url() + "/__fake/stats", {}, ""});
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(nlohmann::json::parse(stats->body)["secretsmanager"]["requests"], 2);

  auto options = fakes::FakeAws::options_from_state({{"region", "eu-west-2"}, {"session_token", "t"}});
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->region, "eu-west-2");
  EXPECT_EQ(options->session_token, "t");
  EXPECT_FALSE(fakes::FakeAws::options_from_state({{"region", 5}}).ok());
}

TEST(AwsFakeExecutable, ServesFromAStateFileUntilTerminated) {
  const std::string binary = std::string(SHOPPULSE_BINARY_DIR) + "/tools/fakes/fake_aws";
  char state_path[] = "/tmp/shoppulse-fake-state-XXXXXX";
  const int state_fd = ::mkstemp(state_path);
  ASSERT_GE(state_fd, 0);
  ::close(state_fd);
  std::ofstream(state_path) << R"({"region":"eu-west-1","access_key_id":"AKIDSTATE","secret_access_key":"state-key",)"
                               R"("secrets":{"prod/db":{"username":"u","password":"p"}}})";

  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::vector<std::string> args = {binary, "--port", "0", "--state", state_path};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);

  FILE* output = ::fdopen(out[0], "r");
  char line[256] = {};
  ASSERT_NE(std::fgets(line, sizeof line, output), nullptr);
  const std::string banner = line;
  const std::string prefix = "fake_aws listening on ";
  ASSERT_EQ(banner.rfind(prefix, 0), 0u) << banner;
  const std::string url = banner.substr(prefix.size(), banner.find_last_not_of("\r\n") + 1 - prefix.size());

  AwsClientOverrides overrides;
  overrides.region = "eu-west-1";
  overrides.credentials = AwsCredentials{"AKIDSTATE", "state-key", ""};
  overrides.endpoint_url = url;
  SleepRecorder recorder;
  auto client = make_client(kSecretsManager, overrides, recorder.hooks());
  auto value = client->call_json("GetSecretValue", {{"SecretId", "prod/db"}});
  EXPECT_TRUE(value.ok()) << (value.ok() ? "" : value.error().code);

  ::kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::fclose(output);
  ::unlink(state_path);
}

}  // namespace
}  // namespace shoppulse::aws
