// The RDS secret parser, the cache's TTL / forced-refresh / failure rules
// (with an injected clock, no sleeping), its settings, and the production
// wiring against the fake Secrets Manager.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "aws_test_support.h"
#include "shoppulse/db_secret/secret_cache.h"

namespace shoppulse::aws {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using namespace testing_support;
// The cache (db_secret/) over the AWS client and fakes these tests set up.
using namespace shoppulse::db_secret;

const std::string kFullSecret =
    R"({"engine":"postgres","host":"db.cluster-abc.eu-west-1.rds.amazonaws.com","port":5432,)"
    R"("username":"shoppulse_app","password":"s3cr3t-Pa55","dbname":"shoppulse","dbClusterIdentifier":"x"})";

DbSecretOptions tls_options() {
  DbSecretOptions options;
  options.sslmode = "verify-full";
  options.sslrootcert = "/var/task/rds-ca.pem";
  return options;
}

TEST(AwsRdsSecret, ParsesTheRdsShape) {
  auto credentials = parse_rds_secret(kFullSecret, tls_options());
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->host, "db.cluster-abc.eu-west-1.rds.amazonaws.com");
  EXPECT_EQ(credentials->port, 5432);
  EXPECT_EQ(credentials->user, "shoppulse_app");
  EXPECT_EQ(credentials->password, "s3cr3t-Pa55");
  EXPECT_EQ(credentials->dbname, "shoppulse");
  EXPECT_EQ(credentials->sslmode, "verify-full");
  EXPECT_EQ(credentials->sslrootcert, "/var/task/rds-ca.pem");
  EXPECT_FALSE(credentials->conninfo.has_value());
}

TEST(AwsRdsSecret, PortMayBeAStringOrAbsent) {
  auto as_string = parse_rds_secret(R"({"host":"h","port":"6432","username":"u","password":"p","dbname":"d"})", {});
  ASSERT_TRUE(as_string.ok());
  EXPECT_EQ(as_string->port, 6432);
  auto absent = parse_rds_secret(R"({"host":"h","username":"u","password":"p","dbname":"d"})", {});
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(absent->port, 5432);
}

TEST(AwsRdsSecret, OverridesWinOverTheSecret) {
  DbSecretOptions options;
  options.host = "proxy.proxy-abc.eu-west-1.rds.amazonaws.com";
  options.port = 6543;
  options.dbname = "analytics";
  auto credentials = parse_rds_secret(kFullSecret, options);
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->host, "proxy.proxy-abc.eu-west-1.rds.amazonaws.com");
  EXPECT_EQ(credentials->port, 6543);
  EXPECT_EQ(credentials->dbname, "analytics");
  // Overrides make the secret's own fields optional.
  auto minimal = parse_rds_secret(R"({"username":"u","password":"p"})", options);
  ASSERT_TRUE(minimal.ok()) << minimal.error().message;
  EXPECT_EQ(minimal->host, *options.host);
}

struct InvalidSecretCase {
  std::string name;
  std::string secret;
  std::string field_mentioned;  // must appear in the message
};

// Readable ctest names (gtest_discover_tests appends the parameter).
void PrintTo(const InvalidSecretCase& c, std::ostream* os) {
  *os << c.name;
}

class AwsRdsSecretInvalid : public testing::TestWithParam<InvalidSecretCase> {};

