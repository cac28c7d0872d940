#pragma once
// /audit-logs routes (admin only): filtered, newest-first keyset pages.

#include "shoppulse/handlers/cursor.h"
#include "shoppulse/handlers/db_access.h"
#include "shoppulse/handlers/request_context.h"

namespace shoppulse::handlers {

class AuditLogsHandler {
 public:
  AuditLogsHandler(DbAccess& db, const CursorCodec& cursors) : db_(db), cursors_(cursors) {}

  HandlerResult list(const RequestContext& context);
  HandlerResult get(const RequestContext& context);

 private:
  DbAccess& db_;
  const CursorCodec& cursors_;
};

}  // namespace shoppulse::handlers
