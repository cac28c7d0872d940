#pragma once
// Database failures as typed errors. DbError is a shoppulse::Error (it slices
// into one wherever a handler returns Result<T>) that also carries what a
// handler may want to branch on: the SQLSTATE, the violated constraint, and
// which statement of a batch failed.
//
// Mapping (kind <- SQLSTATE):
//   23505 unique_violation                         -> kConflict
//   other 23xxx, 22xxx                              -> kInvalidInput
//   08xxx, 57P01-57P03, 53300, no SQLSTATE (libpq)  -> kUnavailable
//   40001, 40P01 (serialization, deadlock)          -> kUnavailable (safe to retry later)
//   57014 query_canceled (statement_timeout)        -> kTimeout
//   28P01, 28000                                    -> kUnavailable, auth_failure = true
//   42501 insufficient_privilege / RLS WITH CHECK   -> kForbidden (rows of other tenants are
//                                                      already invisible, so this only fires on a
//                                                      write the role may not do; no existence leak)
//   anything else                                   -> kInternal
// code is "sqlstate_<SQLSTATE>" when the server gave one, else one of the
// db_* codes below. message is the server's primary message only (never the
// DETAIL, which can echo row values) or a libpq message; never a password or
// conninfo.

#include <string>
#include <string_view>

#include "shoppulse/core/error.h"
#include "shoppulse/core/result.h"

namespace shoppulse::db {

// Codes for failures without a SQLSTATE.
inline constexpr std::string_view kCodeConnectionFailed = "db_connection_failed";  // connect or connection lost
inline constexpr std::string_view kCodeOutcomeUnknown = "db_outcome_unknown";  // write interrupted; may have committed
inline constexpr std::string_view kCodeDeadline = "db_deadline_exceeded";      // client-side deadline reached
inline constexpr std::string_view kCodePoolExhausted = "db_pool_exhausted";    // no connection free before the deadline
inline constexpr std::string_view kCodeCredentials = "db_credentials_unavailable";  // CredentialsProvider failed
inline constexpr std::string_view kCodeBadColumn = "db_bad_column";                 // typed row access failed
inline constexpr std::string_view kCodeInvalidTenant = "db_invalid_tenant";         // tenant id is not a UUID
inline constexpr std::string_view kCodeMisuse = "db_misuse";                        // API used wrongly (a bug)

struct DbError : Error {
  std::string sqlstate;          // five characters, or empty when libpq failed without one
  std::string constraint;        // violated constraint for 23xxx, else empty
  int statement_index = -1;      // batch: index of the failed caller statement, else -1
  bool auth_failure = false;     // 28P01/28000: credentials rejected
  bool connection_lost = false;  // the connection is gone (it has been discarded)
  bool outcome_unknown = false;  // a write may or may not have committed: never retried
};

template <typename T>
using DbResult = Result<T, DbError>;

ErrorKind kind_for_sqlstate(std::string_view sqlstate) noexcept;
bool is_connection_sqlstate(std::string_view sqlstate) noexcept;
bool is_auth_sqlstate(std::string_view sqlstate) noexcept;

// A DbError from a server error (SQLSTATE known).
DbError error_from_sqlstate(std::string sqlstate, std::string message, std::string constraint = {});
// A DbError without SQLSTATE (libpq-side or pool-side failure).
DbError make_db_error(ErrorKind kind, std::string_view code, std::string message);

// The SQLSTATE encoded in an Error's code ("sqlstate_23505" -> "23505"), or
// empty. Works on a DbError that was sliced into a plain Error.
std::string_view sqlstate_of(const Error& error) noexcept;

}  // namespace shoppulse::db
