// The signed AWS client end to end against the fake endpoints: protocol
// shapes, signature acceptance, retry policy, timeouts, connection reuse and
// settings from the environment.

#include <gtest/gtest.h>

#include <set>

#include "aws_test_support.h"
#include "shoppulse/aws/secrets_manager.h"

namespace shoppulse::aws {
namespace {

using fakes::FakeAws;
using fakes::FakeFailure;
using fakes::FakeService;
using std::chrono::milliseconds;
using namespace testing_support;

class AwsClientTest : public testing::Test {
 protected:
  void SetUp() override { start_fake({}); }

  void start_fake(fakes::FakeAwsOptions options) {
    if (fake_) fake_->stop();
    fake_ = std::make_unique<FakeAws>(std::move(options));
    ASSERT_TRUE(fake_->start().ok());
    fake_->put_secret("prod/db", R"({"username":"app","password":"pw"})");
  }

  std::unique_ptr<AwsClient> client(const ServiceInfo& service) {
    return make_client(service, overrides_for(*fake_), recorder_.hooks());
  }

  std::unique_ptr<FakeAws> fake_;
  SleepRecorder recorder_;
};

TEST_F(AwsClientTest, GetSecretValueSpeaksJson11) {
  SecretsManagerClient secrets(client(kSecretsManager));
  auto value = secrets.get_secret_value("prod/db");
  ASSERT_TRUE(value.ok()) << value.error().message;
  EXPECT_EQ(value->secret_string, R"({"username":"app","password":"pw"})");
  EXPECT_EQ(value->name, "prod/db");
  EXPECT_FALSE(value->version_id.empty());

  const auto request = fake_->last_request(FakeService::kSecretsManager);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->target, "/");
  EXPECT_EQ(request->header("X-Amz-Target"), "secretsmanager.GetSecretValue");
  EXPECT_EQ(request->header("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(request->json, nlohmann::json({{"SecretId", "prod/db"}}));
  EXPECT_EQ(request->response_status, 200);
  EXPECT_EQ(fake_->rejected_signature_count(), 0u) << first_rejection(*fake_);
}

TEST_F(AwsClientTest, UnknownSecretIsNotFoundWithoutRetry) {
  SecretsManagerClient secrets(client(kSecretsManager));
  auto value = secrets.get_secret_value("nope");
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(value.error().code, "ResourceNotFoundException");
  EXPECT_EQ(fake_->request_count(FakeService::kSecretsManager), 1u);
  EXPECT_TRUE(recorder_.sleeps.empty());
}

TEST_F(AwsClientTest, RotatedSecretIsServedOnTheNextCall) {
  SecretsManagerClient secrets(client(kSecretsManager));
  const auto first = secrets.get_secret_value("prod/db");
  fake_->put_secret("prod/db", R"({"username":"app","password":"rotated"})");
  const auto second = secrets.get_secret_value("prod/db");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->version_id, second->version_id);
  EXPECT_NE(second->secret_string.find("rotated"), std::string::npos);
}

TEST_F(AwsClientTest, AnonymousEmbedUrlSpeaksRestJson) {
  auto qs = client(kQuickSight);
  auto response =
      qs->call_rest_json("GenerateEmbedUrlForAnonymousUser", "POST", kAnonymousPath, anonymous_embed_request());
  ASSERT_TRUE(response.ok()) << response.error().message;
  const std::string url = response->at("EmbedUrl").get<std::string>();
  EXPECT_EQ(url.rfind("https://us-east-1.quicksight.aws.amazon.com/embed/", 0), 0u) << url;
  EXPECT_EQ(response->at("Status"), 200);
  EXPECT_FALSE(response->at("RequestId").get<std::string>().empty());
  EXPECT_TRUE(response->contains("AnonymousUserArn"));

  const auto request = fake_->last_request(FakeService::kQuickSight);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->target, kAnonymousPath);
  EXPECT_EQ(request->header("Content-Type"), "application/json");
  EXPECT_EQ(request->header("X-Amz-Target"), "");
  EXPECT_EQ(request->json, anonymous_embed_request());
}

TEST_F(AwsClientTest, RegisteredEmbedUrlHasNoAnonymousArn) {
  auto qs = client(kQuickSight);
  const nlohmann::json body = {{"UserArn", "arn:aws:quicksight:us-east-1:123456789012:user/default/alice"},
                               {"ExperienceConfiguration", {{"Dashboard", {{"InitialDashboardId", "dash-1"}}}}}};
  auto response = qs->call_rest_json("GenerateEmbedUrlForRegisteredUser", "POST", kRegisteredPath, body);
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_TRUE(response->contains("EmbedUrl"));
  EXPECT_FALSE(response->contains("AnonymousUserArn"));
}

TEST_F(AwsClientTest, SessionTokenIsSentAndSigned) {
  fakes::FakeAwsOptions options;
  options.session_token = "IQoJb3JpZ2luX2VjEFAKE//token+with/odd=chars";
  start_fake(options);
  SecretsManagerClient secrets(client(kSecretsManager));
  ASSERT_TRUE(secrets.get_secret_value("prod/db").ok()) << first_rejection(*fake_);
  const auto request = fake_->last_request(FakeService::kSecretsManager);
  EXPECT_EQ(request->header("X-Amz-Security-Token"), options.session_token);
  EXPECT_NE(request->header("Authorization").find("x-amz-security-token"), std::string::npos);

  // Without the token the fake refuses, like STS credentials missing their token.
  auto overrides = overrides_for(*fake_);
  overrides.credentials->session_token.clear();
  auto tokenless = make_client(kSecretsManager, overrides, recorder_.hooks());
  auto refused = tokenless->call_json("GetSecretValue", {{"SecretId", "prod/db"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "UnrecognizedClientException");
}

TEST_F(AwsClientTest, WrongSecretKeyFailsSignatureCheckWithoutRetry) {
  auto overrides = overrides_for(*fake_);
  overrides.credentials->secret_access_key = "not-the-key";
  auto bad = make_client(kSecretsManager, overrides, recorder_.hooks());
  auto result = bad->call_json("GetSecretValue", {{"SecretId", "prod/db"}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "InvalidSignatureException");
  EXPECT_EQ(result.error().kind, ErrorKind::kBadGateway);
  EXPECT_EQ(fake_->request_count(FakeService::kSecretsManager), 1u);
  EXPECT_EQ(fake_->rejected_signature_count(), 1u);
}

TEST_F(AwsClientTest, ThrottlingIsRetriedWithFreshSignaturesUntilSuccess) {
  fake_->fail_next(FakeService::kQuickSight, FakeFailure::throttling(FakeService::kQuickSight), 2);
  auto overrides = overrides_for(*fake_);
  auto hooks = recorder_.hooks();
  int tick = 0;
  // Each attempt signs at a later second, so X-Amz-Date must change.
  hooks.now = [&tick] { return std::chrono::system_clock::now() + std::chrono::seconds(tick++); };
  auto qs = make_client(kQuickSight, overrides, hooks);
  auto response =
      qs->call_rest_json("GenerateEmbedUrlForAnonymousUser", "POST", kAnonymousPath, anonymous_embed_request());
  ASSERT_TRUE(response.ok()) << response.error().message;

  const auto requests = fake_->requests(FakeService::kQuickSight);
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].response_status, 429);
  EXPECT_EQ(requests[1].response_status, 429);
  EXPECT_EQ(requests[2].response_status, 200);
  std::set<std::string> dates;
  std::set<std::string> authorizations;
  for (const auto& r : requests) {
    dates.insert(r.header("X-Amz-Date"));
    authorizations.insert(r.header("Authorization"));
  }
  EXPECT_EQ(dates.size(), 3u);
  EXPECT_EQ(authorizations.size(), 3u);
  EXPECT_EQ(fake_->rejected_signature_count(), 0u);
  ASSERT_EQ(recorder_.sleeps.size(), 2u);
  EXPECT_GE(recorder_.sleeps[0], milliseconds(1));
  EXPECT_LE(recorder_.sleeps[0], milliseconds(2));
  EXPECT_GE(recorder_.sleeps[1], milliseconds(2));
  EXPECT_LE(recorder_.sleeps[1], milliseconds(4));
  EXPECT_EQ(qs->stats().retries, 2u);
}

TEST_F(AwsClientTest, JsonProtocolThrottlingTypeOn400IsRetried) {
  fake_->fail_next(FakeService::kSecretsManager, FakeFailure::throttling(FakeService::kSecretsManager), 1);
  SecretsManagerClient secrets(client(kSecretsManager));
  ASSERT_TRUE(secrets.get_secret_value("prod/db").ok());
  EXPECT_EQ(fake_->request_count(FakeService::kSecretsManager), 2u);
}

TEST_F(AwsClientTest, ServerErrorsAreRetriedAndBounded) {
  fake_->fail_next(FakeService::kQuickSight, FakeFailure::internal_error(FakeService::kQuickSight), -1);
  auto qs = client(kQuickSight);
  auto response =
      qs->call_rest_json("GenerateEmbedUrlForAnonymousUser", "POST", kAnonymousPath, anonymous_embed_request());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(response.error().code, "InternalFailureException");
  EXPECT_EQ(fake_->request_count(FakeService::kQuickSight), 3u);
  EXPECT_EQ(recorder_.sleeps.size(), 2u);
}

TEST_F(AwsClientTest, AttemptLimitIsConfigurable) {
  fake_->fail_next(FakeService::kSecretsManager, FakeFailure::internal_error(FakeService::kSecretsManager), -1);
  auto overrides = overrides_for(*fake_);
  overrides.retry->max_attempts = 1;
  auto once = make_client(kSecretsManager, overrides, recorder_.hooks());
  EXPECT_FALSE(once->call_json("GetSecretValue", {{"SecretId", "prod/db"}}).ok());
  EXPECT_EQ(fake_->request_count(FakeService::kSecretsManager), 1u);
}

struct NoRetryCase {
  std::string name;
  FakeFailure failure;
  ErrorKind kind;
};

// Readable ctest names (gtest_discover_tests appends the parameter).
void PrintTo(const NoRetryCase& c, std::ostream* os) {
  *os << c.name;
}

class AwsClientNoRetry : public AwsClientTest, public testing::WithParamInterface<NoRetryCase> {};

TEST_P(AwsClientNoRetry, ClientErrorsFailOnTheFirstAttempt) {
  fake_->fail_next(FakeService::kQuickSight, GetParam().failure, -1);
  auto qs = client(kQuickSight);
  auto response =
      qs->call_rest_json("GenerateEmbedUrlForAnonymousUser", "POST", kAnonymousPath, anonymous_embed_request());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, GetParam().kind);
  EXPECT_EQ(response.error().code, GetParam().failure.type);
  EXPECT_EQ(fake_->request_count(FakeService::kQuickSight), 1u);
  EXPECT_TRUE(recorder_.sleeps.empty());
}

INSTANTIATE_TEST_SUITE_P(
    AwsQuickSight, AwsClientNoRetry,
    testing::Values(
        NoRetryCase{"access_denied", FakeFailure::access_denied(FakeService::kQuickSight), ErrorKind::kBadGateway},
        NoRetryCase{"edition", FakeFailure::unsupported_user_edition(), ErrorKind::kBadGateway},
        NoRetryCase{"pricing", FakeFailure::unsupported_pricing_plan(), ErrorKind::kBadGateway},
        NoRetryCase{"not_found", FakeFailure::not_found(FakeService::kQuickSight), ErrorKind::kNotFound},
        NoRetryCase{"bad_request", FakeFailure{400, "InvalidParameterValueException", "bad"}, ErrorKind::kBadGateway},
        NoRetryCase{"forbidden_403", FakeFailure{403, "AccessDeniedException", "no"}, ErrorKind::kBadGateway}),
    [](const testing::TestParamInfo<NoRetryCase>& case_info) { return case_info.param.name; });

TEST_F(AwsClientTest, ModelValidationErrorsAreNotRetried) {
  auto qs = client(kQuickSight);
  auto body = anonymous_embed_request();
  body.erase("Namespace");
  auto response = qs->call_rest_json("GenerateEmbedUrlForAnonymousUser", "POST", kAnonymousPath, body);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, "InvalidParameterValueException");
  EXPECT_EQ(fake_->request_count(FakeService::kQuickSight), 1u);
}

