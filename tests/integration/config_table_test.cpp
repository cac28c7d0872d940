// Every variable in the README's configuration table, through the real
// bootstrap under the emulator: a valid value starts the function, an invalid
// one fails its init with Runtime.InvalidConfig naming the variable and never
// echoing the value. The table below must list exactly the README's
// variables, so a setting added to one and not the other fails here.
//
// No test here needs a database: DATABASE_URL names a closed port (init
// never waits for the database, so the function starts and answers), and
// the Secrets Manager rows point the client at a closed port, so a valid
// secret setting gets as far as the fetch and fails it as Runtime.InitError:
// not InvalidConfig, which is what they prove.

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "shoppulse/emulator/runtime_emulator.h"
#include "support/readme_config_table.h"

namespace shoppulse::emulator {
namespace {

using Env = std::map<std::string, std::string>;
using Outcome = InvocationResult::Outcome;
using namespace std::chrono_literals;

// The function's context for a row: which part of init reads the variable.
enum class Needs {
  kDatabaseUrl,  // the pool: DATABASE_URL set, nothing else
  kAws,          // the QuickSight client: AWS credentials too
  kSecret,       // the Secrets Manager path: RDS_SECRET_ARN, credentials, a closed endpoint
};

struct Row {
  std::string variable;
  Needs needs;
  std::string valid;    // a value init accepts
  std::string invalid;  // a value init refuses; empty with `why_no_invalid`
  std::string why_no_invalid;
};

// Test names and failure messages show the variable, not the bytes.
void PrintTo(const Row& row, std::ostream* out) {
  *out << row.variable;
}

constexpr const char* kClosedPort = "127.0.0.1:1";

Env context(Needs needs) {
  Env env{{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
          {"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
          {"DB_CONNECT_TIMEOUT_MS", "100"}};
  if (needs == Needs::kSecret) {
    env["RDS_SECRET_ARN"] = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
    env["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = std::string("http://") + kClosedPort;
    env["AWS_MAX_ATTEMPTS"] = "1";
  } else {
    env["DATABASE_URL"] = std::string("postgresql://app@") + kClosedPort + "/none?connect_timeout=1";
  }
  return env;
}

// Free-form values (names, paths, keys, URLs libpq parses when it connects)
// have no invalid form init could detect; they say why instead. Invalid
// values are words or signed numbers that no log line holds by chance (a
// timestamp's ".101Z" would hide an echoed "101").
const std::vector<Row>& rows() {
  static const std::vector<Row> table = {
      {"AWS_LAMBDA_RUNTIME_API", Needs::kDatabaseUrl, "", "", "set by Lambda; the emulator owns it"},
      {"AWS_LAMBDA_LOG_LEVEL", Needs::kDatabaseUrl, "debug", "LOUDEST", ""},
      {"AWS_LAMBDA_LOG_FORMAT", Needs::kDatabaseUrl, "text", "XML-ish", ""},
      {"METRICS_NAMESPACE", Needs::kDatabaseUrl, "Acme/Api", std::string(256, 'n'), ""},
      {"METRICS_ENABLED", Needs::kDatabaseUrl, "false", "perhaps", ""},
      {"CORS_ALLOW_ORIGINS", Needs::kDatabaseUrl, "https://a.example,*", "", "any list of origins"},
      {"AWS_LAMBDA_MAX_CONCURRENCY", Needs::kDatabaseUrl, "2", "-16", ""},
      {"SHOPPULSE_MAX_WORKERS", Needs::kDatabaseUrl, "4", "zero", ""},
      {"SHUTDOWN_EXTENSION_ENABLED", Needs::kDatabaseUrl, "false", "sometimes", ""},
      {"SHOPPULSE_RUNTIME_NEXT_MAX_ATTEMPTS", Needs::kDatabaseUrl, "3", "many", ""},
      {"SHOPPULSE_RUNTIME_NEXT_BACKOFF_MS", Needs::kDatabaseUrl, "20", "-5", ""},
      {"SHOPPULSE_DIAGNOSTIC_ACTIONS", Needs::kDatabaseUrl, "0", "on-ish", ""},
      {"RDS_SECRET_ARN", Needs::kSecret, "arn:aws:secretsmanager:us-east-1:123456789012:secret:other", "",
       "any secret id Secrets Manager accepts"},
      {"RDS_PROXY_ENDPOINT", Needs::kSecret, "proxy.example", "", "any host name"},
      {"RDS_PORT", Needs::kSecret, "6432", "65536", ""},
      {"RDS_DATABASE", Needs::kSecret, "shop", "", "any database name"},
      {"DATABASE_URL", Needs::kDatabaseUrl, "postgresql://other@127.0.0.1:1/x", "",
       "libpq parses it when it connects; a database down at init is not an init error"},
      {"DB_SSLMODE", Needs::kDatabaseUrl, "require", "sometimes", ""},
      {"DB_SSLROOTCERT", Needs::kSecret, "/etc/ssl/certs/ca-certificates.crt", "", "libpq reads the file"},
      {"DB_POOL_MAX", Needs::kDatabaseUrl, "3", "plenty", ""},
      {"DB_CONNECT_TIMEOUT_MS", Needs::kDatabaseUrl, "150", "-99", ""},
      {"DB_STATEMENT_TIMEOUT_MS", Needs::kDatabaseUrl, "2000", "ten", ""},
      {"SECRET_TTL_SECONDS", Needs::kSecret, "60", "abc", ""},
      {"AWS_REGION", Needs::kAws, "eu-west-1", "Evil/Region", ""},
      {"AWS_ACCESS_KEY_ID", Needs::kAws, "AKIDOTHER", "", "any key id"},
      {"AWS_SECRET_ACCESS_KEY", Needs::kAws, "other-secret", "", "any secret key"},
      {"AWS_SESSION_TOKEN", Needs::kAws, "token", "", "any token"},
      {"AWS_ENDPOINT_URL", Needs::kAws, "http://127.0.0.1:4566", "ftp://nowhere.example", ""},
      {"AWS_ENDPOINT_URL_SECRETS_MANAGER", Needs::kSecret, "http://127.0.0.1:2", "http://user@evil.example", ""},
      {"AWS_ENDPOINT_URL_QUICKSIGHT", Needs::kAws, "https://quicksight.example", "https://q.example/?x=1", ""},
      {"AWS_CA_BUNDLE", Needs::kAws, "/etc/ssl/certs/ca-certificates.crt", "/no/such/bundle.pem", ""},
      {"SSL_CERT_FILE", Needs::kAws, "/etc/ssl/certs/ca-certificates.crt", "/no/such/cert-file.pem", ""},
      {"AWS_DEFAULT_REGION", Needs::kAws, "us-west-2", "", "AWS_REGION wins, and Lambda sets it"},
      {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", Needs::kAws, "true", "maybe", ""},
      {"AWS_MAX_ATTEMPTS", Needs::kAws, "5", "lots", ""},
      {"SHOPPULSE_AWS_CONNECT_TIMEOUT_MS", Needs::kAws, "500", "never", ""},
      {"SHOPPULSE_AWS_TIMEOUT_MS", Needs::kAws, "900", "soon", ""},
      {"SHOPPULSE_AWS_RETRY_BASE_MS", Needs::kAws, "50", "60001", ""},
      {"SHOPPULSE_AWS_RETRY_MAX_DELAY_MS", Needs::kAws, "2000", "1.5", ""},
      {"SECRET_MIN_FORCED_REFRESH_SECONDS", Needs::kSecret, "1", "3601", ""},
      {"SECRET_REFRESH_BACKOFF_SECONDS", Needs::kSecret, "30", "-9999", ""},
      {"QUICKSIGHT_ACCOUNT_ID", Needs::kDatabaseUrl, "123456789012", "acct-12", ""},
      {"CURSOR_SIGNING_KEY", Needs::kDatabaseUrl, "a-random-production-key", "", "any key"},
      {"SHOPPULSE_MIGRATIONS_DIR", Needs::kDatabaseUrl, "/var/task/sql/migrations", "",
       "read by the migrate action, which reports a missing folder"},
      {"TRACING_ENABLED", Needs::kDatabaseUrl, "false", "perhaps", ""},
      {"AWS_XRAY_DAEMON_ADDRESS", Needs::kDatabaseUrl, "127.0.0.1:2000", "",
       "deliberately never an init error: an unusable daemon turns tracing off with a WARN"},
  };
  return table;
}

// The variables named in the first column of the README's configuration table.
std::set<std::string> readme_variables() {
  // The section's other table (Terraform settings) names lower-case things.
  const std::regex variable_name("[A-Z][A-Z0-9_]+");
  std::set<std::string> variables;
  for (const auto& row : testing_readme::readme_config_rows(SHOPPULSE_SOURCE_DIR)) {
    for (const auto& name : row.variables) {
      if (std::regex_match(name, variable_name)) variables.insert(name);
    }
  }
  return variables;
}

TEST(config_table, ListsExactlyTheReadmesVariables) {
  const std::set<std::string> documented = readme_variables();
  ASSERT_GT(documented.size(), 30U) << "the README's configuration table was not found";
  std::set<std::string> tested;
  for (const Row& row : rows()) {
    EXPECT_TRUE(tested.insert(row.variable).second) << row.variable << " is listed twice";
    EXPECT_TRUE(row.invalid.empty() != row.why_no_invalid.empty()) << row.variable;
  }
  for (const auto& variable : documented) EXPECT_TRUE(tested.count(variable)) << variable << " is not tested";
  for (const auto& variable : tested) EXPECT_TRUE(documented.count(variable)) << variable << " is not documented";
}

class config_row : public ::testing::TestWithParam<Row> {
 protected:
  InvocationResult start_and_invoke(const Env& env) {
    EmulatorOptions options;
    options.bootstrap_path = SHOPPULSE_BOOTSTRAP_PATH;
    options.env = env;
    auto started = RuntimeEmulator::start(std::move(options));
    if (!started) throw std::runtime_error(started.error().message);
    emulator_ = std::move(*started);
    std::ifstream in(std::string(SHOPPULSE_TEST_DATA_DIR) + "/events/derived/apigw-v1-health.json");
    std::stringstream health;
    health << in.rdbuf();
    return emulator_->invoke(health.str());
  }

  void TearDown() override {
    if (emulator_) emulator_->stop();
  }

  std::unique_ptr<RuntimeEmulator> emulator_;
};

TEST_P(config_row, ValidValueGetsPastConfiguration) {
  const Row& row = GetParam();
  if (row.valid.empty()) GTEST_SKIP() << row.why_no_invalid;
  Env env = context(row.needs);
  env[row.variable] = row.valid;
  const auto result = start_and_invoke(env);
  if (row.needs == Needs::kSecret) {
    // Configuration accepted; the fetch from the closed endpoint fails.
    EXPECT_EQ(result.outcome, Outcome::kInitError) << result.body;
    EXPECT_EQ(result.error_type, "Runtime.InitError") << result.body;
  } else {
    EXPECT_EQ(result.outcome, Outcome::kResponse) << result.error_type << " " << result.body;
  }
}

TEST_P(config_row, InvalidValueIsAnInvalidConfigInitErrorThatNamesTheVariableOnly) {
  const Row& row = GetParam();
  if (row.invalid.empty()) GTEST_SKIP() << row.why_no_invalid;
  Env env = context(row.needs);
  env[row.variable] = row.invalid;
  const auto result = start_and_invoke(env);
  ASSERT_EQ(result.outcome, Outcome::kInitError) << result.body;
  EXPECT_EQ(result.error_type, "Runtime.InvalidConfig");
  const auto body = nlohmann::json::parse(result.body);
  const std::string message = body.at("errorMessage");
  EXPECT_NE(message.find(row.variable), std::string::npos) << message;
  EXPECT_EQ(message.find(row.invalid), std::string::npos) << "the value is echoed: " << message;
  for (const auto& lines : {emulator_->stdout_lines(), emulator_->stderr_lines()}) {
    for (const auto& line : lines) {
      EXPECT_EQ(line.find(row.invalid), std::string::npos) << "the value reached a log line: " << line;
    }
  }
  const auto exit = emulator_->wait_for_exit(10s);
  ASSERT_TRUE(exit.has_value());
  EXPECT_NE(exit->code, 0);
}

INSTANTIATE_TEST_SUITE_P(readme, config_row, ::testing::ValuesIn(rows()),
                         [](const ::testing::TestParamInfo<Row>& param) { return param.param.variable; });

// The regressions named in issue 18, each through the real bootstrap.
class config_regression : public config_row {};

TEST_F(config_regression, NoDatabaseSettingFailsInitNamingBothVariables) {
  const auto result = start_and_invoke({});
  ASSERT_EQ(result.outcome, Outcome::kInitError) << result.body;
  EXPECT_EQ(result.error_type, "Runtime.InvalidConfig");
  const std::string message = nlohmann::json::parse(result.body).at("errorMessage");
  EXPECT_NE(message.find("DATABASE_URL"), std::string::npos) << message;
  EXPECT_NE(message.find("RDS_SECRET_ARN"), std::string::npos) << message;
}

TEST_F(config_regression, AnInvalidSecretCacheSettingIsInvalidConfigNotInitError) {
  Env env = context(Needs::kSecret);
  env["SECRET_TTL_SECONDS"] = "abc";
  const auto result = start_and_invoke(env);
  ASSERT_EQ(result.outcome, Outcome::kInitError);
  EXPECT_EQ(result.error_type, "Runtime.InvalidConfig") << result.body;
}

TEST_F(config_regression, AnInvalidAwsSettingFailsInitInsteadOfDisablingTheEmbedRoute) {
  Env env = context(Needs::kAws);
  env["AWS_MAX_ATTEMPTS"] = "lots";
  const auto result = start_and_invoke(env);
  ASSERT_EQ(result.outcome, Outcome::kInitError);
  EXPECT_EQ(result.error_type, "Runtime.InvalidConfig") << result.body;
}

// Not configured is not invalid: a local run without AWS credentials serves,
// and says once at init why the embed route will answer 503.
TEST_F(config_regression, MissingAwsCredentialsAreAWarningNotAnInitError) {
  Env env = context(Needs::kDatabaseUrl);
  env.erase("AWS_ACCESS_KEY_ID");
  env.erase("AWS_SECRET_ACCESS_KEY");
  const auto result = start_and_invoke(env);
  EXPECT_EQ(result.outcome, Outcome::kResponse) << result.body;
  int warnings = 0;
  for (const auto& line : emulator_->stdout_lines()) {
    if (line.find("QuickSight client not configured") != std::string::npos) ++warnings;
  }
  EXPECT_EQ(warnings, 1);
}

}  // namespace
}  // namespace shoppulse::emulator
