// {"action":"migrate"} through the real bootstrap (how a database in
// isolated subnets is migrated): applies every file on an empty database,
// is a no-op the second time, agrees with sql/migrate.sh, and refuses a
// changed applied file.

#include "bootstrap_harness.h"

namespace shoppulse::test {
namespace {

std::unique_ptr<emulator::RuntimeEmulator> migrator_for(const TestDatabase& database, const std::string& dir) {
  const std::string url =
      "postgresql://postgres@127.0.0.1:" + std::to_string(database.server().port()) + "/" + database.name();
  return start_bootstrap({{"DATABASE_URL", url}, {"SHOPPULSE_MIGRATIONS_DIR", dir}}, 60000);
}

nlohmann::json migrate(emulator::RuntimeEmulator& sandbox) {
  const auto result = sandbox.invoke(R"({"action":"migrate"})");
  EXPECT_TRUE(result.ok()) << result.error_type << " " << result.body;
  return nlohmann::json::parse(result.body, nullptr, false);
}

const std::string kMigrations = std::string(SHOPPULSE_SOURCE_DIR) + "/sql/migrations";

TEST(MigrateAction, AppliesEverythingOnceThenIsANoOp) {
  TestDatabase database(DbTemplate::kEmpty);
  auto sandbox = migrator_for(database, kMigrations);
  ASSERT_NE(sandbox, nullptr);
  const auto first = migrate(*sandbox);
  const auto files = database.exec("SELECT count(*) FROM schema_migrations").value();
  EXPECT_EQ(first["applied"].size(), std::stoul(files));
  EXPECT_GE(first["applied"].size(), 7U);
  EXPECT_EQ(first["skipped"], 0);
  const auto second = migrate(*sandbox);
  EXPECT_EQ(second["applied"].size(), 0U);
  EXPECT_EQ(second["skipped"], std::stoi(files));
  EXPECT_EQ(database.exec("SELECT count(*) FROM pg_tables WHERE tablename = 'audit_logs'").value(), "1");
}

TEST(MigrateAction, AgreesWithMigrateShOnChecksums) {
  TestDatabase database(DbTemplate::kEmpty);
  const std::string command =
      "DATABASE_URL='postgresql://postgres@127.0.0.1:" + std::to_string(database.server().port()) + "/" +
      database.name() + "' " + std::string(SHOPPULSE_SOURCE_DIR) + "/sql/migrate.sh";
  const auto shell = run_command(command);
  ASSERT_EQ(shell.exit_code, 0) << shell.output;
  auto sandbox = migrator_for(database, kMigrations);
  ASSERT_NE(sandbox, nullptr);
  const auto result = migrate(*sandbox);
  EXPECT_EQ(result["applied"].size(), 0U);  // same table, same sha256: nothing pending
}

TEST(MigrateAction, AChangedAppliedFileIsRefused) {
  TestDatabase database(DbTemplate::kEmpty);
  auto sandbox = migrator_for(database, kMigrations);
  ASSERT_NE(sandbox, nullptr);
  static_cast<void>(migrate(*sandbox));
  database.exec("UPDATE schema_migrations SET checksum = 'tampered' WHERE version LIKE '0001%'");
  const auto result = sandbox->invoke(R"({"action":"migrate"})");
  EXPECT_EQ(result.outcome, emulator::InvocationResult::Outcome::kFunctionError);
  EXPECT_EQ(result.error_type, "Function.MigrationFailed");
  EXPECT_NE(result.body.find("modified"), std::string::npos);
}

}  // namespace
}  // namespace shoppulse::test
