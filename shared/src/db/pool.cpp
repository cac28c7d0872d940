#include "shoppulse/db/pool.h"

#include <algorithm>
#include <array>
#include <random>
#include <thread>
#include <utility>

#include "connect.h"
#include "connection.h"
#include "shoppulse/core/backoff.h"

namespace shoppulse::db {
namespace {

using std::chrono::milliseconds;

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

// Connect retries back off with the project's one jittered backoff.
milliseconds backoff_for(const RetryPolicy& policy, int retry) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  return jittered_backoff(policy.initial_backoff, policy.multiplier, policy.max_backoff, retry, unit(rng));
}

long long ms_until(Deadline deadline) {
  return std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
}

DbError deadline_error(std::string_view what) {
  DbError error = make_db_error(ErrorKind::kTimeout, kCodeDeadline, "deadline reached before " + std::string(what));
  return error;
}

}  // namespace

milliseconds effective_statement_timeout(const TxOptions& options, const PoolSettings& settings,
                                         Clock::time_point now) {
  milliseconds timeout = options.statement_timeout.value_or(settings.statement_timeout);
  if (options.deadline) {
    const auto remaining = std::chrono::duration_cast<milliseconds>(*options.deadline - now);
    milliseconds budget = remaining - settings.deadline_margin;
    if (budget < milliseconds(10)) budget = remaining / 2;
    timeout = std::min(timeout, budget);
  }
  return std::max(timeout, milliseconds(1));  // 0 would disable the timeout
}

Result<std::unique_ptr<Pool>> Pool::create(PoolSettings settings, CredentialsProvider provider, const Logger* logger) {
  if (Status valid = settings.validate(); !valid) return fail(valid.error());
  if (!provider) return fail(Error::make(ErrorKind::kInternal, "invalid_config", "pool needs a CredentialsProvider"));
  return std::unique_ptr<Pool>(new Pool(std::move(settings), std::move(provider), logger));
}

Pool::Pool(PoolSettings settings, CredentialsProvider provider, const Logger* logger)
    : settings_(std::move(settings)),
      provider_(std::move(provider)),
      logger_(logger),
      counters_(std::make_unique<detail::Counters>()) {}

Pool::~Pool() = default;  // leases must not outlive the pool (documented)

PoolStats Pool::stats() const noexcept {
  PoolStats stats;
  stats.round_trips = counters_->round_trips.load(std::memory_order_relaxed);
  stats.connects = counters_->connects.load(std::memory_order_relaxed);
  stats.connect_failures = counters_->connect_failures.load(std::memory_order_relaxed);
  stats.dead_connections = counters_->dead_connections.load(std::memory_order_relaxed);
  stats.pings = counters_->pings.load(std::memory_order_relaxed);
  stats.credential_refreshes = counters_->credential_refreshes.load(std::memory_order_relaxed);
  stats.read_retries = counters_->read_retries.load(std::memory_order_relaxed);
  const std::lock_guard lock(mutex_);
  stats.open_connections = open_;
  stats.idle_connections = idle_.size();
  return stats;
}

Deadline Pool::default_deadline(const TxOptions& options) const {
  if (options.deadline) return *options.deadline;
  return Clock::now() + options.statement_timeout.value_or(settings_.statement_timeout) + settings_.connect_timeout +
         settings_.deadline_margin;
}

