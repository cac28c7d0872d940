#include "shoppulse/db_secret/rds_secret.h"

#include <array>
#include <charconv>

#include <nlohmann/json.hpp>

namespace shoppulse::db_secret {
namespace {

Error field_error(std::string_view field, std::string_view problem) {
  return Error::make(ErrorKind::kInternal, "db_secret_invalid",
                     "database secret field '" + std::string(field) + "' " + std::string(problem));
}

// A non-empty string member; nullopt when absent, an error when present but wrong.
Result<std::optional<std::string>> string_field(const nlohmann::json& secret, const char* field) {
  const auto it = secret.find(field);
  if (it == secret.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    return fail(field_error(field, "must be a non-empty string"));
  }
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::string> required_string(const nlohmann::json& secret, const char* field, std::string_view alternative) {
  auto value = string_field(secret, field);
  if (!value) return fail(value.error());
  if (!*value) {
    std::string problem = "is missing";
    if (!alternative.empty()) problem += " (or set " + std::string(alternative) + ")";
    return fail(field_error(field, problem));
  }
  return std::move(**value);
}

Result<int> port_field(const nlohmann::json& secret) {
  const auto it = secret.find("port");
  if (it == secret.end() || it->is_null()) return 5432;
  long long value = 0;
  if (it->is_number_integer()) {
    value = it->get<long long>();
  } else if (it->is_string()) {
    const std::string& text = it->get_ref<const std::string&>();
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size()) value = 0;
  }
  if (value < 1 || value > 65535) return fail(field_error("port", "must be an integer 1-65535 (number or string)"));
  return static_cast<int>(value);
}

}  // namespace

Result<db::DbCredentials> parse_rds_secret(std::string_view secret_json, const DbSecretOptions& options) {
  const nlohmann::json secret = nlohmann::json::parse(secret_json, nullptr, /*allow_exceptions=*/false);
  if (secret.is_discarded() || !secret.is_object()) {
    return fail(Error::make(ErrorKind::kInternal, "db_secret_invalid", "database secret is not a JSON object"));
  }

  auto engine = string_field(secret, "engine");
  if (!engine) return fail(engine.error());
  if (*engine && **engine != "postgres" && **engine != "postgresql" && **engine != "aurora-postgresql") {
    return fail(field_error("engine", "must be postgres or aurora-postgresql"));
  }

  db::DbCredentials credentials;
  auto username = required_string(secret, "username", "");
  if (!username) return fail(username.error());
  credentials.user = std::move(*username);
  auto password = required_string(secret, "password", "");
  if (!password) return fail(password.error());
  credentials.password = std::move(*password);

  if (options.host && !options.host->empty()) {
    credentials.host = *options.host;
  } else {
    auto host = required_string(secret, "host", "RDS_PROXY_ENDPOINT");
    if (!host) return fail(host.error());
    credentials.host = std::move(*host);
  }

  if (options.port) {
    credentials.port = *options.port;
  } else {
    auto port = port_field(secret);
    if (!port) return fail(port.error());
    credentials.port = *port;
  }

  if (options.dbname && !options.dbname->empty()) {
    credentials.dbname = *options.dbname;
  } else {
    auto dbname = required_string(secret, "dbname", "RDS_DATABASE");
    if (!dbname) return fail(dbname.error());
    credentials.dbname = std::move(*dbname);
  }

  credentials.sslmode = options.sslmode;
  credentials.sslrootcert = options.sslrootcert;
  return credentials;
}

}  // namespace shoppulse::db_secret
