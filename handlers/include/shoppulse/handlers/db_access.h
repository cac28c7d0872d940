#pragma once
// Running a handler's statements as one tenant-scoped transaction, and
// turning database failures into API errors: 503 + Retry-After when the
// database is unreachable, 504 at the deadline, 409 on conflicts; internal
// details go to the log, never to the client.

#include <vector>

#include "shoppulse/core/log.h"
#include "shoppulse/db/pool.h"
#include "shoppulse/handlers/request_context.h"

namespace shoppulse::handlers {

class DbAccess {
 public:
  DbAccess(db::Pool* pool, const Logger& logger) : pool_(pool), logger_(logger) {}

  [[nodiscard]] bool configured() const noexcept { return pool_ != nullptr; }

  // The tenant setup and the statement as one implicit transaction: one
  // round trip. The time it took is added to context.stats (DbTime).
  Result<db::QueryResult, ApiError> run(const RequestContext& context, const db::Statement& statement, bool read_only);

  ApiError map_error(const db::DbError& error) const;

 private:
  db::Pool* pool_;
  const Logger& logger_;
};

}  // namespace shoppulse::handlers