TEST_F(AwsClientTest, ConnectionRefusedIsRetriedThenUnavailable) {
  fake_->stop();  // the service is down: nothing listens on its port
  SecretsManagerClient secrets(client(kSecretsManager));
  auto value = secrets.get_secret_value("prod/db");
  ASSERT_FALSE(value.ok());
  EXPECT_EQ(value.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(value.error().code, kErrConnectFailed);
  EXPECT_EQ(recorder_.sleeps.size(), 2u);  // three attempts

  ASSERT_TRUE(fake_->start().ok());  // back up on the same port
  EXPECT_TRUE(secrets.get_secret_value("prod/db").ok());
}

TEST_F(AwsClientTest, SlowServiceTimesOutPerAttempt) {
  fake_->set_delay(FakeService::kQuickSight, milliseconds(700));
  auto overrides = overrides_for(*fake_);
  overrides.request_timeout = milliseconds(150);
  overrides.retry->max_attempts = 2;
  auto qs = make_client(kQuickSight, overrides, recorder_.hooks());
  const auto started = std::chrono::steady_clock::now();
  auto response =
      qs->call_rest_json("GenerateEmbedUrlForAnonymousUser", "POST", kAnonymousPath, anonymous_embed_request());
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().kind, ErrorKind::kTimeout);
  EXPECT_EQ(response.error().code, kErrTimeout);
  EXPECT_EQ(fake_->request_count(FakeService::kQuickSight), 2u);
  EXPECT_LT(elapsed, milliseconds(1200));
}

