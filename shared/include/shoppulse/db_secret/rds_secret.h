#pragma once
// The RDS-managed database secret ({"engine","host","port","username",
// "password","dbname",...}) turned into DbCredentials. Errors name the field
// that is missing or invalid, never a value.

#include <optional>
#include <string>
#include <string_view>

#include "shoppulse/core/result.h"
#include "shoppulse/db/credentials.h"

namespace shoppulse::db_secret {

struct DbSecretOptions {
  // Win over the secret's own fields (the secret names the cluster; Lambda
  // connects through RDS Proxy).
  std::optional<std::string> host;      // RDS_PROXY_ENDPOINT
  std::optional<int> port;              // RDS_PORT
  std::optional<std::string> dbname;    // RDS_DATABASE
  std::string sslmode = "verify-full";  // DB_SSLMODE
  std::string sslrootcert;              // DB_SSLROOTCERT
};

// `port` may be a JSON number or a string of digits; absent means 5432.
// host and dbname must come from the secret or the options.
Result<db::DbCredentials> parse_rds_secret(std::string_view secret_json, const DbSecretOptions& options);

}  // namespace shoppulse::db_secret
