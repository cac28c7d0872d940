// Whatever happens (success, retries, AWS errors, connection failures, bad
// secrets), the log stream never contains the database password, the session
// token, the secret key, an Authorization header or an embed URL.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "aws_test_support.h"
#include "shoppulse/db_secret/secret_cache.h"

namespace shoppulse::aws {
namespace {

using fakes::FakeFailure;
using fakes::FakeService;
using namespace testing_support;
// The cache (db_secret/) over the AWS client and fakes these tests set up.
using namespace shoppulse::db_secret;

const std::string kPassword = "Pa55-w0rd-that-must-not-leak";
const std::string kRotatedPassword = "R0tated-pa55-that-must-not-leak";
const std::string kSecretId = "prod/db";

class LogFile {
 public:
  LogFile() {
    char path[] = "/tmp/shoppulse-aws-log-XXXXXX";
    fd_ = ::mkstemp(path);
    path_ = path;
  }
  ~LogFile() {
    if (fd_ >= 0) ::close(fd_);
    ::unlink(path_.c_str());
  }
  int fd() const { return fd_; }
  std::string contents() const {
    std::ifstream file(path_);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

 private:
  int fd_ = -1;
  std::string path_;
};

std::string secret_with(const std::string& password) {
  return R"({"engine":"postgres","host":"h","port":5432,"username":"app","dbname":"d","password":")" + password + "\"}";
}

TEST(AwsLogRedaction, NoSecretsInLogsOnSuccessOrFailure) {
  LogFile log_file;
  ASSERT_GE(log_file.fd(), 0);
  const Logger logger(LogLevel::kTrace, log_file.fd());

  fakes::FakeAwsOptions options;
  options.session_token = "FwoGZXIvYXdzEXAMPLE-session-token-must-not-leak";
  fakes::FakeAws fake(options);
  ASSERT_TRUE(fake.start().ok());
  fake.put_secret(kSecretId, secret_with(kPassword));

  std::vector<std::string> embed_urls;
  {
    // Secrets Manager through the cache: success, forced refresh of a rotated
    // secret, server errors with retries, an invalid secret, and an outage.
    SecretCacheOverrides cache_overrides;
    cache_overrides.secret_id = kSecretId;
    cache_overrides.min_forced_refresh_interval = std::chrono::milliseconds(0);
    cache_overrides.failure_backoff = std::chrono::milliseconds(0);
    auto cache = make_db_secret_cache(&logger, cache_overrides, overrides_for(fake), env::MapSource({}));
    ASSERT_TRUE(cache.ok());
    ASSERT_EQ((*cache)->get()->password, kPassword);
    fake.put_secret(kSecretId, secret_with(kRotatedPassword));
    ASSERT_EQ((*cache)->get(true)->password, kRotatedPassword);
    fake.fail_next(FakeService::kSecretsManager, FakeFailure::internal_error(FakeService::kSecretsManager), -1);
    EXPECT_EQ((*cache)->get(true)->password, kRotatedPassword);  // stale after 3 failed attempts
    fake.clear_failures();
    fake.put_secret(kSecretId, R"({"host":"h","username":"app","dbname":"d","passwd":")" + kPassword + "\"}");
    EXPECT_EQ((*cache)->get(true)->password, kRotatedPassword);  // invalid secret: stale
    fake.stop();
    EXPECT_EQ((*cache)->get(true)->password, kRotatedPassword);  // outage: stale
    ASSERT_TRUE(fake.start().ok());

    // Nothing cached and the secret does not exist: an error.
    cache_overrides.secret_id = "missing";
    auto empty = make_db_secret_cache(&logger, cache_overrides, overrides_for(fake), env::MapSource({}));
    ASSERT_TRUE(empty.ok());
    EXPECT_FALSE((*empty)->get().ok());
  }
  {
    // QuickSight: success, throttling then success, access denied, bad signature.
    SleepRecorder recorder;
    auto qs = make_client(kQuickSight, overrides_for(fake), recorder.hooks(), &logger);
    auto first =
        qs->call_rest_json("GenerateEmbedUrlForAnonymousUser", "POST", kAnonymousPath, anonymous_embed_request());
    ASSERT_TRUE(first.ok());
    embed_urls.push_back(first->at("EmbedUrl").get<std::string>());
    fake.fail_next(FakeService::kQuickSight, FakeFailure::throttling(FakeService::kQuickSight), 1);
    auto second =
        qs->call_rest_json("GenerateEmbedUrlForAnonymousUser", "POST", kAnonymousPath, anonymous_embed_request());
    ASSERT_TRUE(second.ok());
    embed_urls.push_back(second->at("EmbedUrl").get<std::string>());
    fake.fail_next(FakeService::kQuickSight, FakeFailure::access_denied(FakeService::kQuickSight), 1);
    EXPECT_FALSE(
        qs->call_rest_json("GenerateEmbedUrlForAnonymousUser", "POST", kAnonymousPath, anonymous_embed_request()).ok());

    auto bad_overrides = overrides_for(fake);
    bad_overrides.credentials->secret_access_key = "wrong-key";
    auto bad = make_client(kQuickSight, bad_overrides, {}, &logger);
    EXPECT_FALSE(
        bad->call_rest_json("GenerateEmbedUrlForAnonymousUser", "POST", kAnonymousPath, anonymous_embed_request())
            .ok());
  }

  const std::string logs = log_file.contents();
  // The log really captured all of that (so the absence checks mean something).
  EXPECT_NE(logs.find(R"("awsService":"Secrets Manager")"), std::string::npos) << logs;
  EXPECT_NE(logs.find(R"("awsService":"QuickSight")"), std::string::npos);
  EXPECT_NE(logs.find(R"("status":200)"), std::string::npos);
  EXPECT_NE(logs.find("InternalServiceError"), std::string::npos);
  EXPECT_NE(logs.find("ThrottlingException"), std::string::npos);
  EXPECT_NE(logs.find("AccessDeniedException"), std::string::npos);
  EXPECT_NE(logs.find("InvalidSignatureException"), std::string::npos);
  EXPECT_NE(logs.find("aws_connection_failed"), std::string::npos);
  EXPECT_NE(logs.find("db_secret_invalid"), std::string::npos);
  EXPECT_NE(logs.find("ResourceNotFoundException"), std::string::npos);

  std::vector<std::string> forbidden = {kPassword,
                                        kRotatedPassword,
                                        options.session_token,
                                        options.secret_access_key,
                                        "wrong-key",
                                        "AWS4-HMAC-SHA256",
                                        "Signature=",
                                        "SecretString",
                                        "EmbedUrl",
                                        "quicksight.aws.amazon.com/embed"};
  for (const auto& url : embed_urls) forbidden.push_back(url);
  for (const FakeService service : {FakeService::kSecretsManager, FakeService::kQuickSight}) {
    for (const auto& request : fake.requests(service)) {
      const std::string authorization = request.header("Authorization");
      ASSERT_FALSE(authorization.empty());
      forbidden.push_back(authorization);
      forbidden.push_back(authorization.substr(authorization.rfind('=') + 1));  // the signature alone
    }
  }
  for (const auto& needle : forbidden) {
    EXPECT_EQ(logs.find(needle), std::string::npos) << "log leaks: " << needle;
  }
}

}  // namespace
}  // namespace shoppulse::aws