TEST_F(AwsClientTest, ReusesOneConnectionAcrossCalls) {
  SecretsManagerClient secrets(client(kSecretsManager));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(secrets.get_secret_value("prod/db").ok());
  EXPECT_EQ(secrets.client().stats().connections_opened, 1u);
  EXPECT_EQ(secrets.client().stats().calls, 4u);
}

TEST_F(AwsClientTest, EndpointWithPathPrefixIsUsedForRoutingAndSigning) {
  fakes::FakeAwsOptions options;
  options.path_prefix = "/aws";
  start_fake(options);
  ASSERT_NE(fake_->endpoint_url().find("/aws"), std::string::npos);
  SecretsManagerClient secrets(client(kSecretsManager));
  ASSERT_TRUE(secrets.get_secret_value("prod/db").ok()) << fake_->signature_rejections().size();
  EXPECT_EQ(fake_->last_request(FakeService::kSecretsManager)->target, "/aws");
  auto qs = client(kQuickSight);
  ASSERT_TRUE(
      qs->call_rest_json("GenerateEmbedUrlForAnonymousUser", "POST", kAnonymousPath, anonymous_embed_request()).ok());
  EXPECT_EQ(fake_->last_request(FakeService::kQuickSight)->target, "/aws" + kAnonymousPath);
  EXPECT_EQ(fake_->rejected_signature_count(), 0u);
}

