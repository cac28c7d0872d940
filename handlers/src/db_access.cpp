#include "shoppulse/handlers/db_access.h"

namespace shoppulse::handlers {

ApiError DbAccess::map_error(const db::DbError& error) const {
  switch (error.kind) {
    case ErrorKind::kConflict:
      return ApiError(Error::make(ErrorKind::kConflict, "conflict", "The request conflicts with existing data"));
    case ErrorKind::kInvalidInput:
      // Input that passed validation but still broke a constraint.
      return ApiError(
          Error::make(ErrorKind::kInvalidInput, "constraint_violation", "The request violates a data constraint"));
    case ErrorKind::kForbidden:
      // The database refused a write this role may not do (42501 / RLS WITH CHECK).
      return ApiError(Error::make(ErrorKind::kForbidden, "forbidden", "This operation is not permitted"));
    case ErrorKind::kTimeout: {
      logger_.warn("database deadline reached", {{"dbCode", error.code}});
      return ApiError(Error::make(ErrorKind::kTimeout, "timeout", "The request took too long"));
    }
    case ErrorKind::kUnavailable: {
      if (error.code == db::kCodePoolExhausted) {
        // Every connection served another invocation until the deadline
        // (concurrent invocations beyond the pool size): the database is
        // fine, this instance is saturated.
        logger_.warn("no database connection became free before the deadline", {{"dbCode", error.code}});
        ApiError busy(
            Error::make(ErrorKind::kUnavailable, "database_busy", "All database connections are busy; retry shortly"));
        busy.retry_after_seconds = 1;
        return busy;
      }
      logger_.warn("database unavailable", {{"dbCode", error.code}, {"dbMessage", error.message}});
      ApiError mapped(Error::make(ErrorKind::kUnavailable, "database_unavailable",
                                  "The database is temporarily unavailable; retry later"));
      mapped.retry_after_seconds = 2;
      return mapped;
    }
    default: break;
  }
  logger_.error("database error",
                {{"dbCode", error.code}, {"dbMessage", error.message}, {"statementIndex", error.statement_index}});
  return ApiError(Error::make(ErrorKind::kInternal, "internal_error", "An internal error occurred"));
}

Result<db::QueryResult, ApiError> DbAccess::run(const RequestContext& context, const db::Statement& statement,
                                                bool read_only) {
  if (pool_ == nullptr) {
    ApiError error(Error::make(ErrorKind::kUnavailable, "database_unavailable", "No database is configured"));
    error.retry_after_seconds = 30;
    return fail(std::move(error));
  }
  db::TenantTx tx;
  tx.tenant_id = context.caller.tenant_id;
  tx.deadline = context.deadline;
  tx.read_only = read_only;
  const auto started = std::chrono::steady_clock::now();
  auto result = pool_->run_tenant_transaction(tx, statement);
  context.stats.db_time += std::chrono::steady_clock::now() - started;
  if (!result) return fail(map_error(result.error()));
  return std::move(result).value();
}

}  // namespace shoppulse::handlers
