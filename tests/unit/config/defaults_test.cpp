// The defaults the README's configuration table states are the ones the code
// applies: each area's from_env over an empty environment, compared with the
// backticked values of the table's "default" column. (The table-driven
// integration test covers valid and invalid values through bootstrap.)

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "shoppulse/aws/aws_client.h"
#include "shoppulse/config/config.h"
#include "shoppulse/db/settings.h"
#include "shoppulse/db_secret/secret_cache.h"
#include "shoppulse/runtime/loop.h"
#include "support/readme_config_table.h"

namespace shoppulse {
namespace {

// variable -> the backticked values of its README "default" cell, in order.
std::map<std::string, std::vector<std::string>> readme_defaults() {
  std::map<std::string, std::vector<std::string>> defaults;
  for (const auto& row : testing_readme::readme_config_rows(SHOPPULSE_SOURCE_DIR)) {
    for (const auto& variable : row.variables) defaults[variable] = row.defaults;
  }
  return defaults;
}

std::string ms(std::chrono::milliseconds value) {
  return std::to_string(value.count());
}
std::string seconds(std::chrono::milliseconds value) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(value).count());
}
std::string boolean(bool value) {
  return value ? "true" : "false";
}

TEST(ConfigDefaults, TheReadmeStatesTheDefaultsTheCodeApplies) {
  const env::MapSource empty;
  const env::MapSource with_secret{{"RDS_SECRET_ARN", "arn"}};
  const env::MapSource with_aws{
      {"AWS_REGION", "us-east-1"}, {"AWS_ACCESS_KEY_ID", "a"}, {"AWS_SECRET_ACCESS_KEY", "b"}};
  const auto config = config::Config::from_env(empty);
  const auto pool = db::PoolSettings::from_env({}, empty);
  const auto secret = db_secret::SecretCacheSettings::from_env({}, with_secret);
  const auto aws = aws::AwsClientSettings::from_env(aws::kQuickSight, {}, with_aws);
  const auto next = runtime::RetryPolicy::from_env(empty);
  ASSERT_TRUE(config && pool && secret && aws && next);

  // What the code applies, rendered as the README writes it.
  const std::map<std::string, std::vector<std::string>> applied = {
      {"AWS_LAMBDA_LOG_LEVEL", {std::string(log_level_name(config->log_level))}},
      {"METRICS_NAMESPACE", {config->metrics_namespace}},
      {"METRICS_ENABLED", {boolean(config->metrics_enabled)}},
      {"SHUTDOWN_EXTENSION_ENABLED", {boolean(config->shutdown_extension_enabled)}},
      {"SHOPPULSE_DIAGNOSTIC_ACTIONS", {boolean(config->diagnostic_actions)}},
      {"TRACING_ENABLED", {boolean(config->tracing_enabled)}},
      {"SHOPPULSE_RUNTIME_NEXT_MAX_ATTEMPTS", {std::to_string(next->max_attempts)}},
      {"SHOPPULSE_RUNTIME_NEXT_BACKOFF_MS", {ms(next->initial_backoff)}},
      {"DB_POOL_MAX", {std::to_string(pool->max_size)}},
      {"DB_CONNECT_TIMEOUT_MS", {ms(pool->connect_timeout)}},
      {"DB_STATEMENT_TIMEOUT_MS", {ms(pool->statement_timeout)}},
      {"DB_SSLMODE", {secret->db.sslmode}},
      {"SECRET_TTL_SECONDS", {seconds(secret->ttl)}},
      {"SECRET_MIN_FORCED_REFRESH_SECONDS", {seconds(secret->min_forced_refresh_interval)}},
      {"SECRET_REFRESH_BACKOFF_SECONDS", {seconds(secret->failure_backoff)}},
      {"AWS_MAX_ATTEMPTS", {std::to_string(aws->retry.max_attempts)}},
      {"SHOPPULSE_AWS_CONNECT_TIMEOUT_MS", {ms(aws->http.connect_timeout)}},
      {"SHOPPULSE_AWS_TIMEOUT_MS", {ms(aws->http.request_timeout)}},
      {"SHOPPULSE_AWS_RETRY_BASE_MS", {ms(aws->retry.base_delay), ms(aws->retry.max_delay)}},
  };
  const auto documented = readme_defaults();
  for (const auto& [variable, values] : applied) {
    const auto row = documented.find(variable);
    ASSERT_NE(row, documented.end()) << variable << " is not in the README's table";
    ASSERT_GE(row->second.size(), values.size()) << variable << ": the README states no default";
    for (std::size_t i = 0; i < values.size(); ++i) {
      EXPECT_EQ(row->second[i], values[i]) << variable << ": the README and the code disagree";
    }
  }
}

}  // namespace
}  // namespace shoppulse
