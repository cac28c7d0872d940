#pragma once
// One pooled libpq connection and the wire-level operations on it (private to
// shoppulse_db). Every operation is one send-and-wait cycle (one round trip),
// bounded by a deadline through poll(2) on a non-blocking socket, so a
// black-holed network fails at the deadline instead of hanging the sandbox.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "libpq_handles.h"
#include "shoppulse/core/log.h"
#include "shoppulse/db/error.h"
#include "shoppulse/db/pool.h"
#include "shoppulse/db/query.h"

namespace shoppulse::db::detail {

struct Counters {
  std::atomic<std::uint64_t> round_trips{0};
  std::atomic<std::uint64_t> connects{0};
  std::atomic<std::uint64_t> connect_failures{0};
  std::atomic<std::uint64_t> dead_connections{0};
  std::atomic<std::uint64_t> pings{0};
  std::atomic<std::uint64_t> credential_refreshes{0};
  std::atomic<std::uint64_t> read_retries{0};
};

class PooledConnection {
 public:
  PooledConnection(PgConnPtr conn, Counters& counters, const Logger* logger);
  PooledConnection(const PooledConnection&) = delete;
  PooledConnection& operator=(const PooledConnection&) = delete;

  // Statements pipelined with one Sync: one round trip. Without BEGIN among
  // them they run as one implicit transaction that the Sync commits.
  // `results` (one per statement) receives each statement's result. On
  // failure the error's statement_index is the index into `statements`; the
  // remaining statements were skipped by the server. Connection-level
  // failures mark this broken.
  DbResult<void> pipeline(std::span<const Statement* const> statements, std::span<QueryResult> results,
                          Deadline deadline);
  // The per-transaction settings as one statement: the tenant for row-level
  // security, a statement timeout and, for reads, transaction_read_only, all
  // transaction-local. Reused: its parameter strings keep their capacity.
  const Statement& tenant_setup(std::string_view tenant_id, std::chrono::milliseconds statement_timeout,
                                bool read_only);
  // A simple-protocol query string (may hold several statements, no params).
  DbResult<void> simple(std::string_view sql, Deadline deadline);

  // A free check (no round trip): false when the server has closed the
  // connection (restart, pg_terminate_backend, proxy timeout with FIN) or the
  // connection is not idle.
  bool alive_locally();
  // Healthy, idle, outside any transaction: may go back to the pool.
  [[nodiscard]] bool reusable() const noexcept;
  [[nodiscard]] bool in_transaction() const noexcept;
  // Idle or inside a transaction, and not broken: a query may be sent.
  [[nodiscard]] bool can_send() const noexcept;
  void mark_broken() noexcept { broken_ = true; }

  [[nodiscard]] Clock::time_point last_used() const noexcept { return last_used_; }
  [[nodiscard]] PGconn* native() const noexcept { return conn_.get(); }

 private:
  static void on_notice(void* self, const PGresult* notice);

  DbResult<void> run_pipeline(std::span<const Statement* const> statements, std::span<QueryResult> results,
                              Deadline deadline);
  DbResult<void> run_simple(std::string_view sql, Deadline deadline);
  // Runs one round trip; with a sampled invocation on this thread, also
  // records it as an X-Ray subsegment (round_trip_trace.cpp).
  template <typename RoundTrip>
  DbResult<void> traced(RoundTrip&& round_trip);

  DbResult<void> flush(Deadline deadline);
  DbResult<PgResultPtr> next_result(Deadline deadline);  // holds nullptr at the end of a query's results
  DbError lost(std::string_view context);
  DbError timed_out();
  DbError error_from_result(const PGresult* result);

  PgConnPtr conn_;
  Statement setup_;
  std::vector<const char*> values_;  // parameter pointers for PQsendQueryParams, reused
  Counters* counters_;
  const Logger* logger_;
  Clock::time_point last_used_;
  bool broken_ = false;
  bool fatal_notice_ = false;  // the server announced it is closing this connection
};

}  // namespace shoppulse::db::detail
