// The database secret through the real bootstrap: fetched once, rotated
// without a failed invocation, Secrets Manager down at init and at refresh,
// and never a secret in any output line.

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "bootstrap_harness.h"
#include "shoppulse/fakes/fake_aws.h"

namespace shoppulse::test {
namespace {

using fakes::FakeService;

constexpr const char* kSecretId = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shoppulse/db";

class SecretRotation : public ::testing::Test {
 protected:
  void SetUp() override {
    role_ = "rot_" + database_.name();
    database_.exec("CREATE ROLE " + role_ + " LOGIN PASSWORD 'first-Pa55word' IN ROLE shoppulse_app");
    ASSERT_TRUE(fake_.start().ok());
    put_secret("first-Pa55word");
  }
  void TearDown() override {
    sandbox_.reset();
    database_.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role_ + "'");
    database_.exec("DROP ROLE IF EXISTS " + role_);
  }

  void put_secret(const std::string& password) {
    fake_.put_secret(kSecretId, nlohmann::json{{"engine", "postgres"},
                                               {"host", "127.0.0.1"},
                                               {"port", std::to_string(database_.server().port())},
                                               {"username", role_},
                                               {"password", password},
                                               {"dbname", database_.name()}}
                                    .dump());
  }

  void start(const std::map<std::string, std::string>& extra = {}) {
    std::map<std::string, std::string> env = {{"RDS_SECRET_ARN", kSecretId},
                                              {"AWS_ENDPOINT_URL_SECRETS_MANAGER", fake_.endpoint_url()},
                                              {"AWS_ACCESS_KEY_ID", fake_.options().access_key_id},
                                              {"AWS_SECRET_ACCESS_KEY", fake_.options().secret_access_key},
                                              {"AWS_REGION", fake_.options().region},
                                              {"DB_SSLMODE", "disable"},
                                              {"DB_CONNECT_TIMEOUT_MS", "1000"}};
    for (const auto& [key, value] : extra) env[key] = value;
    sandbox_ = start_bootstrap(env);
    ASSERT_NE(sandbox_, nullptr);
  }

  HttpReply list_users() { return invoke_api(*sandbox_, api_call("GET", "/users", acme_admin())); }

  TestDatabase database_;
  std::string role_;
  fakes::FakeAws fake_;
  std::unique_ptr<emulator::RuntimeEmulator> sandbox_;
};

TEST_F(SecretRotation, TheSecretIsFetchedOnceForManyInvocations) {
  start();
  for (int i = 0; i < 20; ++i) ASSERT_EQ(list_users().status, 200) << i;
  EXPECT_EQ(fake_.request_count(FakeService::kSecretsManager), 1U);
  EXPECT_EQ(fake_.rejected_signature_count(), 0U);
  const auto request = fake_.last_request(FakeService::kSecretsManager);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->header("x-amz-target"), "secretsmanager.GetSecretValue");
  EXPECT_EQ(request->json["SecretId"], kSecretId);
  expect_all_lines_json(*sandbox_);
}

// Init opens the connection on a background thread (InitTask) while the
// runtime waits for its first event; the first invocation must reuse it, not
// race it with a second handshake.
TEST_F(SecretRotation, TheConnectionOpenedDuringInitServesTheFirstInvocations) {
  start();
  const std::string backends =
      "SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE usename = '" + role_ + "'";
  std::optional<std::string> init_backend;
  for (int i = 0; i < 200 && !init_backend; ++i) {
    const auto outcome = database_.exec(backends);
    if (outcome.ok && !outcome.rows.empty() && outcome.rows[0][0].has_value()) {
      init_backend = outcome.rows[0][0];
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  ASSERT_TRUE(init_backend.has_value()) << "no connection was opened before the first invocation";
  for (int i = 0; i < 5; ++i) ASSERT_EQ(list_users().status, 200) << i;
  EXPECT_EQ(database_.exec(backends).value(), *init_backend);
}

TEST_F(SecretRotation, ARotatedPasswordIsPickedUpWithoutAFailedInvocation) {
  start();
  ASSERT_EQ(list_users().status, 200);
  database_.exec("ALTER ROLE " + role_ + " PASSWORD 'second-Pa55word'");
  put_secret("second-Pa55word");
  // The proxy drops idle connections: the next one must log in again.
  database_.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role_ + "'");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(list_users().status, 200) << i;
  EXPECT_EQ(fake_.request_count(FakeService::kSecretsManager), 2U);
  const std::string output = all_output(*sandbox_);
  EXPECT_EQ(output.find("first-Pa55word"), std::string::npos);
  EXPECT_EQ(output.find("second-Pa55word"), std::string::npos);
}

TEST_F(SecretRotation, SecretsManagerDownAtInitIsAnInitError) {
  fake_.stop();
  start();
  const auto result = sandbox_->invoke(make_event(api_call("GET", "/health", std::nullopt)).dump());
  EXPECT_EQ(result.outcome, emulator::InvocationResult::Outcome::kInitError);
  ASSERT_TRUE(sandbox_->init_error().has_value());
  EXPECT_EQ(sandbox_->init_error()->error_type, "Runtime.InitError");
  const auto exit = sandbox_->wait_for_exit(std::chrono::milliseconds(5000));
  ASSERT_TRUE(exit.has_value());
  EXPECT_FALSE(exit->success()) << exit->describe();
}

TEST_F(SecretRotation, SecretsManagerDownAtRefreshKeepsServingTheCachedValue) {
  start({{"SECRET_TTL_SECONDS", "1"}});
  ASSERT_EQ(list_users().status, 200);
  fake_.stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  database_.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role_ + "'");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(list_users().status, 200) << i;
  EXPECT_NE(all_output(*sandbox_).find("\"level\":\"WARN\""), std::string::npos);
}

TEST_F(SecretRotation, AWrongPasswordFailsCleanlyAndNeverReachesALogLine) {
  put_secret("wrong-Hunter2-password");
  start();
  Call call = api_call("GET", "/users", acme_admin());
  call.headers["Authorization"] = "Bearer eyJsecret-token-value-0123456789";
  const HttpReply reply = invoke_api(*sandbox_, call);
  EXPECT_EQ(reply.status, 503);
  EXPECT_TRUE(reply.headers.contains("Retry-After"));
  EXPECT_EQ(invoke_api(*sandbox_, api_call("GET", "/health", std::nullopt)).status, 503);
  EXPECT_TRUE(sandbox_->running());
  const std::string output = all_output(*sandbox_);
  ASSERT_FALSE(output.empty());
  EXPECT_EQ(output.find("wrong-Hunter2-password"), std::string::npos);
  EXPECT_EQ(output.find("eyJsecret-token-value"), std::string::npos);
  EXPECT_EQ(output.find(fake_.options().secret_access_key), std::string::npos);
  expect_all_lines_json(*sandbox_);
}

}  // namespace
}  // namespace shoppulse::test