TEST_P(AwsRdsSecretInvalid, ErrorNamesTheFieldButNeverAValue) {
  auto result = parse_rds_secret(GetParam().secret, {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "db_secret_invalid");
  EXPECT_NE(result.error().message.find(GetParam().field_mentioned), std::string::npos) << result.error().message;
  for (const char* value : {"hunter2", "h.example", "6x", "mysql", "appuser"}) {
    EXPECT_EQ(result.error().message.find(value), std::string::npos) << result.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    AwsFields, AwsRdsSecretInvalid,
    testing::Values(
        InvalidSecretCase{"not_json", "password=hunter2", "JSON"}, InvalidSecretCase{"array", R"(["hunter2"])", "JSON"},
        InvalidSecretCase{"no_username", R"({"host":"h.example","password":"hunter2","dbname":"d"})", "'username'"},
        InvalidSecretCase{"no_password", R"({"host":"h.example","username":"appuser","dbname":"d"})", "'password'"},
        InvalidSecretCase{"empty_password", R"({"host":"h.example","username":"appuser","password":"","dbname":"d"})",
                          "'password'"},
        InvalidSecretCase{"numeric_password",
                          R"({"host":"h.example","username":"appuser","password":12345,"dbname":"d"})", "'password'"},
        InvalidSecretCase{"no_host", R"({"username":"appuser","password":"hunter2","dbname":"d"})",
                          "RDS_PROXY_ENDPOINT"},
        InvalidSecretCase{"no_dbname", R"({"host":"h.example","username":"appuser","password":"hunter2"})",
                          "RDS_DATABASE"},
        InvalidSecretCase{"port_text",
                          R"({"host":"h.example","port":"6x","username":"appuser","password":"hunter2","dbname":"d"})",
                          "'port'"},
        InvalidSecretCase{"port_zero",
                          R"({"host":"h.example","port":0,"username":"appuser","password":"hunter2","dbname":"d"})",
                          "'port'"},
        InvalidSecretCase{"port_big",
                          R"({"host":"h.example","port":70000,"username":"appuser","password":"hunter2","dbname":"d"})",
                          "'port'"},
        InvalidSecretCase{
            "port_float",
            R"({"host":"h.example","port":5432.5,"username":"appuser","password":"hunter2","dbname":"d"})", "'port'"},
        InvalidSecretCase{"port_bool",
                          R"({"host":"h.example","port":true,"username":"appuser","password":"hunter2","dbname":"d"})",
                          "'port'"},
        InvalidSecretCase{
            "engine", R"({"engine":"mysql","host":"h.example","username":"appuser","password":"hunter2","dbname":"d"})",
            "'engine'"}),
    [](const testing::TestParamInfo<InvalidSecretCase>& case_info) { return case_info.param.name; });

TEST(AwsSecretCacheSettings, ReadsTheEnvironment) {
  auto settings = SecretCacheSettings::from_env({}, env::MapSource({{"RDS_SECRET_ARN", "arn:aws:secretsmanager:x"},
                                                                    {"RDS_PROXY_ENDPOINT", "proxy.example"},
                                                                    {"RDS_PORT", "6432"},
                                                                    {"RDS_DATABASE", "analytics"},
                                                                    {"DB_SSLMODE", "require"},
                                                                    {"DB_SSLROOTCERT", "/opt/ca.pem"},
                                                                    {"SECRET_TTL_SECONDS", "60"},
                                                                    {"SECRET_MIN_FORCED_REFRESH_SECONDS", "2"},
                                                                    {"SECRET_REFRESH_BACKOFF_SECONDS", "7"}}));
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  EXPECT_EQ(settings->secret_id, "arn:aws:secretsmanager:x");
  EXPECT_EQ(settings->db.host, "proxy.example");
  EXPECT_EQ(settings->db.port, 6432);
  EXPECT_EQ(settings->db.dbname, "analytics");
  EXPECT_EQ(settings->db.sslmode, "require");
  EXPECT_EQ(settings->db.sslrootcert, "/opt/ca.pem");
  EXPECT_EQ(settings->ttl, seconds(60));
  EXPECT_EQ(settings->min_forced_refresh_interval, seconds(2));
  EXPECT_EQ(settings->failure_backoff, seconds(7));
}

TEST(AwsSecretCacheSettings, DefaultsAndConstructorValues) {
  auto defaults = SecretCacheSettings::from_env({}, env::MapSource({{"RDS_SECRET_ARN", "s"}}));
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->ttl, seconds(300));
  EXPECT_EQ(defaults->db.sslmode, "verify-full");
  EXPECT_FALSE(defaults->db.host.has_value());

  SecretCacheOverrides overrides;
  overrides.secret_id = "ctor-secret";
  overrides.ttl = seconds(5);
  overrides.sslmode = "verify-ca";
  overrides.port = 7000;
  auto settings = SecretCacheSettings::from_env(
      overrides,
      env::MapSource(
          {{"RDS_SECRET_ARN", "env"}, {"SECRET_TTL_SECONDS", "60"}, {"DB_SSLMODE", "disable"}, {"RDS_PORT", "6432"}}));
  ASSERT_TRUE(settings.ok());
  EXPECT_EQ(settings->secret_id, "ctor-secret");
  EXPECT_EQ(settings->ttl, seconds(5));
  EXPECT_EQ(settings->db.sslmode, "verify-ca");
  EXPECT_EQ(settings->db.port, 7000);
}

TEST(AwsSecretCacheSettings, ErrorsNameTheVariable) {
  const auto message_for = [](std::map<std::string, std::string, std::less<>> values) {
    auto settings = SecretCacheSettings::from_env({}, env::MapSource(std::move(values)));
    return settings.ok() ? std::string("ok") : settings.error().message;
  };
  EXPECT_NE(message_for({}).find("RDS_SECRET_ARN"), std::string::npos);
  EXPECT_NE(message_for({{"RDS_SECRET_ARN", "s"}, {"RDS_PORT", "pg"}}).find("RDS_PORT"), std::string::npos);
  EXPECT_NE(message_for({{"RDS_SECRET_ARN", "s"}, {"DB_SSLMODE", "sometimes"}}).find("DB_SSLMODE"), std::string::npos);
  EXPECT_NE(message_for({{"RDS_SECRET_ARN", "s"}, {"SECRET_TTL_SECONDS", "-1"}}).find("SECRET_TTL_SECONDS"),
            std::string::npos);
}

// A hand-cranked clock and a scripted fetcher.
struct Harness {
  std::chrono::steady_clock::time_point now{seconds(1000)};
  std::string secret = kFullSecret;
  std::optional<Error> failure;
  std::atomic<int> calls{0};

  SecretCacheSettings settings() const {
    SecretCacheSettings s;
    s.secret_id = "prod/db";
    s.ttl = seconds(300);
    s.min_forced_refresh_interval = seconds(5);
    s.failure_backoff = seconds(10);
    return s;
  }

  std::shared_ptr<DbSecretCache> cache(const SecretCacheSettings& s) {
    return std::make_shared<DbSecretCache>(
        s,
        [this](const std::string& id) -> Result<std::string> {
          ++calls;
          EXPECT_EQ(id, "prod/db");
          if (failure) return fail(*failure);
          return secret;
        },
        nullptr, [this] { return now; });
  }
  std::shared_ptr<DbSecretCache> cache() { return cache(settings()); }

  void rotate(const std::string& password) {
    secret = R"({"host":"h","port":5432,"username":"u","dbname":"d","password":")" + password + R"("})";
  }
};

TEST(AwsSecretCache, OneFetchServesManyGets) {
  Harness h;
  auto cache = h.cache();
  for (int i = 0; i < 100; ++i) {
    auto credentials = cache->get();
    ASSERT_TRUE(credentials.ok());
    EXPECT_EQ(credentials->password, "s3cr3t-Pa55");
  }
  EXPECT_EQ(h.calls.load(), 1);
  EXPECT_EQ(cache->stats().fetches, 1u);
  EXPECT_EQ(cache->stats().cache_hits, 99u);
}

TEST(AwsSecretCache, RefetchesOnlyAfterTheTtl) {
  Harness h;
  auto cache = h.cache();
  ASSERT_TRUE(cache->get().ok());
  h.rotate("second");
  h.now += seconds(300) - milliseconds(1);
  EXPECT_EQ(cache->get()->password, "s3cr3t-Pa55");
  EXPECT_EQ(h.calls.load(), 1);
  h.now += milliseconds(1);
  EXPECT_EQ(cache->get()->password, "second");
  EXPECT_EQ(h.calls.load(), 2);
  // The TTL restarts from the new fetch.
  h.now += seconds(299);
  EXPECT_TRUE(cache->get().ok());
  EXPECT_EQ(h.calls.load(), 2);
}

TEST(AwsSecretCache, ZeroTtlFetchesEveryTime) {
  Harness h;
  auto s = h.settings();
  s.ttl = milliseconds(0);
  auto cache = h.cache(s);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(cache->get().ok());
  EXPECT_EQ(h.calls.load(), 3);
}

TEST(AwsSecretCache, ForcedRefreshPicksUpARotatedSecretAndIsRateLimited) {
  Harness h;
  auto cache = h.cache();
  ASSERT_TRUE(cache->get().ok());
  h.rotate("rotated-1");
  EXPECT_EQ(cache->get(true)->password, "rotated-1");
  EXPECT_EQ(h.calls.load(), 2);

  // A burst of 28P01 retries inside the interval reaches Secrets Manager once.
  h.rotate("rotated-2");
  h.now += seconds(1);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(cache->get(true)->password, "rotated-1");
  EXPECT_EQ(h.calls.load(), 2);
  EXPECT_EQ(cache->stats().forced_refreshes_suppressed, 10u);

  h.now += seconds(4);
  EXPECT_EQ(cache->get(true)->password, "rotated-2");
  EXPECT_EQ(h.calls.load(), 3);
  EXPECT_EQ(cache->stats().forced_refreshes, 2u);
}

TEST(AwsSecretCache, FailedRefreshKeepsServingTheCachedValueAndBacksOff) {
  Harness h;
  auto cache = h.cache();
  ASSERT_TRUE(cache->get().ok());
  h.failure = Error::make(ErrorKind::kUnavailable, "aws_connection_failed", "down");
  h.now += seconds(301);
  auto stale = cache->get();
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale->password, "s3cr3t-Pa55");
  EXPECT_EQ(h.calls.load(), 2);

  // Within the back-off: no new attempt.
  h.now += seconds(9);
  EXPECT_TRUE(cache->get().ok());
  EXPECT_EQ(h.calls.load(), 2);

  // After it: one more attempt, still stale on failure.
  h.now += seconds(1);
  EXPECT_TRUE(cache->get().ok());
  EXPECT_EQ(h.calls.load(), 3);

  // Recovery replaces the value and ends the back-off.
  h.failure.reset();
  h.rotate("recovered");
  h.now += seconds(10);
  EXPECT_EQ(cache->get()->password, "recovered");
  EXPECT_EQ(cache->stats().fetch_failures, 2u);
  EXPECT_GE(cache->stats().stale_served, 3u);
}

