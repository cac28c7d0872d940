#include <utility>

#include "connection.h"
#include "shoppulse/db/pool.h"

namespace shoppulse::db {

Transaction::Transaction(detail::PooledConnection& connection, std::vector<Statement> setup, Deadline deadline,
                         bool read_only) noexcept
    : connection_(&connection), setup_(std::move(setup)), deadline_(deadline), read_only_(read_only) {}

Transaction::~Transaction() = default;

DbResult<QueryResult> Transaction::query(std::string_view sql, const Params& params) {
  const std::string text(sql);  // libpq wants it terminated
  DbResult<std::vector<QueryResult>> results = batch({Statement{text.c_str(), params}});
  if (!results) return fail(std::move(results).error());
  return std::move(results.value().front());
}

DbResult<std::vector<QueryResult>> Transaction::batch(const std::vector<Statement>& statements) {
  // PostgreSQL would refuse every statement of an aborted transaction anyway
  // (25P02); answering locally saves the round trip and keeps the real cause.
  if (failed_) return fail(*failed_);

  std::vector<const Statement*> pipeline;
  pipeline.reserve(setup_.size() + statements.size());
  for (const Statement& statement : setup_) pipeline.push_back(&statement);
  for (const Statement& statement : statements) pipeline.push_back(&statement);
  const auto skip = static_cast<int>(setup_.size());

  std::vector<QueryResult> results(pipeline.size());
  DbResult<void> ran = connection_->pipeline(pipeline, results, deadline_);
  sent_ = true;
  if (!ran) {
    DbError error = std::move(ran).error();
    error.statement_index = error.statement_index >= skip ? error.statement_index - skip : -1;
    // COMMIT has not been sent yet, so a lost connection means rolled back,
    // never "outcome unknown".
    failed_ = error;
    return fail(std::move(error));
  }
  setup_.clear();
  results.erase(results.begin(), results.begin() + skip);
  return results;
}

}  // namespace shoppulse::db