TEST_F(AwsClientTest, GlobalEndpointEnvVarReachesBothServices) {
  auto overrides = overrides_for(*fake_);
  overrides.endpoint_url.reset();
  const auto env = env::MapSource({{"AWS_ENDPOINT_URL", fake_->endpoint_url()}});
  for (const ServiceInfo* service : {&kSecretsManager, &kQuickSight}) {
    auto settings = AwsClientSettings::from_env(*service, overrides, env);
    ASSERT_TRUE(settings.ok());
    EXPECT_EQ(settings->endpoint.source, EndpointSource::kGlobalEnv);
  }
}

TEST(AwsClientSettings, ReadsLambdaEnvironment) {
  const auto env = env::MapSource({{"AWS_REGION", "eu-central-1"},
                                   {"AWS_ACCESS_KEY_ID", "AKIDENV"},
                                   {"AWS_SECRET_ACCESS_KEY", "secret"},
                                   {"AWS_SESSION_TOKEN", "token"},
                                   {"AWS_MAX_ATTEMPTS", "5"},
                                   {"SHOPPULSE_AWS_RETRY_BASE_MS", "60"},
                                   {"SHOPPULSE_AWS_RETRY_MAX_DELAY_MS", "700"},
                                   {"SHOPPULSE_AWS_CONNECT_TIMEOUT_MS", "250"},
                                   {"SHOPPULSE_AWS_TIMEOUT_MS", "4000"}});
  auto settings = AwsClientSettings::from_env(kQuickSight, {}, env);
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  EXPECT_EQ(settings->region, "eu-central-1");
  EXPECT_EQ(settings->credentials.access_key_id, "AKIDENV");
  EXPECT_EQ(settings->credentials.session_token, "token");
  EXPECT_EQ(settings->retry.max_attempts, 5);
  EXPECT_EQ(settings->retry.base_delay, milliseconds(60));
  EXPECT_EQ(settings->retry.max_delay, milliseconds(700));
  EXPECT_EQ(settings->http.connect_timeout, milliseconds(250));
  EXPECT_EQ(settings->http.request_timeout, milliseconds(4000));
  EXPECT_EQ(settings->endpoint.endpoint.host, "quicksight.eu-central-1.amazonaws.com");
}