DbResult<std::unique_ptr<detail::PooledConnection>> Pool::open_connection(Deadline deadline) {
  Result<DbCredentials> credentials = provider_(false);
  bool refreshed = false;
  int retry = 0;
  while (true) {
    if (!credentials) {
      return fail(make_db_error(ErrorKind::kUnavailable, kCodeCredentials,
                                "database credentials unavailable: " + credentials.error().message));
    }
    DbResult<detail::PgConnPtr> conn = detail::connect_once(*credentials, settings_, deadline);
    if (conn) {
      counters_->connects.fetch_add(1, std::memory_order_relaxed);
      return std::make_unique<detail::PooledConnection>(std::move(conn).value(), *counters_, logger_);
    }
    counters_->connect_failures.fetch_add(1, std::memory_order_relaxed);
    DbError error = std::move(conn).error();
    if (error.auth_failure) {
      // A rotated secret: fetch it once, bypassing the provider's cache. A
      // second rejection is final (hammering a wrong password locks accounts).
      if (refreshed) return fail(std::move(error));
      refreshed = true;
      counters_->credential_refreshes.fetch_add(1, std::memory_order_relaxed);
      if (logger_ != nullptr)
        logger_->warn("database rejected credentials; refreshing them", {{"sqlstate", error.sqlstate}});
      credentials = provider_(true);
      continue;
    }
    if (retry >= settings_.retry.max_retries || error.kind == ErrorKind::kTimeout) return fail(std::move(error));
    const milliseconds pause = backoff_for(settings_.retry, retry);
    if (ms_until(deadline) <= pause.count()) return fail(std::move(error));
    if (logger_ != nullptr) {
      logger_->warn("database connect failed; retrying",
                    {{"attempt", retry + 1}, {"backoff_ms", pause.count()}, {"error", error.message}});
    }
    std::this_thread::sleep_for(pause);
    ++retry;
  }
}

bool Pool::usable(detail::PooledConnection& connection, Deadline deadline) {
  if (!connection.alive_locally()) return false;
  if (Clock::now() - connection.last_used() <= settings_.validate_after_idle) return true;
  // Long idle: a frozen sandbox or a proxy may have dropped it silently.
  counters_->pings.fetch_add(1, std::memory_order_relaxed);
  return connection.simple("SELECT 1", std::min(deadline, Clock::now() + settings_.ping_timeout)).ok();
}

DbResult<Lease> Pool::acquire(Deadline deadline) {
  std::unique_lock lock(mutex_);
  while (true) {
    if (!idle_.empty()) {
      std::unique_ptr<detail::PooledConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      lock.unlock();
      if (usable(*connection, deadline)) return Lease(this, std::move(connection));
      counters_->dead_connections.fetch_add(1, std::memory_order_relaxed);
      if (logger_ != nullptr) logger_->info("replacing a dead pooled database connection");
      connection.reset();
      lock.lock();
      --open_;
      continue;
    }
    if (open_ < settings_.max_size) {
      ++open_;
      lock.unlock();
      DbResult<std::unique_ptr<detail::PooledConnection>> opened = open_connection(deadline);
      if (!opened) {
        lock.lock();
        --open_;
        lock.unlock();
        available_.notify_one();
        return fail(std::move(opened).error());
      }
      return Lease(this, std::move(opened).value());
    }
    if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= settings_.max_size) {
      return fail(make_db_error(ErrorKind::kUnavailable, kCodePoolExhausted,
                                "no database connection became free before the deadline"));
    }
  }
}

void Pool::give_back(std::unique_ptr<detail::PooledConnection> connection) noexcept {
  std::unique_ptr<detail::PooledConnection> closing;
  {
    const std::lock_guard lock(mutex_);
    if (connection->reusable()) {
      idle_.push_back(std::move(connection));
    } else {
      closing = std::move(connection);
      --open_;
    }
  }
  available_.notify_one();
  // `closing` runs PQfinish here, outside the lock.
}

Status Pool::warm_up(Deadline deadline) {
  DbResult<Lease> lease = acquire(deadline);
  if (!lease) return fail(std::move(lease).error());
  return {};
}

Status Pool::health_check(milliseconds timeout) {
  const Deadline deadline = Clock::now() + timeout;
  DbResult<Lease> lease = acquire(deadline);
  if (!lease) return fail(std::move(lease).error());
  // An empty statement: a round trip through the backend's command loop,
  // with nothing for PostgreSQL to parse, plan or execute.
  DbResult<QueryResult> one = lease->query("", {}, deadline);
  if (!one) return fail(std::move(one).error());
  return {};
}

