// Connection failures: database down, dead connections, lost writes,
// credential rotation.

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <random>

#include "pool_helpers.h"

namespace shoppulse::db::testing {
namespace {

using shoppulse::test::TestDatabase;
using std::chrono::milliseconds;

// A TCP port on 127.0.0.1 with nothing listening (bound, then released).
int closed_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) throw std::runtime_error("bind");
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

void terminate_backends_of(TestDatabase& db, const std::string& role) {
  db.exec("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = $1", {role});
}

TEST(DbPoolFailure, DatabaseDownFailsUnavailableWithBoundedRetries) {
  const int port = closed_port();
  std::atomic<int> provider_calls{0};
  auto provider = [&](bool) -> Result<DbCredentials> {
    provider_calls.fetch_add(1);
    DbCredentials credentials;
    credentials.host = "127.0.0.1";
    credentials.port = port;
    credentials.dbname = "nothing";
    credentials.user = "nobody";
    credentials.password = "secret-password-never-shown";
    return credentials;
  };
  auto pool = make_pool(provider);

  auto result = pool->run_tenant_transaction(read_tx(kAcme), {{"SELECT 1", {}}});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(result.error().code, kCodeConnectionFailed);
  EXPECT_EQ(result.error().message.find("secret-password-never-shown"), std::string::npos);
  const PoolStats stats = pool->stats();
  EXPECT_EQ(stats.connect_failures, 4U) << "1 attempt + 3 retries";
  EXPECT_EQ(stats.connects, 0U);
  EXPECT_EQ(stats.open_connections, 0U) << "failed attempts must release their slot";
  EXPECT_EQ(provider_calls.load(), 1);

  EXPECT_FALSE(pool->health_check(milliseconds(2000)));
}

TEST(DbPoolFailure, ProviderFailureIsUnavailable) {
  auto pool = make_pool([](bool) -> Result<DbCredentials> {
    return fail(Error::make(ErrorKind::kBadGateway, "SecretsManagerError", "secret not reachable"));
  });
  auto lease = pool->acquire(soon());
  ASSERT_FALSE(lease);
  EXPECT_EQ(lease.error().code, kCodeCredentials);
  EXPECT_EQ(lease.error().kind, ErrorKind::kUnavailable);
}

TEST(DbPoolFailure, TerminatedConnectionIsReplacedBeforeAWrite) {
  TestDatabase db;
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  ASSERT_TRUE(pool->run_tenant_transaction(read_tx(kAcme), {{"SELECT 1", {}}}));
  terminate_backends_of(db, "shoppulse_lambda");

  auto written =
      pool->run_tenant_transaction(write_tx(kAcme), {{"UPDATE users SET name = 'After Restart' WHERE id = $1::uuid",
                                                      {std::string("a1000000-0000-4000-8000-000000000003")}}});
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ((*written)[0].affected_rows(), 1);
  const PoolStats stats = pool->stats();
  EXPECT_EQ(stats.dead_connections, 1U);
  EXPECT_EQ(stats.connects, 2U);
  EXPECT_EQ(stats.read_retries, 0U);
}

TEST(DbPoolFailure, WriteLostMidFlightIsNotRetriedAndReportsUnknownOutcome) {
  TestDatabase db;
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  // The backend kills itself after the INSERT, before COMMIT.
  auto result = pool->run_tenant_transaction(
      write_tx(kAcme), {{"INSERT INTO users (tenant_id, email, name, role) VALUES ($1::uuid, 'lost@acme.example', "
                         "'Lost', 'viewer')",
                         {std::string(kAcme)}},
                        {"SELECT pg_terminate_backend(pg_backend_pid())", {}}});
  ASSERT_FALSE(result);
  EXPECT_TRUE(result.error().connection_lost);
  EXPECT_TRUE(result.error().outcome_unknown);
  EXPECT_EQ(result.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(result.error().code, kCodeOutcomeUnknown);
  const PoolStats stats = pool->stats();
  EXPECT_EQ(stats.read_retries, 0U);
  EXPECT_EQ(stats.connects, 1U) << "a write must not be re-sent on a new connection";
  EXPECT_EQ(db.exec("SELECT count(*) FROM users WHERE email = 'lost@acme.example'").value(), "0");

  // The broken connection was dropped; the pool recovers.
  EXPECT_TRUE(pool->health_check());
}

TEST(DbPoolFailure, ReadLostMidFlightIsRetriedOnceOnAFreshConnection) {
  TestDatabase db;
  const long acme_users = db.users_in_tenant(kAcme);  // before the test changes anything
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  std::string pid;
  {
    DbResult<Lease> lease = pool->acquire(soon());
    ASSERT_TRUE(lease);
    DbResult<QueryResult> mine = lease->query("SELECT pg_backend_pid()::text AS pid", {}, soon());
    ASSERT_TRUE(mine) << mine.error().message;
    pid = *(*mine)[0].get<std::string>("pid");
  }  // back to the pool

  // Dies on the first connection only; the retry runs on a new backend.
  auto result = pool->run_tenant_transaction(
      read_tx(kAcme),
      {{"SELECT CASE WHEN pg_backend_pid() = $1::int THEN pg_terminate_backend(pg_backend_pid()) END", {pid}},
       {"SELECT count(*) AS n FROM users", {}}});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(int_at((*result)[1], "n"), acme_users);
  const PoolStats stats = pool->stats();
  EXPECT_EQ(stats.read_retries, 1U);
  EXPECT_EQ(stats.connects, 2U);
}

TEST(DbPoolFailure, RotatedPasswordIsRefreshedOnceAndTheCallSucceeds) {
  TestDatabase db;
  const long acme_users = db.users_in_tenant(kAcme);  // before the test changes anything
  std::mt19937_64 rng{std::random_device{}()};
  const std::string role = "t_rotation_" + std::to_string(rng() % 1000000000ULL);
  db.exec("CREATE ROLE " + role + " LOGIN PASSWORD 'old-password-1' IN ROLE shoppulse_app");

  std::mutex mutex;
  std::string current_secret = "old-password-1";  // what the secret store holds
  std::string cached_secret = current_secret;     // what the provider's cache holds
  int forced = 0;
  int calls = 0;
  auto provider = [&](bool force_refresh) -> Result<DbCredentials> {
    const std::lock_guard lock(mutex);
    ++calls;
    if (force_refresh) {
      ++forced;
      cached_secret = current_secret;
    }
    DbCredentials credentials;
    credentials.host = db.server().host();
    credentials.port = db.server().port();
    credentials.dbname = db.name();
    credentials.user = role;
    credentials.password = cached_secret;
    return credentials;
  };

  {
    auto pool = make_pool(provider);
    auto first = pool->run_tenant_transaction(read_tx(kAcme), {{"SELECT count(*) AS n FROM users", {}}});
    ASSERT_TRUE(first) << first.error().message;

    // Rotation: the database and the secret store change; the cache does not.
    db.exec("ALTER ROLE " + role + " PASSWORD 'new-password-2'");
    {
      const std::lock_guard lock(mutex);
      current_secret = "new-password-2";
    }
    terminate_backends_of(db, role);  // force a new connection

    auto second = pool->run_tenant_transaction(read_tx(kAcme), {{"SELECT count(*) AS n FROM users", {}}});
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(int_at((*second)[0], "n"), acme_users);
    EXPECT_EQ(forced, 1);
    EXPECT_EQ(pool->stats().credential_refreshes, 1U);
    EXPECT_EQ(pool->stats().connect_failures, 1U) << "one rejected attempt with the stale password";
  }
  terminate_backends_of(db, role);
  db.exec("DROP ROLE " + role);
}

TEST(DbPoolFailure, WrongPasswordAfterRefreshFailsWithoutHammering) {
  TestDatabase db;
  int forced = 0;
  auto provider = [&](bool force_refresh) -> Result<DbCredentials> {
    if (force_refresh) ++forced;
    DbCredentials credentials;
    credentials.host = db.server().host();
    credentials.port = db.server().port();
    credentials.dbname = db.name();
    credentials.user = "shoppulse_lambda";
    credentials.password = "definitely-wrong";
    return credentials;
  };
  auto pool = make_pool(provider);
  auto lease = pool->acquire(soon());
  ASSERT_FALSE(lease);
  EXPECT_TRUE(lease.error().auth_failure);
  EXPECT_EQ(lease.error().sqlstate, "28P01");
  EXPECT_EQ(lease.error().kind, ErrorKind::kUnavailable);
  EXPECT_EQ(lease.error().message.find("definitely-wrong"), std::string::npos);
  EXPECT_EQ(forced, 1);
  EXPECT_EQ(pool->stats().connect_failures, 2U) << "stale + refreshed attempt, no backoff retries";
}

}  // namespace
}  // namespace shoppulse::db::testing
