// sql/migrate.sh and the migration files themselves.

#include <filesystem>
#include <fstream>
#include <set>

#include "sql_helpers.h"

namespace shoppulse::sqltest {
namespace {

namespace fs = std::filesystem;
using shoppulse::test::DbTemplate;
using shoppulse::test::run_command;
using shoppulse::test::shell_quote;

std::vector<fs::path> migration_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(source_path("sql/migrations"))) {
    if (entry.path().extension() == ".sql") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string sha256_of(const fs::path& file) {
  const CommandResult result = run_command("sha256sum " + shell_quote(file.string()));
  return result.output.substr(0, 64);
}

const std::set<std::string> kTenantTables = {
    "users",      "orders",           "fulfillment",           "marketing_campaigns",
    "audit_logs", "governance_rules", "role_metric_visibility"};

void expect_full_schema(TestDatabase& db) {
  for (const std::string& table : kTenantTables) {
    SqlOutcome rls = db.exec(
        "SELECT c.relrowsecurity AND c.relforcerowsecurity, EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = "
        "c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped AND a.attnotnull) FROM pg_class c "
        "WHERE c.oid = to_regclass($1)",
        {table});
    ASSERT_EQ(rls.rows.size(), 1U) << table << " is missing";
    EXPECT_EQ(rls.value(0, 0), "t") << table << ": RLS must be ENABLEd and FORCEd";
    EXPECT_EQ(rls.value(0, 1), "t") << table << ": needs tenant_id NOT NULL";
  }
  EXPECT_EQ(
      db.exec("SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = 'tenants'::regclass").value(),
      "t");
}

TEST(SqlMigrations, ApplyToAnEmptyDatabaseAndRecordChecksums) {
  TestDatabase db(DbTemplate::kEmpty);
  const CommandResult first = migrate(db);
  ASSERT_EQ(first.exit_code, 0) << first.output;

  const std::vector<fs::path> files = migration_files();
  ASSERT_GE(files.size(), 7U);
  SqlOutcome recorded = db.exec("SELECT version, checksum FROM schema_migrations ORDER BY version");
  ASSERT_EQ(recorded.rows.size(), files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(recorded.value(i, 0), files[i].stem().string());
    EXPECT_EQ(recorded.value(i, 1), sha256_of(files[i])) << "checksum must be sha256 hex of the file bytes";
  }
  expect_full_schema(db);
}

TEST(SqlMigrations, ReapplyingIsANoOp) {
  TestDatabase db(DbTemplate::kEmpty);
  ASSERT_EQ(migrate(db).exit_code, 0);
  const std::string before =
      db.exec("SELECT string_agg(version || applied_at, ',' ORDER BY version) FROM schema_migrations").value();
  const CommandResult again = migrate(db);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("up to date"), std::string::npos) << again.output;
  EXPECT_EQ(again.output.find("applied 0"), std::string::npos) << again.output;
  EXPECT_EQ(db.exec("SELECT string_agg(version || applied_at, ',' ORDER BY version) FROM schema_migrations").value(),
            before);
}

TEST(SqlMigrations, AModifiedAppliedFileIsRefused) {
  TestDatabase db(DbTemplate::kEmpty);
  ASSERT_EQ(migrate(db).exit_code, 0);

  const fs::path copy = fs::temp_directory_path() / ("shoppulse-sql-" + db.name());
  fs::remove_all(copy);
  fs::copy(source_path("sql"), copy, fs::copy_options::recursive);
  { std::ofstream(copy / "migrations" / "0002_tenants_and_users.sql", std::ios::app) << "\n-- edited later\n"; }
  const CommandResult refused = migrate(db, "", (copy / "migrate.sh").string());
  fs::remove_all(copy);

  EXPECT_NE(refused.exit_code, 0) << refused.output;
  EXPECT_NE(refused.output.find("0002_tenants_and_users was modified"), std::string::npos) << refused.output;
}

TEST(SqlMigrations, AFailingMigrationRollsBackOnlyItself) {
  TestDatabase db(DbTemplate::kEmpty);
  const fs::path copy = fs::temp_directory_path() / ("shoppulse-sql-" + db.name());
  fs::remove_all(copy);
  fs::copy(source_path("sql"), copy, fs::copy_options::recursive);
  { std::ofstream(copy / "migrations" / "9999_broken.sql") << "CREATE TABLE half_done (id int);\nSELECT 1 / 0;\n"; }
  const CommandResult broken = migrate(db, "", (copy / "migrate.sh").string());
  fs::remove_all(copy);

  EXPECT_NE(broken.exit_code, 0);
  EXPECT_NE(broken.output.find("division by zero"), std::string::npos) << broken.output;
  EXPECT_EQ(db.exec("SELECT to_regclass('half_done') IS NULL").value(), "t");
  EXPECT_EQ(db.exec("SELECT count(*) FROM schema_migrations").value(), std::to_string(migration_files().size()));
}

TEST(SqlMigrations, ConcurrentMigratorsApplyEachFileOnce) {
  TestDatabase db(DbTemplate::kEmpty);
  const std::string one = pg_env(db) + shell_quote(source_path("sql/migrate.sh"));
  const CommandResult both = run_command("(" + one + " & p1=$!; " + one +
                                         " & p2=$!; wait $p1; r1=$?; wait $p2; r2=$?; " + "exit $((r1 + r2)))");
  ASSERT_EQ(both.exit_code, 0) << both.output;
  EXPECT_EQ(db.exec("SELECT count(*) FROM schema_migrations").value(), std::to_string(migration_files().size()));
  expect_full_schema(db);
}

TEST(SqlMigrations, PlainPsqlInOrderWorks) {
  TestDatabase db(DbTemplate::kEmpty);
  for (const fs::path& file : migration_files()) {
    const CommandResult applied =
        run_command(pg_env(db) + "psql -X -q -v ON_ERROR_STOP=1 -f " + shell_quote(file.string()));
    ASSERT_EQ(applied.exit_code, 0) << file << ": " << applied.output;
  }
  expect_full_schema(db);
}

TEST(SqlMigrations, EachFileRunsInsideOneTransaction) {
  // The C++ migrator sends each file as one multi-statement query between
  // BEGIN and COMMIT; psql --single-transaction is the same constraint.
  TestDatabase db(DbTemplate::kEmpty);
  for (const fs::path& file : migration_files()) {
    const CommandResult applied =
        run_command(pg_env(db) + "psql -X -q -v ON_ERROR_STOP=1 --single-transaction -f " + shell_quote(file.string()));
    ASSERT_EQ(applied.exit_code, 0) << file << ": " << applied.output;
    // Statements only (comments may mention what is forbidden).
    std::ifstream in(file);
    std::string text = "\n";
    for (std::string line; std::getline(in, line);) text += line.substr(0, line.find("--")) + "\n";
    for (const char* forbidden :
         {"\n\\", "BEGIN;", "COMMIT;", "ROLLBACK", "CONCURRENTLY", "VACUUM", "PASSWORD", "CREATE DATABASE"}) {
      EXPECT_EQ(text.find(forbidden), std::string::npos) << file << " contains " << forbidden;
    }
  }
  expect_full_schema(db);
}

TEST(SqlMigrations, AppRoleIsLeastPrivilege) {
  TestDatabase db;
  SqlOutcome role = db.exec(
      "SELECT rolcanlogin, rolbypassrls, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = "
      "'shoppulse_app'");
  ASSERT_EQ(role.rows.size(), 1U);
  for (std::size_t c = 0; c < 5; ++c) EXPECT_EQ(role.value(0, c), "f") << role.columns[c];
  EXPECT_EQ(db.exec("SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = 'shoppulse_lambda'").value(), "f");
  EXPECT_EQ(
      db.exec("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = 'shoppulse_app'").value(),
      "0");

  const std::pair<const char*, const char*> refused[] = {
      {"tenants", "INSERT"},      {"tenants", "UPDATE"},     {"tenants", "DELETE"},           {"orders", "INSERT"},
      {"orders", "UPDATE"},       {"fulfillment", "DELETE"}, {"audit_logs", "UPDATE"},        {"audit_logs", "DELETE"},
      {"audit_logs", "TRUNCATE"}, {"users", "TRUNCATE"},     {"schema_migrations", "SELECT"},
  };
  for (const auto& [table, privilege] : refused) {
    EXPECT_EQ(db.exec("SELECT has_table_privilege('shoppulse_app', $1, $2)", {table, privilege}).value(), "f")
        << "shoppulse_app must not have " << privilege << " on " << table;
  }
  EXPECT_EQ(db.exec("SELECT has_column_privilege('shoppulse_app', 'users', 'tenant_id', 'UPDATE')").value(), "f");
  EXPECT_EQ(db.exec("SELECT has_table_privilege('shoppulse_app', 'audit_logs', 'INSERT')").value(), "t");
}

}  // namespace
}  // namespace shoppulse::sqltest
