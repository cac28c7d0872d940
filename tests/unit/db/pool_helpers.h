#pragma once
// Shared setup for the pool tests: a pool over a fresh test database, logged
// in as the Lambda's role (shoppulse_lambda, member of shoppulse_app).

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "shoppulse/db/pool.h"
#include "test_db.h"

namespace shoppulse::db::testing {

inline constexpr const char* kAcme = "11111111-1111-4111-8111-111111111111";
inline constexpr const char* kGlobex = "22222222-2222-4222-8222-222222222222";

inline CredentialsProvider conninfo_provider(std::string conninfo) {
  return [conninfo = std::move(conninfo)](bool) -> Result<DbCredentials> {
    DbCredentials credentials;
    credentials.conninfo = conninfo;
    return credentials;
  };
}

inline PoolSettings fast_settings(std::size_t max_size = 1) {
  PoolSettings settings;
  settings.max_size = max_size;
  settings.connect_timeout = std::chrono::milliseconds(3000);
  settings.statement_timeout = std::chrono::milliseconds(5000);
  settings.retry.initial_backoff = std::chrono::milliseconds(10);
  settings.retry.max_backoff = std::chrono::milliseconds(50);
  return settings;
}

inline std::unique_ptr<Pool> make_pool(CredentialsProvider provider, PoolSettings settings = fast_settings()) {
  Result<std::unique_ptr<Pool>> pool = Pool::create(std::move(settings), std::move(provider));
  if (!pool) throw std::runtime_error("Pool::create failed: " + pool.error().message);
  return std::move(pool).value();
}

inline Deadline in(std::chrono::milliseconds ms) {
  return Clock::now() + ms;
}
inline Deadline soon() {
  return in(std::chrono::milliseconds(10000));
}

inline TenantTx read_tx(const char* tenant) {
  TenantTx tx;
  tx.tenant_id = tenant;
  tx.deadline = soon();
  tx.read_only = true;
  return tx;
}

inline TenantTx write_tx(const char* tenant) {
  TenantTx tx;
  tx.tenant_id = tenant;
  tx.deadline = soon();
  return tx;
}

inline std::int64_t int_at(const QueryResult& result, const char* column, std::size_t row = 0) {
  Result<std::int64_t> value = result[row].get<std::int64_t>(column);
  if (!value) throw std::runtime_error("column " + std::string(column) + ": " + value.error().message);
  return *value;
}

}  // namespace shoppulse::db::testing
