#include "test_db.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>

namespace shoppulse::test {
namespace {

struct PgResultDeleter {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

std::string random_suffix() {
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::random_device device;
  std::mt19937_64 rng(device());
  std::uniform_int_distribution<std::size_t> pick(0, kHex.size() - 1);
  std::string out;
  for (int i = 0; i < 16; ++i) out += kHex[pick(rng)];
  return out;
}

SqlOutcome outcome_from(PGconn* conn, PGresult* result) {
  SqlOutcome out;
  if (result == nullptr) {
    out.error = PQerrorMessage(conn);
    out.sqlstate = "08006";
    return out;
  }
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    out.sqlstate = state != nullptr ? state : "08006";
    out.error = primary != nullptr ? primary : PQresultErrorMessage(result);
    return out;
  }
  out.ok = true;
  const int columns = PQnfields(result);
  for (int c = 0; c < columns; ++c) out.columns.emplace_back(PQfname(result, c));
  const int rows = PQntuples(result);
  for (int r = 0; r < rows; ++r) {
    auto& row = out.rows.emplace_back();
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(result, r, c) != 0) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(result, r, c), static_cast<std::size_t>(PQgetlength(result, r, c))));
      }
    }
  }
  const char* tuples = PQcmdTuples(result);
  if (tuples != nullptr && *tuples != '\0') out.affected = std::strtol(tuples, nullptr, 10);
  return out;
}

SqlOutcome throw_unless_ok(SqlOutcome outcome, std::string_view sql) {
  if (!outcome.ok) {
    throw std::runtime_error("SQL failed [" + outcome.sqlstate + "] " + outcome.error + " in: " + std::string(sql));
  }
  return outcome;
}

}  // namespace

TestPostgres::TestPostgres() {
  const char* dir = std::getenv("SHOPPULSE_TEST_PG_DIR");
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error(
        "SHOPPULSE_TEST_PG_DIR is not set: run this test through ctest (it needs the `postgres` fixture), "
        "or start one with scripts/pg.sh start DIR and export SHOPPULSE_TEST_PG_DIR=DIR");
  }
  dir_ = dir;
  auto cluster = pg_fixture::Cluster::from_dir(dir_);
  if (!cluster) {
    throw std::runtime_error("no running test PostgreSQL in " + dir_ + " (" + cluster.error().message +
                             "): did the postgres.start fixture fail?");
  }
  cluster_ = std::move(*cluster);
}

std::string TestPostgres::pg_sh_path() {
  return std::string(SHOPPULSE_SOURCE_DIR) + "/scripts/pg.sh";
}

void TestPostgres::restart() const {
  const CommandResult result = run_command(shell_quote(pg_sh_path()) + " restart " + shell_quote(dir_));
  if (result.exit_code != 0) throw std::runtime_error("pg.sh restart failed: " + result.output);
}

bool TestPostgres::running() const {
  return run_command(shell_quote(pg_sh_path()) + " status " + shell_quote(dir_)).exit_code == 0;
}

std::string SqlOutcome::value(std::size_t row, std::size_t col) const {
  if (!ok) throw std::runtime_error("no value: statement failed [" + sqlstate + "] " + error);
  if (row >= rows.size() || col >= rows[row].size()) {
    throw std::runtime_error("no value at row " + std::to_string(row) + " column " + std::to_string(col));
  }
  if (!rows[row][col]) throw std::runtime_error("value at row " + std::to_string(row) + " is NULL");
  return *rows[row][col];
}

PgSession::PgSession(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
  if (!conn_) throw std::runtime_error("PQconnectdb: out of memory");
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    throw std::runtime_error(std::string("cannot connect to test PostgreSQL: ") + PQerrorMessage(conn_.get()));
  }
}

SqlOutcome PgSession::run(std::string_view sql) {
  // PQexec runs every statement of a multi-statement string; keep only the
  // first failure, or the last result when all succeed.
  const std::string text(sql);
  if (PQsendQuery(conn_.get(), text.c_str()) == 0) return outcome_from(conn_.get(), nullptr);
  std::optional<SqlOutcome> outcome;
  while (PGresult* raw = PQgetResult(conn_.get())) {
    PgResultPtr result(raw);
    SqlOutcome current = outcome_from(conn_.get(), result.get());
    if (!outcome || outcome->ok) outcome = std::move(current);
  }
  if (!outcome) return outcome_from(conn_.get(), nullptr);
  return std::move(*outcome);
}

SqlOutcome PgSession::run(std::string_view sql, const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  const std::string text(sql);
  PgResultPtr result(PQexecParams(conn_.get(), text.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                  nullptr, nullptr, 0));
  return outcome_from(conn_.get(), result.get());
}

SqlOutcome PgSession::exec(std::string_view sql) {
  return throw_unless_ok(run(sql), sql);
}

SqlOutcome PgSession::exec(std::string_view sql, const std::vector<std::optional<std::string>>& params) {
  return throw_unless_ok(run(sql, params), sql);
}

TestDatabase::TestDatabase(DbTemplate source) {
  auto clone = pg_fixture::ClonedDatabase::create(server_.cluster(), "t_" + random_suffix(), source);
  if (!clone) throw std::runtime_error("cannot create a test database: " + clone.error().message);
  clone_ = std::move(*clone);
}

TestDatabase::~TestDatabase() = default;

PgSession& TestDatabase::superuser() {
  if (!superuser_ || PQstatus(superuser_->raw()) != CONNECTION_OK) {
    superuser_ = std::make_unique<PgSession>(superuser_conninfo());
  }
  return *superuser_;
}

long TestDatabase::users_in_tenant(std::string_view tenant_id) {
  return std::stol(exec("SELECT count(*) FROM users WHERE tenant_id = $1", {std::string(tenant_id)}).value());
}

SqlOutcome TestDatabase::exec(std::string_view sql) {
  return superuser().exec(sql);
}

SqlOutcome TestDatabase::exec(std::string_view sql, const std::vector<std::optional<std::string>>& params) {
  return superuser().exec(sql, params);
}

std::string shell_quote(std::string_view value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  quoted += '\'';
  return quoted;
}

CommandResult run_command(const std::string& command) {
  CommandResult result;
  const std::string full = command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed for: " + command);
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace shoppulse::test
