#pragma once
// Helpers for the schema tests: running sql/migrate.sh and psql against a test
// database, and asserting on SQLSTATEs.

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "test_db.h"

namespace shoppulse::sqltest {

using shoppulse::test::CommandResult;
using shoppulse::test::PgSession;
using shoppulse::test::SqlOutcome;
using shoppulse::test::TestDatabase;

inline constexpr const char* kAcme = "11111111-1111-4111-8111-111111111111";
inline constexpr const char* kGlobex = "22222222-2222-4222-8222-222222222222";

inline std::string source_path(const std::string& relative) {
  return std::string(SHOPPULSE_SOURCE_DIR) + "/" + relative;
}

// PG* environment for a superuser shell command against `db`.
inline std::string pg_env(const TestDatabase& db) {
  return "env -u DATABASE_URL PGHOST=" + db.server().host() + " PGPORT=" + std::to_string(db.server().port()) +
         " PGUSER=postgres PGDATABASE=" + db.name() + " ";
}

inline CommandResult migrate(const TestDatabase& db, const std::string& args = "",
                             const std::string& script = source_path("sql/migrate.sh")) {
  return shoppulse::test::run_command(pg_env(db) + shoppulse::test::shell_quote(script) + " " + args);
}

// A session as the Lambda's login role with app.tenant_id set for an open
// transaction (empty tenant: none set).
inline PgSession app_session(const TestDatabase& db, const std::string& tenant) {
  PgSession session(db.app_conninfo());
  session.exec("BEGIN");
  if (!tenant.empty()) session.exec("SELECT set_config('app.tenant_id', $1, true)", {tenant});
  return session;
}

// Runs one statement inside the session's open transaction under a savepoint,
// so a failure does not abort the transaction for the checks that follow.
inline SqlOutcome attempt(PgSession& session, const std::string& sql,
                          const std::vector<std::optional<std::string>>& params = {}) {
  session.exec("SAVEPOINT attempt");
  SqlOutcome outcome = session.run(sql, params);
  session.exec(outcome.ok ? "RELEASE SAVEPOINT attempt" : "ROLLBACK TO SAVEPOINT attempt");
  return outcome;
}

inline ::testing::AssertionResult fails_with(const SqlOutcome& outcome, const std::string& sqlstate) {
  if (outcome.ok) return ::testing::AssertionFailure() << "statement succeeded, expected SQLSTATE " << sqlstate;
  if (outcome.sqlstate != sqlstate) {
    return ::testing::AssertionFailure() << "expected SQLSTATE " << sqlstate << ", got " << outcome.sqlstate << ": "
                                         << outcome.error;
  }
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult succeeds(const SqlOutcome& outcome) {
  if (outcome.ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "SQLSTATE " << outcome.sqlstate << ": " << outcome.error;
}

}  // namespace shoppulse::sqltest
