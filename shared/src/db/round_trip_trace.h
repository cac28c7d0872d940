#pragma once
// A database round trip as an X-Ray subsegment (namespace "remote", with
// the database type, driver and user; never the SQL or its values). Private
// to shoppulse_db.

#include <libpq-fe.h>

#include <cstdint>

#include "shoppulse/db/error.h"
#include "shoppulse/trace/tracer.h"

namespace shoppulse::db::detail {

void record_round_trip(trace::InvocationTrace& trace, PGconn* conn, std::int64_t started_us,
                       const DbResult<void>& result) noexcept;

}  // namespace shoppulse::db::detail
