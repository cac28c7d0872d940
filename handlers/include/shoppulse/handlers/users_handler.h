#pragma once
// /users routes. Each is one call of its api.* function (sql/migrations/0009):
// every write carries its audit row in that same statement, so the write and
// its audit commit together or not at all, in one round trip.

#include "shoppulse/handlers/cursor.h"
#include "shoppulse/handlers/db_access.h"
#include "shoppulse/handlers/request_context.h"

namespace shoppulse::handlers {

class UsersHandler {
 public:
  UsersHandler(DbAccess& db, const CursorCodec& cursors) : db_(db), cursors_(cursors) {}

  HandlerResult list(const RequestContext& context);
  HandlerResult get(const RequestContext& context);
  HandlerResult create(const RequestContext& context);
  HandlerResult update(const RequestContext& context);
  HandlerResult remove(const RequestContext& context);

 private:
  DbAccess& db_;
  const CursorCodec& cursors_;
};

}  // namespace shoppulse::handlers
