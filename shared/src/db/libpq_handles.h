#pragma once
// RAII owners for libpq handles (private to shoppulse_db).

#include <libpq-fe.h>

#include <memory>

namespace shoppulse::db::detail {

struct PgConnDeleter {
  void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnDeleter>;

struct PgResultDeleter {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

}  // namespace shoppulse::db::detail
