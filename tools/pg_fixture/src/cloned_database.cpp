#include "shoppulse/pg_fixture/cloned_database.h"

#include <libpq-fe.h>

#include <fstream>
#include <iostream>

namespace shoppulse::pg_fixture {
namespace {

namespace fs = std::filesystem;

Error fixture_error(std::string message) {
  return Error::make(ErrorKind::kUnavailable, "pg_fixture", std::move(message));
}

struct PgConnCloser {
  void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
using PgConn = std::unique_ptr<PGconn, PgConnCloser>;

struct PgResultCloser {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, PgResultCloser>;

Status run_admin_sql(const std::string& conninfo, const std::string& sql) {
  PgConn conn(PQconnectdb(conninfo.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return fail(fixture_error(std::string("cannot connect to the test cluster: ") + PQerrorMessage(conn.get())));
  }
  const PgResult result(PQexec(conn.get(), sql.c_str()));
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    return fail(fixture_error(sql + ": " + PQresultErrorMessage(result.get())));
  }
  return {};
}

std::string conninfo_value(std::string_view value) {
  std::string quoted = "'";
  for (const char c : value) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '\'';
  return quoted;
}

std::string quote_ident(std::string_view name) {
  std::string quoted = "\"";
  for (const char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string get_or(const std::map<std::string, std::string>& vars, const std::string& key,
                   const std::string& fallback) {
  const auto it = vars.find(key);
  return it == vars.end() ? fallback : it->second;
}

}  // namespace

Result<std::map<std::string, std::string>> read_env_file(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return fail(fixture_error("cannot read " + file.string()));
  std::map<std::string, std::string> vars;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    vars[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return vars;
}

Result<Cluster> Cluster::from_dir(const fs::path& dir) {
  auto env = read_env_file(dir / "env");
  if (!env) return fail(env.error());
  Cluster cluster;
  cluster.host = get_or(*env, "PGHOST", "127.0.0.1");
  const std::string port = get_or(*env, "PGPORT", "");
  try {
    cluster.port = std::stoi(port);
  } catch (const std::exception&) {
    return fail(fixture_error("no valid PGPORT in " + (dir / "env").string()));
  }
  cluster.app_user = get_or(*env, "SHOPPULSE_PG_APP_USER", "");
  cluster.app_password = get_or(*env, "SHOPPULSE_PG_APP_PASSWORD", "");
  cluster.template_database = get_or(*env, "SHOPPULSE_PG_TEMPLATE_DB", "");
  if (cluster.app_user.empty() || cluster.template_database.empty()) {
    return fail(fixture_error((dir / "env").string() + " lacks SHOPPULSE_PG_APP_USER or SHOPPULSE_PG_TEMPLATE_DB"));
  }
  cluster.env = std::move(*env);
  return cluster;
}

std::string Cluster::superuser_conninfo(std::string_view dbname) const {
  return "host=" + host + " port=" + std::to_string(port) + " user=postgres dbname=" + conninfo_value(dbname) +
         " connect_timeout=10 application_name=shoppulse-test";
}

std::string Cluster::app_conninfo(std::string_view dbname) const {
  return "host=" + host + " port=" + std::to_string(port) + " user=" + conninfo_value(app_user) +
         " password=" + conninfo_value(app_password) + " dbname=" + conninfo_value(dbname) +
         " connect_timeout=10 application_name=shoppulse-test";
}

std::string Cluster::app_url(std::string_view dbname) const {
  return "postgresql://" + app_user + ":" + app_password + "@" + host + ":" + std::to_string(port) + "/" +
         std::string(dbname);
}

Result<std::unique_ptr<ClonedDatabase>> ClonedDatabase::create(const Cluster& cluster, std::string name,
                                                               Source source) {
  const std::string from = source == Source::kSeededTemplate ? cluster.template_database : "template0";
  std::string admin = cluster.superuser_conninfo("postgres");
  if (auto created = run_admin_sql(admin, "CREATE DATABASE " + quote_ident(name) + " TEMPLATE " + quote_ident(from));
      !created) {
    return fail(created.error());
  }
  return std::unique_ptr<ClonedDatabase>(new ClonedDatabase(std::move(admin), std::move(name)));
}

ClonedDatabase::ClonedDatabase(std::string admin_conninfo, std::string name)
    : admin_conninfo_(std::move(admin_conninfo)), name_(std::move(name)) {}

ClonedDatabase::~ClonedDatabase() {
  const Status dropped =
      run_admin_sql(admin_conninfo_, "DROP DATABASE IF EXISTS " + quote_ident(name_) + " WITH (FORCE)");
  if (!dropped) std::cerr << "warning: could not drop database " << name_ << ": " << dropped.error().message << '\n';
}

}  // namespace shoppulse::pg_fixture
