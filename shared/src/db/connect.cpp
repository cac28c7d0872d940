#include "connect.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <string>
#include <vector>

namespace shoppulse::db::detail {
namespace {

// libpq's messages name host and port but never the password. A malformed
// conninfo can echo a fragment of itself, though, so those are replaced, and
// the password is scrubbed defensively.
std::string safe_message(const char* raw, const DbCredentials& credentials) {
  std::string message = raw != nullptr ? raw : "";
  for (char& c : message) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  while (!message.empty() && message.back() == ' ') message.pop_back();
  if (message.find("connection info string") != std::string::npos || message.find("URI") != std::string::npos) {
    return "invalid database connection string (check DATABASE_URL)";
  }
  if (!credentials.password.empty()) {
    for (std::size_t at = message.find(credentials.password); at != std::string::npos;
         at = message.find(credentials.password)) {
      message.replace(at, credentials.password.size(), "***");
    }
  }
  if (message.empty()) message = "could not connect to the database";
  return message;
}

DbError connect_error(PGconn* conn, const DbCredentials& credentials) {
  std::string message = safe_message(conn != nullptr ? PQerrorMessage(conn) : nullptr, credentials);
  // libpq does not expose the SQLSTATE of a failed startup, so read the
  // (server's English) message: RDS and the test cluster both use lc_messages C.
  if (message.find("password authentication failed") != std::string::npos) {
    return error_from_sqlstate("28P01", std::move(message));
  }
  if (message.find("authentication failed") != std::string::npos ||
      message.find("no pg_hba.conf entry") != std::string::npos) {
    return error_from_sqlstate("28000", std::move(message));
  }
  DbError error = make_db_error(ErrorKind::kUnavailable, kCodeConnectionFailed, std::move(message));
  error.connection_lost = true;
  return error;
}

}  // namespace

WaitOutcome wait_socket(int fd, bool want_read, bool want_write, Deadline deadline) {
  if (fd < 0) return WaitOutcome::kError;
  pollfd entry{};
  entry.fd = fd;
  entry.events = static_cast<short>((want_read ? POLLIN : 0) | (want_write ? POLLOUT : 0));
  while (true) {
    const auto remaining = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (remaining <= 0) return WaitOutcome::kTimeout;
    const int timeout_ms = remaining > INT_MAX ? INT_MAX : static_cast<int>(remaining);
    const int ready = poll(&entry, 1, timeout_ms);
    if (ready > 0) return WaitOutcome::kReady;
    if (ready == 0) continue;  // re-check the clock; returns kTimeout above
    if (errno != EINTR) return WaitOutcome::kError;
  }
}

DbResult<PgConnPtr> connect_once(const DbCredentials& credentials, const PoolSettings& settings, Deadline deadline) {
  const Deadline attempt_deadline = std::min(deadline, Clock::now() + settings.connect_timeout);

  std::vector<std::string> keys;
  std::vector<std::string> values;
  const auto set = [&](std::string key, std::string value) {
    keys.push_back(std::move(key));
    values.push_back(std::move(value));
  };
  // With expand_dbname, keywords after `dbname` override what the URI says.
  if (credentials.conninfo && !credentials.conninfo->empty()) {
    set("dbname", *credentials.conninfo);
  } else {
    if (!credentials.host.empty()) set("host", credentials.host);
    set("port", std::to_string(credentials.port));
    if (!credentials.dbname.empty()) set("dbname", credentials.dbname);
    if (!credentials.user.empty()) set("user", credentials.user);
    if (!credentials.password.empty()) set("password", credentials.password);
  }
  if (!credentials.sslmode.empty()) {
    set("sslmode", credentials.sslmode);
  } else if (!settings.sslmode.empty()) {
    set("sslmode", settings.sslmode);
  }
  if (!credentials.sslrootcert.empty()) set("sslrootcert", credentials.sslrootcert);
  // libpq ignores connect_timeout for PQconnectPoll (the loop below enforces
  // the deadline) but a sub-2 s value would be raised anyway; pass it for the
  // blocking paths libpq still has (DNS).
  set("connect_timeout", std::to_string(std::max<long long>(2, (settings.connect_timeout.count() + 999) / 1000)));
  set("application_name", settings.application_name);
  // Detect a peer that vanished (NAT/proxy idle drop) on otherwise idle sockets.
  set("keepalives", "1");
  set("keepalives_idle", "30");
  set("keepalives_interval", "10");
  set("keepalives_count", "3");

  std::vector<const char*> key_ptrs;
  std::vector<const char*> value_ptrs;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    key_ptrs.push_back(keys[i].c_str());
    value_ptrs.push_back(values[i].c_str());
  }
  key_ptrs.push_back(nullptr);
  value_ptrs.push_back(nullptr);

  PgConnPtr conn(PQconnectStartParams(key_ptrs.data(), value_ptrs.data(), /*expand_dbname=*/1));
  if (!conn) return fail(make_db_error(ErrorKind::kUnavailable, kCodeConnectionFailed, "libpq: out of memory"));
  if (PQstatus(conn.get()) == CONNECTION_BAD) return fail(connect_error(conn.get(), credentials));

  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (state != PGRES_POLLING_OK) {
    if (state == PGRES_POLLING_FAILED) return fail(connect_error(conn.get(), credentials));
    const WaitOutcome waited = wait_socket(PQsocket(conn.get()), state == PGRES_POLLING_READING,
                                           state == PGRES_POLLING_WRITING, attempt_deadline);
    if (waited == WaitOutcome::kTimeout) {
      const bool overall = Clock::now() >= deadline;
      DbError error =
          make_db_error(overall ? ErrorKind::kTimeout : ErrorKind::kUnavailable,
                        overall ? kCodeDeadline : kCodeConnectionFailed, "timed out connecting to the database");
      error.connection_lost = true;
      return fail(std::move(error));
    }
    if (waited == WaitOutcome::kError) return fail(connect_error(conn.get(), credentials));
    state = PQconnectPoll(conn.get());
  }
  if (PQsetnonblocking(conn.get(), 1) != 0) return fail(connect_error(conn.get(), credentials));
  return conn;
}

}  // namespace shoppulse::db::detail
