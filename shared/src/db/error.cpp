#include "shoppulse/db/error.h"

namespace shoppulse::db {
namespace {

constexpr std::string_view kSqlstatePrefix = "sqlstate_";

bool starts_with(std::string_view text, std::string_view prefix) noexcept {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

bool is_connection_sqlstate(std::string_view sqlstate) noexcept {
  return starts_with(sqlstate, "08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03";
}

bool is_auth_sqlstate(std::string_view sqlstate) noexcept {
  return sqlstate == "28P01" || sqlstate == "28000";
}

ErrorKind kind_for_sqlstate(std::string_view sqlstate) noexcept {
  if (sqlstate == "23505") return ErrorKind::kConflict;
  if (starts_with(sqlstate, "23") || starts_with(sqlstate, "22")) return ErrorKind::kInvalidInput;
  if (sqlstate == "57014") return ErrorKind::kTimeout;
  if (is_connection_sqlstate(sqlstate) || is_auth_sqlstate(sqlstate)) return ErrorKind::kUnavailable;
  // Too many connections, serialization failure, deadlock: transient, the
  // client may retry later.
  if (sqlstate == "53300" || sqlstate == "40001" || sqlstate == "40P01") return ErrorKind::kUnavailable;
  if (sqlstate == "42501") return ErrorKind::kForbidden;
  return ErrorKind::kInternal;
}

DbError error_from_sqlstate(std::string sqlstate, std::string message, std::string constraint) {
  DbError error;
  error.kind = kind_for_sqlstate(sqlstate);
  error.code = std::string(kSqlstatePrefix) + sqlstate;
  error.message = std::move(message);
  error.auth_failure = is_auth_sqlstate(sqlstate);
  error.connection_lost = is_connection_sqlstate(sqlstate);
  error.sqlstate = std::move(sqlstate);
  error.constraint = std::move(constraint);
  return error;
}

DbError make_db_error(ErrorKind kind, std::string_view code, std::string message) {
  DbError error;
  error.kind = kind;
  error.code = std::string(code);
  error.message = std::move(message);
  return error;
}

std::string_view sqlstate_of(const Error& error) noexcept {
  const std::string_view code = error.code;
  if (!starts_with(code, kSqlstatePrefix)) return {};
  return code.substr(kSqlstatePrefix.size());
}

}  // namespace shoppulse::db