DbResult<std::vector<QueryResult>> Pool::run_tenant_transaction(const TenantTx& tx,
                                                                const std::vector<Statement>& batch) {
  std::vector<const Statement*> statements;
  statements.reserve(batch.size());
  for (const Statement& statement : batch) statements.push_back(&statement);
  std::vector<QueryResult> results(batch.size());
  if (DbResult<void> ran = run_tenant_statements(tx, statements, results); !ran) return fail(std::move(ran).error());
  return results;
}

DbResult<QueryResult> Pool::run_tenant_transaction(const TenantTx& tx, const Statement& statement) {
  const Statement* const statements[] = {&statement};
  QueryResult result;
  if (DbResult<void> ran = run_tenant_statements(tx, statements, {&result, 1}); !ran) {
    return fail(std::move(ran).error());
  }
  return result;
}

DbResult<void> Pool::run_tenant_statements(const TenantTx& tx, std::span<const Statement* const> batch,
                                           std::span<QueryResult> results) {
  if (tx.tenant_id.empty()) {
    return fail(make_db_error(ErrorKind::kInternal, kCodeMisuse, "run_tenant_transaction needs a tenant_id"));
  }
  if (!is_uuid(tx.tenant_id)) {
    return fail(make_db_error(ErrorKind::kInvalidInput, kCodeInvalidTenant, "tenant id is not a UUID"));
  }
  const Deadline deadline = default_deadline(tx);
  if (Clock::now() >= deadline) return fail(deadline_error("the transaction started"));
  TxOptions options = tx;
  options.deadline = deadline;

  // [setup, batch...] and a result slot for each; small batches stay on the stack.
  constexpr std::size_t kInline = 8;
  std::array<const Statement*, kInline> inline_statements{};
  std::array<QueryResult, kInline> inline_results;
  std::vector<const Statement*> more_statements;
  std::vector<QueryResult> more_results;
  std::span<const Statement*> statements(inline_statements.data(), batch.size() + 1);
  std::span<QueryResult> slots(inline_results.data(), batch.size() + 1);
  if (batch.size() + 1 > kInline) {
    more_statements.resize(batch.size() + 1);
    more_results.resize(batch.size() + 1);
    statements = more_statements;
    slots = more_results;
  }
  std::copy(batch.begin(), batch.end(), statements.begin() + 1);

  for (int attempt = 0;; ++attempt) {
    DbResult<Lease> lease = acquire(deadline);
    if (!lease) return fail(std::move(lease).error());
    detail::PooledConnection& connection = *lease->connection_;
    statements[0] = &connection.tenant_setup(
        tx.tenant_id, effective_statement_timeout(options, settings_, Clock::now()), tx.read_only);
    DbResult<void> ran = connection.pipeline(statements, slots, deadline);
    if (ran) {
      for (std::size_t i = 0; i < results.size() && i + 1 < slots.size(); ++i) results[i] = std::move(slots[i + 1]);
      return {};
    }
    DbError error = std::move(ran).error();
    error.statement_index = error.statement_index >= 1 ? error.statement_index - 1 : -1;
    if (error.connection_lost) {
      lease->discard();
      if (tx.read_only && attempt == 0 && Clock::now() < deadline) {
        // Read-only: the lost attempt cannot have changed anything.
        counters_->read_retries.fetch_add(1, std::memory_order_relaxed);
        if (logger_ != nullptr) logger_->info("retrying read-only transaction after connection loss");
        continue;
      }
      if (!tx.read_only) {
        // The Sync (the commit) was in flight: it may or may not have been applied.
        error.outcome_unknown = true;
        if (error.kind != ErrorKind::kTimeout) error.code = std::string(kCodeOutcomeUnknown);
        error.message =
            "connection lost during a write transaction; it may or may not have committed (" + error.message + ")";
      }
      return fail(std::move(error));
    }
    // The server rolled the implicit transaction back at the Sync; a
    // connection still inside one would be a protocol surprise: end it.
    if (connection.in_transaction() &&
        !connection.simple("ROLLBACK", std::max(deadline, Clock::now() + settings_.ping_timeout))) {
      lease->discard();
    }
    return fail(std::move(error));
  }
}

}  // namespace shoppulse::db
