#pragma once
// Access to the throwaway PostgreSQL cluster started by scripts/pg.sh
// (the ctest fixture `postgres`). Each test gets its own database cloned from
// shoppulse_template (migrated + seeded), so tests never share state; the
// cloning is tools/pg_fixture's, shared with the replay runner.
//
// Failures throw std::runtime_error with a clear message: inside a GoogleTest
// test body that is reported as a failed test, not a crash.

#include <libpq-fe.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shoppulse/pg_fixture/cloned_database.h"

namespace shoppulse::test {

inline constexpr std::string_view kAppLoginRole = "shoppulse_lambda";
inline constexpr std::string_view kAppLoginPassword = "lambda-test-password";
inline constexpr std::string_view kTemplateDatabase = "shoppulse_template";

// The cluster named by SHOPPULSE_TEST_PG_DIR (set by ctest for NEEDS_PG tests).
class TestPostgres {
 public:
  // Throws when SHOPPULSE_TEST_PG_DIR is unset or the cluster was never started.
  TestPostgres();

  [[nodiscard]] const std::string& dir() const noexcept { return dir_; }
  [[nodiscard]] const std::string& host() const noexcept { return cluster_.host; }
  [[nodiscard]] int port() const noexcept { return cluster_.port; }
  [[nodiscard]] const pg_fixture::Cluster& cluster() const noexcept { return cluster_; }

  // Trusted superuser `postgres` over TCP.
  [[nodiscard]] std::string superuser_conninfo(std::string_view dbname = "postgres") const {
    return cluster_.superuser_conninfo(dbname);
  }
  // The Lambda's login role (member of shoppulse_app) with its password.
  [[nodiscard]] std::string app_conninfo(std::string_view dbname) const { return cluster_.app_conninfo(dbname); }

  // scripts/pg.sh restart|status DIR; restart throws on failure.
  void restart() const;
  [[nodiscard]] bool running() const;
  [[nodiscard]] static std::string pg_sh_path();

 private:
  std::string dir_;
  pg_fixture::Cluster cluster_;
};

struct PgConnDeleter {
  void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnDeleter>;

// What one statement (or the last of a multi-statement string) produced.
struct SqlOutcome {
  bool ok = false;
  std::string sqlstate;  // empty on success
  std::string error;     // primary error message, empty on success
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
  long affected = 0;  // PQcmdTuples, 0 when not applicable

  // Throws unless ok and the cell exists and is not NULL.
  [[nodiscard]] std::string value(std::size_t row = 0, std::size_t col = 0) const;
};

// One libpq connection for test setup and assertions (RAII).
class PgSession {
 public:
  // Throws with libpq's message when the connection fails.
  explicit PgSession(const std::string& conninfo);

  // Never throws for SQL errors: the outcome carries the SQLSTATE so tests can
  // assert on it. Multi-statement strings report the first error or last result.
  SqlOutcome run(std::string_view sql);
  SqlOutcome run(std::string_view sql, const std::vector<std::optional<std::string>>& params);
  // As run(), but throws on any SQL error (for setup steps that must work).
  SqlOutcome exec(std::string_view sql);
  SqlOutcome exec(std::string_view sql, const std::vector<std::optional<std::string>>& params);

  [[nodiscard]] PGconn* raw() const noexcept { return conn_.get(); }

 private:
  PgConnPtr conn_;
};

using DbTemplate = pg_fixture::Source;

// A uniquely named database for one test; dropped (WITH (FORCE)) on destruction.
class TestDatabase {
 public:
  explicit TestDatabase(DbTemplate source = DbTemplate::kSeededTemplate);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  TestDatabase(TestDatabase&&) = delete;
  TestDatabase& operator=(TestDatabase&&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return clone_->name(); }
  [[nodiscard]] const TestPostgres& server() const noexcept { return server_; }
  [[nodiscard]] std::string superuser_conninfo() const { return server_.superuser_conninfo(name()); }
  [[nodiscard]] std::string app_conninfo() const { return server_.app_conninfo(name()); }

  // How many users the tenant has, counted as superuser (row-level security
  // does not apply): tests derive expected counts from the seed with it
  // instead of hard-coding them.
  [[nodiscard]] long users_in_tenant(std::string_view tenant_id);

  // Superuser statement(s) in this database; throws on error.
  SqlOutcome exec(std::string_view sql);
  SqlOutcome exec(std::string_view sql, const std::vector<std::optional<std::string>>& params);

 private:
  PgSession& superuser();

  TestPostgres server_;
  std::unique_ptr<pg_fixture::ClonedDatabase> clone_;
  std::unique_ptr<PgSession> superuser_;  // after clone_: closed before the clone is dropped
};

// Runs a shell command, returning its exit status and combined stdout+stderr.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult run_command(const std::string& command);

// Single-quotes a value for /bin/sh.
std::string shell_quote(std::string_view value);

}  // namespace shoppulse::test
