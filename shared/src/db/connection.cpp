#include "connection.h"

#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <string>

#include "connect.h"
#include "round_trip_trace.h"

namespace shoppulse::db::detail {
namespace {

std::string one_line(const char* raw) {
  std::string message = raw != nullptr ? raw : "";
  for (char& c : message) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  while (!message.empty() && message.back() == ' ') message.pop_back();
  return message;
}

}  // namespace

PooledConnection::PooledConnection(PgConnPtr conn, Counters& counters, const Logger* logger)
    : conn_(std::move(conn)), counters_(&counters), logger_(logger), last_used_(Clock::now()) {
  PQsetNoticeReceiver(conn_.get(), &PooledConnection::on_notice, this);
}

// Keeps server notices off stderr (every line bootstrap writes must be JSON)
// and notices the FATAL a server sends before closing an idle connection.
void PooledConnection::on_notice(void* self, const PGresult* notice) {
  auto* connection = static_cast<PooledConnection*>(self);
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  const std::string level = severity != nullptr ? severity : "";
  if (level == "FATAL" || level == "PANIC") connection->fatal_notice_ = true;
  if (connection->logger_ != nullptr && (level == "WARNING" || level == "FATAL" || level == "PANIC")) {
    const char* state = PQresultErrorField(notice, PG_DIAG_SQLSTATE);
    const char* primary = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
    connection->logger_->warn("database notice", {{"severity", level},
                                                  {"sqlstate", state != nullptr ? state : ""},
                                                  {"db_message", primary != nullptr ? primary : ""}});
  }
}

bool PooledConnection::in_transaction() const noexcept {
  return PQtransactionStatus(conn_.get()) != PQTRANS_IDLE;
}

bool PooledConnection::reusable() const noexcept {
  return !broken_ && !fatal_notice_ && PQstatus(conn_.get()) == CONNECTION_OK &&
         PQtransactionStatus(conn_.get()) == PQTRANS_IDLE && PQpipelineStatus(conn_.get()) == PQ_PIPELINE_OFF;
}

bool PooledConnection::can_send() const noexcept {
  const PGTransactionStatusType tx = PQtransactionStatus(conn_.get());
  return !broken_ && !fatal_notice_ && PQstatus(conn_.get()) == CONNECTION_OK &&
         PQpipelineStatus(conn_.get()) == PQ_PIPELINE_OFF &&
         (tx == PQTRANS_IDLE || tx == PQTRANS_INTRANS || tx == PQTRANS_INERROR);
}

bool PooledConnection::alive_locally() {
  if (!reusable()) return false;
  // One non-blocking peek settles the common case: a healthy idle connection
  // has nothing to read. (This runs before every request.)
  char byte = 0;
  const ssize_t peeked = ::recv(PQsocket(conn_.get()), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
  if (peeked == 0) return false;  // the server closed it
  // Something arrived while idle. A closing server sends a FATAL message and
  // then EOF; the first read delivers the message (parsed as a notice by
  // PQisBusy), the second the EOF.
  for (int i = 0; i < 2; ++i) {
    if (PQconsumeInput(conn_.get()) == 0) return false;
    (void)PQisBusy(conn_.get());
    if (fatal_notice_ || PQstatus(conn_.get()) != CONNECTION_OK) return false;
  }
  return true;
}

DbError PooledConnection::lost(std::string_view context) {
  broken_ = true;
  std::string message = one_line(PQerrorMessage(conn_.get()));
  if (message.empty()) message = "connection to the database was lost";
  DbError error = make_db_error(ErrorKind::kUnavailable, kCodeConnectionFailed, std::string(context) + ": " + message);
  error.connection_lost = true;
  return error;
}

DbError PooledConnection::timed_out() {
  // Whatever the server is doing, this connection is now out of step: drop it
  // (the server rolls back an open transaction when the client goes away).
  broken_ = true;
  DbError error = make_db_error(ErrorKind::kTimeout, kCodeDeadline, "the database did not answer before the deadline");
  error.connection_lost = true;
  return error;
}

DbError PooledConnection::error_from_result(const PGresult* result) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  if (state == nullptr) return lost("query failed");  // libpq-side: the connection broke
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const char* constraint = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
  DbError error = error_from_sqlstate(state, primary != nullptr ? primary : "database error",
                                      constraint != nullptr ? constraint : "");
  if (error.connection_lost || PQstatus(conn_.get()) != CONNECTION_OK) {
    broken_ = true;
    error.connection_lost = true;
  }
  return error;
}

DbResult<void> PooledConnection::flush(Deadline deadline) {
  while (true) {
    const int pending = PQflush(conn_.get());
    if (pending == 0) return {};
    if (pending < 0) return fail(lost("sending to the database failed"));
    const WaitOutcome waited = wait_socket(PQsocket(conn_.get()), true, true, deadline);
    if (waited == WaitOutcome::kTimeout) return fail(timed_out());
    if (waited == WaitOutcome::kError) return fail(lost("waiting for the database failed"));
    // Read whatever the server sent meanwhile, so neither side blocks on a full buffer.
    if (PQconsumeInput(conn_.get()) == 0) return fail(lost("reading from the database failed"));
  }
}

DbResult<PgResultPtr> PooledConnection::next_result(Deadline deadline) {
  while (PQisBusy(conn_.get()) != 0) {
    if (PQstatus(conn_.get()) != CONNECTION_OK) return fail(lost("connection lost"));
    const WaitOutcome waited = wait_socket(PQsocket(conn_.get()), true, false, deadline);
    if (waited == WaitOutcome::kTimeout) return fail(timed_out());
    if (waited == WaitOutcome::kError) return fail(lost("waiting for the database failed"));
    if (PQconsumeInput(conn_.get()) == 0) return fail(lost("reading from the database failed"));
  }
  return PgResultPtr(PQgetResult(conn_.get()));
}

const Statement& PooledConnection::tenant_setup(std::string_view tenant_id, std::chrono::milliseconds statement_timeout,
                                                bool read_only) {
  // set_config(..., true) is SET LOCAL: gone at the end of the transaction,
  // so nothing leaks into the connection's next use, and no session state
  // pins an RDS Proxy connection.
  setup_.sql = read_only ? "SELECT set_config('app.tenant_id', $1, true), set_config('statement_timeout', $2, true), "
                           "set_config('transaction_read_only', 'on', true)"
                         : "SELECT set_config('app.tenant_id', $1, true), set_config('statement_timeout', $2, true)";
  setup_.params.resize(2);
  if (!setup_.params[0]) setup_.params[0].emplace().reserve(36);
  if (!setup_.params[1]) setup_.params[1].emplace().reserve(20);
  setup_.params[0]->assign(tenant_id);
  char digits[24];
  const auto written = std::to_chars(digits, digits + sizeof digits, statement_timeout.count());
  setup_.params[1]->assign(digits, static_cast<std::size_t>(written.ptr - digits));
  return setup_;
}

template <typename RoundTrip>
DbResult<void> PooledConnection::traced(RoundTrip&& round_trip) {
  trace::InvocationTrace* const trace = trace::TraceScope::current();
  if (trace == nullptr) return round_trip();
  const std::int64_t started = trace::now_epoch_us();
  DbResult<void> result = round_trip();
  record_round_trip(*trace, conn_.get(), started, result);
  return result;
}

DbResult<void> PooledConnection::pipeline(std::span<const Statement* const> statements, std::span<QueryResult> results,
                                          Deadline deadline) {
  return traced([&] { return run_pipeline(statements, results, deadline); });
}

DbResult<void> PooledConnection::simple(std::string_view sql, Deadline deadline) {
  return traced([&] { return run_simple(sql, deadline); });
}

DbResult<void> PooledConnection::run_pipeline(std::span<const Statement* const> statements,
                                              std::span<QueryResult> results, Deadline deadline) {
  if (!can_send()) return fail(lost("connection not usable"));
  if (PQenterPipelineMode(conn_.get()) == 0) return fail(lost("entering pipeline mode failed"));
  for (const Statement* statement : statements) {
    values_.clear();
    for (const Param& param : statement->params) values_.push_back(param ? param->c_str() : nullptr);
    // Unnamed statement: a named prepared statement would pin an RDS Proxy session.
    if (PQsendQueryParams(conn_.get(), statement->sql, static_cast<int>(values_.size()), nullptr, values_.data(),
                          nullptr, nullptr, static_cast<int>(statement->result_format)) == 0) {
      return fail(lost("queueing a statement failed"));
    }
  }
  if (PQpipelineSync(conn_.get()) == 0) return fail(lost("sending the pipeline failed"));
  counters_->round_trips.fetch_add(1, std::memory_order_relaxed);
  if (DbResult<void> sent = flush(deadline); !sent) return fail(std::move(sent).error());

  std::optional<DbError> first_error;
  for (std::size_t index = 0; index < statements.size(); ++index) {
    while (true) {
      DbResult<PgResultPtr> next = next_result(deadline);
      if (!next) {
        if (first_error) {  // e.g. 57P01 then EOF: report the server's reason
          first_error->connection_lost = true;
          return fail(std::move(*first_error));
        }
        DbError error = std::move(next).error();
        error.statement_index = static_cast<int>(index);
        return fail(std::move(error));
      }
      PgResultPtr result = std::move(next).value();
      if (!result) break;  // end of this statement's results
      switch (PQresultStatus(result.get())) {
        case PGRES_TUPLES_OK:
        case PGRES_COMMAND_OK:
        case PGRES_EMPTY_QUERY:
          if (index < results.size()) results[index] = QueryResult(result.release());
          break;
        case PGRES_PIPELINE_ABORTED: break;  // skipped because an earlier statement failed
        default:
          if (!first_error) {
            first_error = error_from_result(result.get());
            first_error->statement_index = static_cast<int>(index);
          }
          break;
      }
      if (broken_) {
        if (!first_error) first_error = lost("connection lost");
        first_error->connection_lost = true;
        return fail(std::move(*first_error));
      }
    }
  }

  DbResult<PgResultPtr> sync = next_result(deadline);
  if (!sync) return fail(first_error ? std::move(*first_error) : std::move(sync).error());
  if (!sync.value() || PQresultStatus(sync.value().get()) != PGRES_PIPELINE_SYNC) {
    broken_ = true;
    return fail(make_db_error(ErrorKind::kInternal, kCodeMisuse, "unexpected result at the end of a pipeline"));
  }
  if (PQexitPipelineMode(conn_.get()) == 0) broken_ = true;
  last_used_ = Clock::now();
  if (first_error) return fail(std::move(*first_error));
  return {};
}

DbResult<void> PooledConnection::run_simple(std::string_view sql, Deadline deadline) {
  if (!can_send()) return fail(lost("connection not usable"));
  const std::string text(sql);
  if (PQsendQuery(conn_.get(), text.c_str()) == 0) return fail(lost("sending a query failed"));
  counters_->round_trips.fetch_add(1, std::memory_order_relaxed);
  if (DbResult<void> sent = flush(deadline); !sent) return sent;

  std::optional<DbError> first_error;
  while (true) {
    DbResult<PgResultPtr> next = next_result(deadline);
    if (!next) {
      if (first_error) {
        first_error->connection_lost = true;
        return fail(std::move(*first_error));
      }
      return fail(std::move(next).error());
    }
    PgResultPtr result = std::move(next).value();
    if (!result) break;
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && status != PGRES_EMPTY_QUERY && !first_error) {
      first_error = error_from_result(result.get());
    }
    if (broken_) break;
  }
  last_used_ = Clock::now();
  if (first_error) return fail(std::move(*first_error));
  if (broken_) return fail(lost("connection lost"));
  return {};
}

}  // namespace shoppulse::db::detail
