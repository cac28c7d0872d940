#include "shoppulse/config/config.h"

#include <gtest/gtest.h>

#include <map>

namespace shoppulse::config {
namespace {

using Values = std::map<std::string, std::string, std::less<>>;

using MapEnv = env::MapSource;

TEST(Config, DefaultsWhenNothingIsSet) {
  auto config = Config::from_env(MapEnv(Values{}));
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->log_level, LogLevel::kInfo);
  EXPECT_EQ(config->metrics_namespace, "ShopPulse/Api");
  EXPECT_FALSE(config->diagnostic_actions);
  EXPECT_TRUE(config->cors_allow_origins.empty());
}

TEST(Config, ReadsEveryVariable) {
  auto config = Config::from_env(MapEnv(Values{{"AWS_LAMBDA_LOG_LEVEL", "debug"},
                                               {"AWS_LAMBDA_LOG_FORMAT", "Text"},
                                               {"METRICS_NAMESPACE", "Acme/Api"},
                                               {"METRICS_ENABLED", "false"},
                                               {"CORS_ALLOW_ORIGINS", " https://a.example , http://localhost:3000,"},
                                               {"SHOPPULSE_DIAGNOSTIC_ACTIONS", "1"}}));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->log_level, LogLevel::kDebug);
  EXPECT_EQ(config->metrics_namespace, "Acme/Api");
  EXPECT_FALSE(config->metrics_enabled);
  EXPECT_EQ(config->cors_allow_origins, (std::vector<std::string>{"https://a.example", "http://localhost:3000"}));
  EXPECT_TRUE(config->diagnostic_actions);
}

// Lambda's runtimes read both case-insensitively; the official emulator's
// Managed-Instances mode sets AWS_LAMBDA_LOG_FORMAT=json.
TEST(Config, LogFormatAndLevelAreCaseInsensitive) {
  for (const char* json : {"json", "JSON", "Json"}) {
    auto config = Config::from_env(MapEnv(Values{{"AWS_LAMBDA_LOG_FORMAT", json}, {"AWS_LAMBDA_LOG_LEVEL", "warn"}}));
    ASSERT_TRUE(config.ok()) << json;
    EXPECT_EQ(config->log_level, LogLevel::kWarn);
  }
  EXPECT_TRUE(Config::from_env(MapEnv(Values{{"AWS_LAMBDA_LOG_FORMAT", "TEXT"}})).ok());
}

TEST(Config, InvalidValuesNameTheVariableNotTheValue) {
  auto bad_level = Config::from_env(MapEnv(Values{{"AWS_LAMBDA_LOG_LEVEL", "s3cr3t-value"}}));
  ASSERT_FALSE(bad_level.ok());
  EXPECT_NE(bad_level.error().message.find("AWS_LAMBDA_LOG_LEVEL"), std::string::npos);
  EXPECT_EQ(bad_level.error().message.find("s3cr3t-value"), std::string::npos);
  EXPECT_EQ(bad_level.error().kind, ErrorKind::kInvalidInput);

  auto bad_bool = Config::from_env(MapEnv(Values{{"METRICS_ENABLED", "maybe"}}));
  ASSERT_FALSE(bad_bool.ok());
  EXPECT_NE(bad_bool.error().message.find("METRICS_ENABLED"), std::string::npos);

  EXPECT_FALSE(Config::from_env(MapEnv(Values{{"AWS_LAMBDA_LOG_FORMAT", "XML"}})).ok());
}

// Lambda Managed Instances: one worker per allowed concurrent invocation,
// capped by our own SHOPPULSE_MAX_WORKERS; unset is the classic single loop.
TEST(Config, WorkersFollowMaxConcurrencyAndTheCap) {
  auto classic = Config::from_env(MapEnv(Values{}));
  ASSERT_TRUE(classic.ok());
  EXPECT_EQ(classic->workers(), 1);
  EXPECT_EQ(classic->max_concurrency, 0);

  auto managed = Config::from_env(MapEnv(Values{{"AWS_LAMBDA_MAX_CONCURRENCY", "64"}}));
  ASSERT_TRUE(managed.ok());
  EXPECT_EQ(managed->workers(), 64);

  auto capped = Config::from_env(MapEnv(Values{{"AWS_LAMBDA_MAX_CONCURRENCY", "64"}, {"SHOPPULSE_MAX_WORKERS", "8"}}));
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(capped->workers(), 8);

  auto cap_above =
      Config::from_env(MapEnv(Values{{"AWS_LAMBDA_MAX_CONCURRENCY", "4"}, {"SHOPPULSE_MAX_WORKERS", "8"}}));
  ASSERT_TRUE(cap_above.ok());
  EXPECT_EQ(cap_above->workers(), 4);

  auto cap_alone = Config::from_env(MapEnv(Values{{"SHOPPULSE_MAX_WORKERS", "8"}}));
  ASSERT_TRUE(cap_alone.ok());
  EXPECT_EQ(cap_alone->workers(), 1) << "a cap without Managed Instances starts no workers";
}

