#include "round_trip_trace.h"

#include <string>

namespace shoppulse::db::detail {
namespace {

// "libpq 15.10" from PQlibVersion()'s 150010.
const std::string& driver_version() {
  static const std::string version = [] {
    const int number = PQlibVersion();
    return "libpq " + std::to_string(number / 10000) + "." + std::to_string(number % 10000);
  }();
  return version;
}

}  // namespace

void record_round_trip(trace::InvocationTrace& trace, PGconn* conn, std::int64_t started_us,
                       const DbResult<void>& result) noexcept {
  try {
    const char* user = conn != nullptr ? PQuser(conn) : nullptr;
    const trace::SqlInfo sql{"PostgreSQL", driver_version(), user != nullptr ? user : ""};
    trace::Subsegment subsegment;
    subsegment.name = "PostgreSQL";
    subsegment.namespace_name = "remote";
    subsegment.start_us = started_us;
    subsegment.end_us = trace::now_epoch_us();
    subsegment.sql = &sql;
    std::string message;
    if (!result) {
      const DbError& error = result.error();
      // Constraint, permission and input errors answer the caller with a
      // 4xx; everything else is the database's or the connection's fault.
      const bool callers_error = error.kind == ErrorKind::kConflict || error.kind == ErrorKind::kInvalidInput ||
                                 error.kind == ErrorKind::kForbidden;
      subsegment.error = callers_error;
      subsegment.fault = !callers_error;
      // Not error.message: server texts can quote values, libpq's can name hosts.
      message = error.sqlstate.empty() ? "the round trip failed (" + error.code + ")"
                                       : "the server answered SQLSTATE " + error.sqlstate;
      subsegment.cause = trace::Cause{error.code, message};
    }
    trace.record(subsegment);
  } catch (...) {  // NOLINT(bugprone-empty-catch)
    // A subsegment that cannot be built is lost; the query's result is not.
  }
}

}  // namespace shoppulse::db::detail
