#include <utility>

#include "connection.h"
#include "shoppulse/db/pool.h"

namespace shoppulse::db {

Lease::Lease(Pool* pool, std::unique_ptr<detail::PooledConnection> connection) noexcept
    : pool_(pool), connection_(std::move(connection)) {}

Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), connection_(std::move(other.connection_)) {}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::exchange(other.pool_, nullptr);
    connection_ = std::move(other.connection_);
  }
  return *this;
}

Lease::~Lease() {
  release();
}

void Lease::release() noexcept {
  if (pool_ != nullptr && connection_) pool_->give_back(std::move(connection_));
  pool_ = nullptr;
}

void Lease::discard() noexcept {
  if (connection_) connection_->mark_broken();
}

DbResult<QueryResult> Lease::query(std::string_view sql, const Params& params, Deadline deadline) {
  const std::string text(sql);  // libpq wants it terminated
  const Statement statement{text.c_str(), params};
  const Statement* const statements[] = {&statement};
  QueryResult result;
  if (DbResult<void> ran = connection_->pipeline(statements, {&result, 1}, deadline); !ran) {
    return fail(std::move(ran).error());
  }
  return result;
}

DbResult<std::vector<QueryResult>> Lease::pipeline(const std::vector<Statement>& statements, Deadline deadline) {
  std::vector<const Statement*> pointers;
  pointers.reserve(statements.size());
  for (const Statement& statement : statements) pointers.push_back(&statement);
  std::vector<QueryResult> results(statements.size());
  if (DbResult<void> ran = connection_->pipeline(pointers, results, deadline); !ran) {
    return fail(std::move(ran).error());
  }
  return results;
}

DbResult<void> Lease::execute_script(std::string_view sql, Deadline deadline) {
  return connection_->simple(sql, deadline);
}

}  // namespace shoppulse::db