TEST(Config, InvalidConcurrencyIsAnInitErrorNamingTheVariable) {
  for (const char* bad : {"0", "1601", "-3", "eight", "8x"}) {
    auto config = Config::from_env(MapEnv(Values{{"AWS_LAMBDA_MAX_CONCURRENCY", bad}}));
    ASSERT_FALSE(config.ok()) << bad;
    EXPECT_EQ(config.error().kind, ErrorKind::kInvalidInput);
    EXPECT_EQ(config.error().code, "invalid_config");
    EXPECT_NE(config.error().message.find("AWS_LAMBDA_MAX_CONCURRENCY"), std::string::npos);
    // The value is never echoed (short ones could match the range's digits).
    if (std::string(bad).size() > 2) {
      EXPECT_EQ(config.error().message.find(bad), std::string::npos) << bad;
    }
  }
  auto bad_cap = Config::from_env(MapEnv(Values{{"AWS_LAMBDA_MAX_CONCURRENCY", "8"}, {"SHOPPULSE_MAX_WORKERS", "0"}}));
  ASSERT_FALSE(bad_cap.ok());
  EXPECT_NE(bad_cap.error().message.find("SHOPPULSE_MAX_WORKERS"), std::string::npos);
}

// On unless turned off: without the registration Lambda never sends SIGTERM.
TEST(Config, ShutdownExtensionIsOnByDefaultAndCanBeTurnedOff) {
  auto by_default = Config::from_env(MapEnv(Values{}));
  ASSERT_TRUE(by_default.ok());
  EXPECT_TRUE(by_default->shutdown_extension_enabled);

  auto off = Config::from_env(MapEnv(Values{{"SHUTDOWN_EXTENSION_ENABLED", "false"}}));
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->shutdown_extension_enabled);

  auto bad = Config::from_env(MapEnv(Values{{"SHUTDOWN_EXTENSION_ENABLED", "sometimes"}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(bad.error().code, "invalid_config");
  EXPECT_NE(bad.error().message.find("SHUTDOWN_EXTENSION_ENABLED"), std::string::npos);
  EXPECT_EQ(bad.error().message.find("sometimes"), std::string::npos);
}

// Tracing: on unless turned off, and only where Lambda names a daemon.
TEST(Config, TracingIsOnByDefaultAndFollowsTheDaemonAddress) {
  auto by_default = Config::from_env(MapEnv(Values{}));
  ASSERT_TRUE(by_default.ok());
  EXPECT_TRUE(by_default->tracing_enabled);
  EXPECT_EQ(by_default->xray_daemon_address, "");

  auto set = Config::from_env(
      MapEnv(Values{{"TRACING_ENABLED", "false"}, {"AWS_XRAY_DAEMON_ADDRESS", "169.254.79.129:2000"}}));
  ASSERT_TRUE(set.ok());
  EXPECT_FALSE(set->tracing_enabled);
  EXPECT_EQ(set->xray_daemon_address, "169.254.79.129:2000");

  auto bad = Config::from_env(MapEnv(Values{{"TRACING_ENABLED", "perhaps"}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "invalid_config");
  EXPECT_NE(bad.error().message.find("TRACING_ENABLED"), std::string::npos);
  EXPECT_EQ(bad.error().message.find("perhaps"), std::string::npos);
}

TEST(Env, IntegersAreRangeChecked) {
  MapEnv env({{"A", "12"}, {"B", "0"}, {"C", "12abc"}, {"D", ""}});
  EXPECT_EQ(*read_int(env, "A", 1, 1, 100), 12);
  EXPECT_FALSE(read_int(env, "B", 1, 1, 100).ok());
  EXPECT_FALSE(read_int(env, "C", 1, 1, 100).ok());
  EXPECT_EQ(*read_int(env, "D", 7, 1, 100), 7);  // empty = unset
  EXPECT_EQ(*read_int(env, "MISSING", 7, 1, 100), 7);
  auto missing = require_string(env, "RDS_SECRET_ARN");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("RDS_SECRET_ARN"), std::string::npos);
}

}  // namespace
}  // namespace shoppulse::config
