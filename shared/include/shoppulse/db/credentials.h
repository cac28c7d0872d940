#pragma once
// The contract between where database credentials come from (a libpq URI in
// DATABASE_URL locally, or the cached Secrets Manager secret in Lambda) and the
// connection pool that uses them.

#include <functional>
#include <optional>
#include <string>

#include "shoppulse/core/result.h"

namespace shoppulse::db {

struct DbCredentials {
  // Either a full libpq URI/conninfo (DATABASE_URL) ...
  std::optional<std::string> conninfo;
  // ... or discrete fields (from the RDS secret, with RDS_PROXY_ENDPOINT,
  // RDS_PORT and RDS_DATABASE overriding host, port and dbname).
  std::string host;
  int port = 5432;
  std::string dbname;
  std::string user;
  std::string password;     // never logged
  std::string sslmode;      // e.g. verify-full; empty -> libpq default
  std::string sslrootcert;  // CA file for verify-ca / verify-full
};

// force_refresh = true after the server rejected the password (SQLSTATE 28P01):
// the provider must bypass its cache so a rotated secret is picked up.
using CredentialsProvider = std::function<Result<DbCredentials>(bool force_refresh)>;

}  // namespace shoppulse::db
