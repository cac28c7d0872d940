#include "suite.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <libpq-fe.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "shoppulse/core/ascii.h"

namespace shoppulse::replay {
namespace {

namespace fs = std::filesystem;

Error config_error(const std::string& message) {
  return Error::make(ErrorKind::kInvalidInput, "replay_config", message);
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct PgConnCloser {
  void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
using PgConn = std::unique_ptr<PGconn, PgConnCloser>;

struct PgResultCloser {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};

Status run_admin_sql(const std::string& conninfo, const std::string& sql) {
  PgConn conn(PQconnectdb(conninfo.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return fail(config_error(std::string("cannot connect to the test cluster: ") + PQerrorMessage(conn.get())));
  }
  std::unique_ptr<PGresult, PgResultCloser> result(PQexec(conn.get(), sql.c_str()));
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    return fail(config_error(sql + ": " + PQresultErrorMessage(result.get())));
  }
  return {};
}

std::string get_or(const std::map<std::string, std::string>& vars, const std::string& key,
                   const std::string& fallback) {
  const auto it = vars.find(key);
  return it == vars.end() ? fallback : it->second;
}

}  // namespace

Result<SuiteConfig> load_suite_config(const fs::path& dir) {
  SuiteConfig config;
  const fs::path file = dir / "suite.json";
  if (!fs::exists(file)) return config;
  std::ifstream in(file);
  const auto doc = nlohmann::json::parse(in, nullptr, false);
  if (!doc.is_object()) return fail(config_error(file.string() + " is not a JSON object"));
  for (const auto& [key, value] : doc.items()) {
    if (key == "env") {
      if (!value.is_object()) return fail(config_error("suite.json: env must be an object of strings"));
      for (const auto& [name, v] : value.items()) {
        if (!v.is_string()) return fail(config_error("suite.json: env." + name + " must be a string"));
        config.env[name] = v.get<std::string>();
      }
    } else if (key == "fake_aws") {
      if (!value.is_object()) return fail(config_error("suite.json: fake_aws must be an object (a FakeAws state)"));
      config.fake_aws = value;
    } else if (key == "needs_postgres") {
      if (!value.is_boolean()) return fail(config_error("suite.json: needs_postgres must be a boolean"));
      config.needs_postgres = value.get<bool>();
    } else if (key == "timeout_ms") {
      if (!value.is_number_integer() || value.get<long long>() <= 0) {
        return fail(config_error("suite.json: timeout_ms must be a positive integer"));
      }
      config.timeout_ms = value.get<int>();
    } else if (key.rfind('$', 0) != 0) {  // "$comment" and friends are free text
      return fail(config_error("suite.json: unknown key " + key));
    }
  }
  return config;
}

Result<std::map<std::string, std::string>> read_env_file(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return fail(config_error("cannot read " + file.string()));
  std::map<std::string, std::string> vars;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    vars[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return vars;
}

Result<std::string> substitute(const std::string& value, const std::map<std::string, std::string>& vars) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '$') {
      out.push_back(value[i]);
      continue;
    }
    if (i + 1 < value.size() && value[i + 1] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    if (i + 1 >= value.size() || value[i + 1] != '{') {
      out.push_back('$');
      continue;
    }
    const auto close = value.find('}', i + 2);
    if (close == std::string::npos) return fail(config_error("unterminated ${ in \"" + value + "\""));
    const std::string name = value.substr(i + 2, close - i - 2);
    const auto it = vars.find(name);
    if (it == vars.end())
      return fail(
          config_error(std::string("unknown variable ${").append(name).append("} in \"").append(value).append("\"")));
    out += it->second;
    i = close;
  }
  return out;
}

std::vector<fs::path> event_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    if (name == "suite.json" || ends_with(name, ".expected.json")) continue;
    if (ends_with(name, ".json") || ends_with(name, ".raw")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

fs::path golden_path(const fs::path& event) {
  return event.parent_path() / (event.stem().string() + ".expected.json");
}

Result<std::unique_ptr<SuiteDatabase>> SuiteDatabase::create(const fs::path& fixture_dir,
                                                             const std::string& suite_name) {
  auto fixture = read_env_file(fixture_dir / "env");
  if (!fixture) return fail(fixture.error());
  auto vars = *fixture;
  const std::string host = get_or(vars, "PGHOST", "127.0.0.1");
  const std::string port = get_or(vars, "PGPORT", "");
  if (port.empty()) return fail(config_error("PGPORT missing from " + (fixture_dir / "env").string()));
  const std::string user = get_or(vars, "SHOPPULSE_PG_APP_USER", "shoppulse_lambda");
  const std::string password = get_or(vars, "SHOPPULSE_PG_APP_PASSWORD", "");
  const std::string templ = get_or(vars, "SHOPPULSE_PG_TEMPLATE_DB", "shoppulse_template");

  std::string name = "replay_";
  for (const char c : suite_name)
    name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? ascii::to_lower(c) : '_');
  name += "_" + std::to_string(::getpid());

  const std::string admin = "host=" + host + " port=" + port + " user=postgres dbname=postgres connect_timeout=10";
  if (auto created = run_admin_sql(admin, "CREATE DATABASE " + name + " TEMPLATE " + templ); !created) {
    return fail(created.error());
  }
  vars["PG_HOST"] = host;
  vars["PG_PORT"] = port;
  vars["PG_DATABASE"] = name;
  vars["PG_USER"] = user;
  vars["PG_PASSWORD"] = password;
  vars["DATABASE_URL"] = "postgresql://" + user + ":" + password + "@" + host + ":" + port + "/" + name;
  return std::unique_ptr<SuiteDatabase>(new SuiteDatabase(admin, std::move(name), std::move(vars)));
}

SuiteDatabase::SuiteDatabase(std::string admin_conninfo, std::string name, std::map<std::string, std::string> vars)
    : admin_conninfo_(std::move(admin_conninfo)), name_(std::move(name)), vars_(std::move(vars)) {}

SuiteDatabase::~SuiteDatabase() {
  // FORCE: bootstrap may still hold pooled connections if it was killed.
  (void)run_admin_sql(admin_conninfo_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
}

}  // namespace shoppulse::replay
