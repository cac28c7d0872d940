#pragma once
// The libpq connection pool: reused across invocations, thread-safe, and
// built so a handler's read or write+audit is ONE network round trip.
//
//   auto pool = db::Pool::create(settings, provider, &logger);
//   auto rows = (*pool)->run_tenant_transaction(
//       {.tenant_id = tenant, .deadline = invocation_deadline, .read_only = true},
//       {{"SELECT id, email FROM users WHERE id = $1::uuid", {user_id}}});
//
// Every statement is an unnamed extended-protocol statement (PQsendQueryParams):
// named prepared statements would pin RDS Proxy sessions.
//
// Retry rules: connecting retries with backoff (RetryPolicy). A pooled
// connection is checked before use (a free local check; plus a ping when it
// idled longer than validate_after_idle) and silently replaced when dead. A
// read_only transaction that loses its connection mid-flight is retried once on
// a fresh connection (transaction_read_only guarantees it had no effects). A write
// that loses its connection mid-flight is never retried: it fails with
// outcome_unknown = true.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "shoppulse/core/log.h"
#include "shoppulse/core/result.h"
#include "shoppulse/db/credentials.h"
#include "shoppulse/db/error.h"
#include "shoppulse/db/query.h"
#include "shoppulse/db/settings.h"

namespace shoppulse::db {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

namespace detail {
class PooledConnection;
struct Counters;
}  // namespace detail

// Cumulative counters; benchmarks and tests read them to count round trips.
struct PoolStats {
  std::uint64_t round_trips = 0;           // send-and-wait cycles: pipelines, simple queries, pings
  std::uint64_t connects = 0;              // connections opened
  std::uint64_t connect_failures = 0;      // failed connection attempts (every retry counts)
  std::uint64_t dead_connections = 0;      // pooled connections found dead and replaced
  std::uint64_t pings = 0;                 // validation pings after long idle
  std::uint64_t credential_refreshes = 0;  // CredentialsProvider(force_refresh = true) calls
  std::uint64_t read_retries = 0;          // read-only transactions re-run after connection loss
  std::size_t open_connections = 0;
  std::size_t idle_connections = 0;
};

struct TxOptions {
  // Set as app.tenant_id for this transaction only (row-level security). Must
  // be a UUID. Empty: no tenant, so every tenant-scoped table looks empty.
  // Borrowed: the text must outlive the transaction call.
  std::string_view tenant_id;
  // Explicit statement_timeout; default PoolSettings::statement_timeout. Either
  // way capped by the deadline minus PoolSettings::deadline_margin.
  std::optional<std::chrono::milliseconds> statement_timeout;
  // The invocation's deadline: bounds waiting for a connection, connecting and
  // waiting for results. Default: now + statement timeout + connect timeout.
  std::optional<Deadline> deadline;
  // The transaction cannot write (transaction_read_only); makes a
  // connection-loss retry safe.
  bool read_only = false;
};
using TenantTx = TxOptions;

// The statement_timeout a transaction gets (see TxOptions::statement_timeout).
std::chrono::milliseconds effective_statement_timeout(const TxOptions& options, const PoolSettings& settings,
                                                      Clock::time_point now);

class Pool;

// A connection borrowed from the pool; returned on destruction (or closed, if
// it is broken or left inside a transaction). Not thread-safe; must not
// outlive its Pool.
class Lease {
 public:
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&& other) noexcept;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease();

  // One statement in its own implicit transaction; one round trip.
  DbResult<QueryResult> query(std::string_view sql, const Params& params, Deadline deadline);
  // Statements pipelined in one round trip. Without BEGIN/COMMIT in the batch
  // they form one implicit transaction: all commit, or none if any fails.
  DbResult<std::vector<QueryResult>> pipeline(const std::vector<Statement>& statements, Deadline deadline);
  // Multi-statement simple-protocol script, no parameters: trusted SQL only
  // (the migrator runs each migration file through this inside BEGIN/COMMIT).
  DbResult<void> execute_script(std::string_view sql, Deadline deadline);

  // Close the connection instead of returning it.
  void discard() noexcept;

 private:
  friend class Pool;
  Lease(Pool* pool, std::unique_ptr<detail::PooledConnection> connection) noexcept;
  void release() noexcept;

  Pool* pool_ = nullptr;
  std::unique_ptr<detail::PooledConnection> connection_;
};

class Pool {
 public:
  // Validates settings; opens no connection (see warm_up). `logger` may be
  // null and must otherwise outlive the pool.
  static Result<std::unique_ptr<Pool>> create(PoolSettings settings, CredentialsProvider provider,
                                              const Logger* logger = nullptr);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Opens one connection now (Lambda init phase) so the first request does not pay for it.
  Status warm_up(Deadline deadline);

  // Waits until a connection is free (or can be opened) or the deadline passes.
  DbResult<Lease> acquire(Deadline deadline);

  // The tenant setup (app.tenant_id, statement_timeout and, for reads,
  // transaction_read_only, all transaction-local) and the batch, pipelined
  // with one Sync: ONE round trip and one implicit transaction, committed by
  // the Sync, with no BEGIN or COMMIT for PostgreSQL to parse. Returns one
  // QueryResult per batch statement. If a statement fails the rest are
  // skipped and the transaction is rolled back by the server, and the error
  // has statement_index set (-1: the setup itself failed). Statements cannot
  // see each other's results: generate ids client-side (or use a CTE or a
  // function) to reference a new row. tx.tenant_id is required.
  DbResult<std::vector<QueryResult>> run_tenant_transaction(const TenantTx& tx, const std::vector<Statement>& batch);
  // The same for one statement (the API's one function call per request):
  // no container allocated.
  DbResult<QueryResult> run_tenant_transaction(const TenantTx& tx, const Statement& statement);

  // One round trip to the server (an empty statement) within `timeout`, for
  // GET /health.
  Status health_check(std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

  [[nodiscard]] PoolStats stats() const noexcept;
  [[nodiscard]] const PoolSettings& settings() const noexcept { return settings_; }

 private:
  friend class Lease;
  Pool(PoolSettings settings, CredentialsProvider provider, const Logger* logger);

  DbResult<void> run_tenant_statements(const TenantTx& tx, std::span<const Statement* const> batch,
                                       std::span<QueryResult> results);
  DbResult<std::unique_ptr<detail::PooledConnection>> open_connection(Deadline deadline);
  bool usable(detail::PooledConnection& connection, Deadline deadline);
  void give_back(std::unique_ptr<detail::PooledConnection> connection) noexcept;
  [[nodiscard]] Deadline default_deadline(const TxOptions& options) const;

  PoolSettings settings_;
  CredentialsProvider provider_;
  const Logger* logger_;
  std::unique_ptr<detail::Counters> counters_;

  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<detail::PooledConnection>> idle_;
  std::size_t open_ = 0;  // idle + leased + being opened
};

}  // namespace shoppulse::db
