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
  const Statement statement{std::string(sql), params};
  DbResult<std::vector<QueryResult>> results = connection_->pipeline({&statement}, deadline);
  if (!results) return fail(std::move(results).error());
  return std::move(results.value().front());
}

DbResult<std::vector<QueryResult>> Lease::pipeline(const std::vector<Statement>& statements, Deadline deadline) {
  std::vector<const Statement*> pointers;
  pointers.reserve(statements.size());
  for (const Statement& statement : statements) pointers.push_back(&statement);
  return connection_->pipeline(pointers, deadline);
}

DbResult<void> Lease::execute_script(std::string_view sql, Deadline deadline) {
  return connection_->simple(sql, deadline);
}

}  // namespace shoppulse::db
