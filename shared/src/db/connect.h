#pragma once
// Opening one libpq connection within a deadline (private to shoppulse_db).

#include "libpq_handles.h"
#include "shoppulse/db/credentials.h"
#include "shoppulse/db/error.h"
#include "shoppulse/db/pool.h"
#include "shoppulse/db/settings.h"

namespace shoppulse::db::detail {

// One attempt, bounded by min(deadline, now + settings.connect_timeout). On
// failure the error says whether the server rejected the credentials
// (auth_failure), which the pool answers with a forced credentials refresh.
DbResult<PgConnPtr> connect_once(const DbCredentials& credentials, const PoolSettings& settings, Deadline deadline);

enum class WaitOutcome { kReady, kTimeout, kError };
// poll(2) on a libpq socket until readable/writable or the deadline passes.
WaitOutcome wait_socket(int fd, bool want_read, bool want_write, Deadline deadline);

}  // namespace shoppulse::db::detail