TEST(AwsClientSettings, ConstructorValuesWin) {
  const auto env = env::MapSource({{"AWS_REGION", "eu-central-1"},
                                   {"AWS_ACCESS_KEY_ID", "AKIDENV"},
                                   {"AWS_SECRET_ACCESS_KEY", "secret"},
                                   {"AWS_MAX_ATTEMPTS", "5"}});
  AwsClientOverrides overrides;
  overrides.region = "ap-southeast-2";
  overrides.credentials = AwsCredentials{"AKIDCTOR", "s", ""};
  overrides.retry = RetryPolicy{2, milliseconds(10), milliseconds(20)};
  overrides.request_timeout = milliseconds(900);
  auto settings = AwsClientSettings::from_env(kSecretsManager, overrides, env);
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->region, "ap-southeast-2");
  EXPECT_EQ(settings->credentials.access_key_id, "AKIDCTOR");
  EXPECT_EQ(settings->retry.max_attempts, 2);
  EXPECT_EQ(settings->http.request_timeout, milliseconds(900));
}

TEST(AwsClientSettings, RegionFallsBackToDefaultRegion) {
  auto settings = AwsClientSettings::from_env(
      kSecretsManager, {},
      env::MapSource(
          {{"AWS_DEFAULT_REGION", "us-west-2"}, {"AWS_ACCESS_KEY_ID", "a"}, {"AWS_SECRET_ACCESS_KEY", "b"}}));
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->region, "us-west-2");
}

TEST(AwsClientSettings, ErrorsNameTheMissingOrInvalidVariable) {
  const auto message_for = [](std::map<std::string, std::string, std::less<>> values) {
    auto settings = AwsClientSettings::from_env(kSecretsManager, {}, env::MapSource(std::move(values)));
    return settings.ok() ? std::string("ok") : settings.error().message;
  };
  EXPECT_NE(message_for({{"AWS_ACCESS_KEY_ID", "a"}, {"AWS_SECRET_ACCESS_KEY", "b"}}).find("AWS_REGION"),
            std::string::npos);
  EXPECT_NE(message_for({{"AWS_REGION", "us-east-1"}, {"AWS_SECRET_ACCESS_KEY", "b"}}).find("AWS_ACCESS_KEY_ID"),
            std::string::npos);
  EXPECT_NE(message_for({{"AWS_REGION", "us-east-1"}, {"AWS_ACCESS_KEY_ID", "a"}}).find("AWS_SECRET_ACCESS_KEY"),
            std::string::npos);
  const std::string bad_attempts = message_for({{"AWS_REGION", "us-east-1"},
                                                {"AWS_ACCESS_KEY_ID", "a"},
                                                {"AWS_SECRET_ACCESS_KEY", "b"},
                                                {"AWS_MAX_ATTEMPTS", "lots"}});
  EXPECT_NE(bad_attempts.find("AWS_MAX_ATTEMPTS"), std::string::npos);
  EXPECT_EQ(bad_attempts.find("lots"), std::string::npos);
  EXPECT_NE(message_for({{"AWS_REGION", "us-east-1"},
                         {"AWS_ACCESS_KEY_ID", "a"},
                         {"AWS_SECRET_ACCESS_KEY", "b"},
                         {"SHOPPULSE_AWS_TIMEOUT_MS", "0"}})
                .find("SHOPPULSE_AWS_TIMEOUT_MS"),
            std::string::npos);
}

}  // namespace
}  // namespace shoppulse::aws