TEST(AwsSecretCache, FailedForcedRefreshServesTheCachedValue) {
  Harness h;
  auto cache = h.cache();
  ASSERT_TRUE(cache->get().ok());
  h.failure = Error::make(ErrorKind::kThrottled, "ThrottlingException", "slow down");
  auto credentials = cache->get(true);
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->password, "s3cr3t-Pa55");
}

TEST(AwsSecretCache, InvalidRotatedSecretKeepsTheCachedValue) {
  Harness h;
  auto cache = h.cache();
  ASSERT_TRUE(cache->get().ok());
  h.secret = R"({"host":"h","username":"u","dbname":"d"})";  // password missing
  h.now += seconds(301);
  EXPECT_EQ(cache->get()->password, "s3cr3t-Pa55");
  EXPECT_EQ(cache->stats().fetch_failures, 1u);
}

TEST(AwsSecretCache, NothingCachedAndFailureIsAnError) {
  Harness h;
  h.failure = Error::make(ErrorKind::kUnavailable, "aws_connection_failed", "down");
  auto cache = h.cache();
  auto result = cache->get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "aws_connection_failed");
  // The next request tries again rather than caching the failure.
  h.failure.reset();
  EXPECT_TRUE(cache->get().ok());
  EXPECT_EQ(h.calls.load(), 2);

  Harness invalid;
  invalid.secret = R"({"host":"h","username":"u","password":"p"})";
  auto result2 = invalid.cache()->get();
  ASSERT_FALSE(result2.ok());
  EXPECT_NE(result2.error().message.find("RDS_DATABASE"), std::string::npos);
}

