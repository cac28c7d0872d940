// PoolSettings::from_env validation and precedence; statement timeout budget.

#include <gtest/gtest.h>

#include <map>

#include "shoppulse/db/pool.h"
#include "shoppulse/db/settings.h"

namespace shoppulse::db {
namespace {

using std::chrono::milliseconds;

env::MapSource env_of(std::map<std::string, std::string, std::less<>> values) {
  return env::MapSource(std::move(values));
}

TEST(DbSettings, DefaultsWhenNothingIsSet) {
  auto settings = PoolSettings::from_env({}, env_of({}));
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_EQ(settings->max_size, 1U);
  EXPECT_EQ(settings->connect_timeout, milliseconds(5000));
  EXPECT_EQ(settings->retry.max_retries, 3);
  EXPECT_EQ(settings->retry.initial_backoff, milliseconds(100));
  EXPECT_EQ(settings->retry.max_backoff, milliseconds(5000));
  EXPECT_EQ(settings->application_name, "shoppulse-api");
}

TEST(DbSettings, ReadsEnvironment) {
  auto settings = PoolSettings::from_env({}, env_of({{"DB_POOL_MAX", "4"},
                                                     {"DB_CONNECT_TIMEOUT_MS", "1500"},
                                                     {"DB_STATEMENT_TIMEOUT_MS", "2500"},
                                                     {"DB_SSLMODE", "verify-full"}}));
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_EQ(settings->max_size, 4U);
  EXPECT_EQ(settings->connect_timeout, milliseconds(1500));
  EXPECT_EQ(settings->statement_timeout, milliseconds(2500));
  EXPECT_EQ(settings->sslmode, "verify-full");
}

TEST(DbSettings, ExplicitOverridesWinOverEnvironment) {
  PoolSettings::Overrides overrides;
  overrides.max_size = 8;
  overrides.statement_timeout = milliseconds(700);
  auto settings = PoolSettings::from_env(overrides, env_of({{"DB_POOL_MAX", "2"}, {"DB_STATEMENT_TIMEOUT_MS", "900"}}));
  ASSERT_TRUE(settings) << settings.error().message;
  EXPECT_EQ(settings->max_size, 8U);
  EXPECT_EQ(settings->statement_timeout, milliseconds(700));
}

// bootstrap's per-concurrency pool size is a default: DB_POOL_MAX still wins.
TEST(DbSettings, CallerDefaultsApplyOnlyWhereTheEnvironmentIsSilent) {
  PoolSettings defaults;
  defaults.max_size = 16;
  auto unset = PoolSettings::from_env({}, env_of({}), defaults);
  ASSERT_TRUE(unset.ok());
  EXPECT_EQ(unset->max_size, 16U);
  auto set = PoolSettings::from_env({}, env_of({{"DB_POOL_MAX", "3"}}), defaults);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->max_size, 3U);
}

TEST(DbSettings, EmptyVariableCountsAsUnset) {
  auto settings = PoolSettings::from_env({}, env_of({{"DB_POOL_MAX", ""}}));
  ASSERT_TRUE(settings);
  EXPECT_EQ(settings->max_size, 1U);
}

TEST(DbSettings, InvalidValuesNameTheVariable) {
  const std::pair<const char*, const char*> cases[] = {
      {"DB_POOL_MAX", "abc"},          {"DB_POOL_MAX", "0"},
      {"DB_POOL_MAX", "101"},          {"DB_POOL_MAX", "3x"},
      {"DB_CONNECT_TIMEOUT_MS", "-5"}, {"DB_STATEMENT_TIMEOUT_MS", "99"},
      {"DB_SSLMODE", "sometimes"},
  };
  for (const auto& [name, value] : cases) {
    auto settings = PoolSettings::from_env({}, env_of({{name, value}}));
    ASSERT_FALSE(settings) << name << "=" << value;
    EXPECT_EQ(settings.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(settings.error().message.find(name), std::string::npos) << settings.error().message;
  }
}

TEST(DbSettings, PoolCreateRejectsInvalidSettings) {
  PoolSettings settings;
  settings.max_size = 0;
  auto pool = Pool::create(settings, [](bool) -> Result<DbCredentials> { return DbCredentials{}; });
  ASSERT_FALSE(pool);
  EXPECT_NE(pool.error().message.find("max_size"), std::string::npos);
}

TEST(DbSettings, StatementTimeoutIsCappedByTheDeadline) {
  PoolSettings settings;
  settings.statement_timeout = milliseconds(10000);
  settings.deadline_margin = milliseconds(250);
  const auto now = Clock::now();

  TxOptions no_deadline;
  EXPECT_EQ(effective_statement_timeout(no_deadline, settings, now), milliseconds(10000));

  TxOptions tight;
  tight.deadline = now + milliseconds(3000);
  EXPECT_EQ(effective_statement_timeout(tight, settings, now), milliseconds(2750));

  TxOptions explicit_short;
  explicit_short.deadline = now + milliseconds(3000);
  explicit_short.statement_timeout = milliseconds(500);
  EXPECT_EQ(effective_statement_timeout(explicit_short, settings, now), milliseconds(500));

  TxOptions almost_out;
  almost_out.deadline = now + milliseconds(100);
  EXPECT_EQ(effective_statement_timeout(almost_out, settings, now), milliseconds(50));

  TxOptions past;
  past.deadline = now - milliseconds(5);
  EXPECT_EQ(effective_statement_timeout(past, settings, now), milliseconds(1)) << "never 0 (= no timeout)";
}

}  // namespace
}  // namespace shoppulse::db