TEST(AwsSecretCache, OverridesAndTlsSettingsReachTheCredentials) {
  Harness h;
  auto s = h.settings();
  s.db.host = "proxy.example";
  s.db.port = 6432;
  s.db.sslmode = "verify-full";
  s.db.sslrootcert = "/var/task/ca.pem";
  auto credentials = h.cache(s)->get();
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->host, "proxy.example");
  EXPECT_EQ(credentials->port, 6432);
  EXPECT_EQ(credentials->sslmode, "verify-full");
  EXPECT_EQ(credentials->sslrootcert, "/var/task/ca.pem");
}

TEST(AwsSecretCache, ConcurrentCallersShareOneFetch) {
  Harness h;
  auto cache = h.cache();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  threads.reserve(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) failures += cache->get().ok() ? 0 : 1;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(h.calls.load(), 1);
  // Each other get() either waited for that fetch or found it cached.
  EXPECT_EQ(cache->stats().cache_hits + cache->stats().shared_fetches, 399u);
}

// Workers that all need the secret while a fetch is running share its
// outcome, even a failure with nothing cached: N workers must not turn one
// Secrets Manager outage into N back-to-back calls.
TEST(AwsSecretCache, CallersWaitingOnAFetchShareItsFailure) {
  std::atomic<int> calls{0};
  SecretCacheSettings settings;
  settings.secret_id = "prod/db";
  DbSecretCache cache(settings, [&](const std::string&) -> Result<std::string> {
    ++calls;
    std::this_thread::sleep_for(milliseconds(300));  // the others queue behind it
    return fail(Error::make(ErrorKind::kUnavailable, "aws_throttled", "throttled"));
  });
  constexpr int kWorkers = 6;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(kWorkers);
  for (int t = 0; t < kWorkers; ++t) {
    threads.emplace_back([&] {
      if (auto got = cache.get(); !got) {
        EXPECT_EQ(got.error().code, "aws_throttled");
        ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), kWorkers);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(cache.stats().shared_fetches, static_cast<std::uint64_t>(kWorkers - 1));
  // A later caller, after the fetch, tries again.
  EXPECT_FALSE(cache.get().ok());
  EXPECT_EQ(calls.load(), 2);
}

TEST(AwsSecretCache, ProviderDelegatesForceRefresh) {
  Harness h;
  auto provider = make_credentials_provider(h.cache());
  ASSERT_TRUE(provider(false).ok());
  h.rotate("new");
  EXPECT_EQ(provider(false)->password, "s3cr3t-Pa55");
  EXPECT_EQ(provider(true)->password, "new");
}

class AwsSecretCacheWithFake : public testing::Test {
 protected:
  void SetUp() override {
    fakes::FakeAwsOptions options;
    options.session_token = "lambda-session-token";
    fake_ = std::make_unique<fakes::FakeAws>(options);
    ASSERT_TRUE(fake_->start().ok());
    fake_->put_secret("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf", kFullSecret);
  }

  SecretCacheOverrides cache_overrides() const {
    SecretCacheOverrides o;
    o.secret_id = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf";
    o.min_forced_refresh_interval = milliseconds(0);
    return o;
  }

  std::unique_ptr<fakes::FakeAws> fake_;
};

TEST_F(AwsSecretCacheWithFake, ProductionWiringFetchesOnceAndPicksUpRotation) {
  auto cache = make_db_secret_cache(nullptr, cache_overrides(), overrides_for(*fake_), env::MapSource({}));
  ASSERT_TRUE(cache.ok()) << cache.error().message;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE((*cache)->get().ok()) << first_rejection(*fake_);
  EXPECT_EQ(fake_->request_count(fakes::FakeService::kSecretsManager), 1u);
  EXPECT_EQ((*cache)->stats().cache_hits, 19u);

  fake_->put_secret("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
                    R"({"host":"h","port":"5432","username":"u","password":"rotated","dbname":"d"})");
  auto provider = make_credentials_provider(*cache);
  EXPECT_EQ(provider(false)->password, "s3cr3t-Pa55");
  EXPECT_EQ(provider(true)->password, "rotated");
  EXPECT_EQ(fake_->request_count(fakes::FakeService::kSecretsManager), 2u);
  EXPECT_EQ(fake_->rejected_signature_count(), 0u);
}

TEST_F(AwsSecretCacheWithFake, ProviderFromEnvironmentReportsMissingConfiguration) {
  auto provider = make_credentials_provider(nullptr, {}, overrides_for(*fake_), env::MapSource({}));
  ASSERT_FALSE(provider.ok());
  EXPECT_NE(provider.error().message.find("RDS_SECRET_ARN"), std::string::npos);

  auto from_env = make_credentials_provider(
      nullptr, {}, {},
      env::MapSource({{"RDS_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf"},
                      {"AWS_REGION", fake_->options().region},
                      {"AWS_ACCESS_KEY_ID", fake_->options().access_key_id},
                      {"AWS_SECRET_ACCESS_KEY", fake_->options().secret_access_key},
                      {"AWS_SESSION_TOKEN", fake_->options().session_token},
                      {"AWS_ENDPOINT_URL_SECRETS_MANAGER", fake_->endpoint_url()},
                      {"RDS_PROXY_ENDPOINT", "proxy.example"}}));
  ASSERT_TRUE(from_env.ok()) << from_env.error().message;
  auto credentials = (*from_env)(false);
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->host, "proxy.example");
  EXPECT_EQ(credentials->sslmode, "verify-full");
}

}  // namespace
}  // namespace shoppulse::aws
