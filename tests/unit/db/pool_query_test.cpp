// Queries, typed rows, round-trip counts and concurrency through the pool.

#include <atomic>
#include <thread>
#include <vector>

#include "pool_helpers.h"
#include "shoppulse/db/binary.h"

namespace shoppulse::db::testing {
namespace {

using shoppulse::test::TestDatabase;
using std::chrono::milliseconds;

TEST(DbPoolQuery, TypedRowAccess) {
  TestDatabase db;
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  DbResult<Lease> lease = pool->acquire(soon());
  ASSERT_TRUE(lease) << lease.error().message;

  DbResult<QueryResult> result = lease->query(
      "SELECT 42::bigint AS n, 7::int AS small, 'héllo'::text AS s, NULL::int AS missing, true AS yes, "
      "1.5::float8 AS d, '{\"a\": [1, 2]}'::jsonb AS j",
      {}, soon());
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->size(), 1U);
  const Row row = (*result)[0];
  EXPECT_EQ(*row.get<std::int64_t>("n"), 42);
  EXPECT_EQ(*row.get<std::int32_t>("small"), 7);
  EXPECT_EQ(*row.get<std::string>("s"), "héllo");
  EXPECT_EQ(*row.get<bool>("yes"), true);
  EXPECT_DOUBLE_EQ(*row.get<double>("d"), 1.5);
  EXPECT_EQ((*row.get<nlohmann::json>("j"))["a"][1], 2);
  EXPECT_EQ(*row.get<std::optional<std::int32_t>>("missing"), std::nullopt);
  EXPECT_EQ(*row.get<std::optional<std::int64_t>>("n"), 42);
  EXPECT_TRUE(row.is_null("missing"));

  // NULL read as non-optional, unknown column, wrong type: errors, not crashes.
  EXPECT_EQ(row.get<std::int32_t>("missing").error().code, kCodeBadColumn);
  EXPECT_EQ(row.get<std::int64_t>("nope").error().code, kCodeBadColumn);
  EXPECT_EQ(row.get<std::int64_t>("s").error().code, kCodeBadColumn);
  EXPECT_EQ(row.get<bool>(99).error().code, kCodeBadColumn);
}

TEST(DbPoolQuery, ParametersAreNeverSpliced) {
  TestDatabase db;
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  DbResult<Lease> lease = pool->acquire(soon());
  ASSERT_TRUE(lease);
  const std::string hostile = "x'); DROP TABLE users; --";
  DbResult<QueryResult> result =
      lease->query("SELECT $1::text AS echoed, $2::text IS NULL AS second_is_null", {hostile, std::nullopt}, soon());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(*(*result)[0].get<std::string>("echoed"), hostile);
  EXPECT_TRUE(*(*result)[0].get<bool>("second_is_null"));
  EXPECT_EQ(db.exec("SELECT count(*) FROM users").value(), "129");
}

TEST(DbPoolQuery, TenantReadIsOneRoundTrip) {
  TestDatabase db;
  const long acme_users = db.users_in_tenant(kAcme);  // before the test changes anything
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  ASSERT_TRUE(pool->warm_up(soon()));
  const PoolStats before = pool->stats();

  DbResult<std::vector<QueryResult>> results = pool->run_tenant_transaction(
      read_tx(kAcme), {{"SELECT count(*) AS n FROM users", {}},
                       {"SELECT name FROM tenants WHERE id = $1::uuid", {std::string(kAcme)}}});
  ASSERT_TRUE(results) << results.error().message;

  EXPECT_EQ(pool->stats().round_trips - before.round_trips, 1U);
  ASSERT_EQ(results->size(), 2U);
  EXPECT_EQ(int_at((*results)[0], "n"), acme_users);
  EXPECT_EQ(*(*results)[1][0].get<std::string>("name"), "Acme Outfitters");
  EXPECT_EQ(pool->stats().connects, 1U);
}

TEST(DbPoolQuery, WriteWithAuditRowIsOneRoundTrip) {
  TestDatabase db;
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  ASSERT_TRUE(pool->warm_up(soon()));
  const PoolStats before = pool->stats();
  const std::string user_id = "a1000000-0000-4000-8000-0000000000aa";

  DbResult<std::vector<QueryResult>> results = pool->run_tenant_transaction(
      write_tx(kAcme),
      {{"INSERT INTO users (id, tenant_id, email, name, role) VALUES ($1::uuid, $2::uuid, $3, $4, 'viewer') "
        "RETURNING id, updated_at",
        {user_id, std::string(kAcme), "new.person@acme.example", "New Person"}},
       {"INSERT INTO audit_logs (tenant_id, actor_sub, actor_role, action, resource_type, resource_id, request_id) "
        "VALUES ($1::uuid, 'dev-acme-admin', 'admin', 'user.created', 'user', $2, 'req-1')",
        {std::string(kAcme), user_id}}});
  ASSERT_TRUE(results) << results.error().message;

  EXPECT_EQ(pool->stats().round_trips - before.round_trips, 1U);
  EXPECT_EQ(*(*results)[0][0].get<std::string>("id"), user_id);
  EXPECT_EQ((*results)[1].affected_rows(), 1);
  EXPECT_EQ(db.exec("SELECT count(*) FROM users WHERE id = $1::uuid", {user_id}).value(), "1");
  EXPECT_EQ(db.exec("SELECT count(*) FROM audit_logs WHERE resource_id = $1", {user_id}).value(), "1");
}

TEST(DbPoolQuery, OneStatementWithBinaryResultsIsOneRoundTripWithoutBeginOrCommit) {
  TestDatabase db;
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  ASSERT_TRUE(pool->warm_up(soon()));
  const PoolStats before = pool->stats();
  const Statement statement{
      "SELECT id, created_at, name, 42::int AS answer, true AS yes, "
      "current_setting('transaction_read_only') AS read_only "
      "FROM users WHERE id = $1::uuid",
      {std::string("a1000000-0000-4000-8000-000000000002")},
      ResultFormat::kBinary};
  DbResult<QueryResult> result = pool->run_tenant_transaction(read_tx(kAcme), statement);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(pool->stats().round_trips - before.round_trips, 1U);
  ASSERT_EQ(result->size(), 1U);
  EXPECT_TRUE(result->is_binary(0));
  char id[36];
  ASSERT_TRUE(binary::uuid_text(result->value(0, 0).value_or(""), id));
  EXPECT_EQ(std::string(id, 36), "a1000000-0000-4000-8000-000000000002");
  EXPECT_EQ(binary::unix_micros(result->value(0, 1).value_or("")), 1'704'099'900'000'000);  // 2024-01-01 09:05Z
  EXPECT_EQ(*result->row(0).get<std::string>("name"), "Andy Analyst");
  EXPECT_EQ(*result->row(0).get<std::int32_t>("answer"), 42);
  EXPECT_TRUE(*result->row(0).get<bool>("yes"));
  // Reads run read-only, in an implicit transaction the Sync commits.
  EXPECT_EQ(*result->row(0).get<std::string>("read_only"), "on");
}

TEST(DbPoolQuery, AReadCannotWrite) {
  TestDatabase db;
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  auto result =
      pool->run_tenant_transaction(read_tx(kAcme), Statement{"UPDATE users SET name = 'Written' WHERE id = $1::uuid",
                                                             {std::string("a1000000-0000-4000-8000-000000000002")}});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().sqlstate, "25006");
  EXPECT_EQ(db.exec("SELECT name FROM users WHERE id = 'a1000000-0000-4000-8000-000000000002'").value(),
            "Andy Analyst");
  // The connection went back clean and serves the next request.
  EXPECT_TRUE(pool->run_tenant_transaction(read_tx(kAcme), Statement{"SELECT 1", {}}));
  EXPECT_EQ(pool->stats().open_connections, 1U);
}

TEST(DbPoolQuery, TenantSettingDoesNotOutliveTheTransaction) {
  TestDatabase db;
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  ASSERT_TRUE(pool->run_tenant_transaction(read_tx(kAcme), {{"SELECT 1", {}}}));
  // Same pooled connection, no tenant: RLS must hide everything again.
  DbResult<Lease> lease = pool->acquire(soon());
  ASSERT_TRUE(lease);
  DbResult<QueryResult> count = lease->query(
      "SELECT count(*) AS n, coalesce(current_setting('app.tenant_id', true), '') AS tenant FROM users", {}, soon());
  ASSERT_TRUE(count) << count.error().message;
  EXPECT_EQ(int_at(*count, "n"), 0);
  EXPECT_EQ(*(*count)[0].get<std::string>("tenant"), "");
  EXPECT_EQ(pool->stats().connects, 1U);
}

TEST(DbPoolQuery, HealthCheck) {
  TestDatabase db;
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  EXPECT_TRUE(pool->health_check(milliseconds(5000)));
}

TEST(DbPoolQuery, AcquireWaitsOnlyUntilTheDeadline) {
  TestDatabase db;
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  DbResult<Lease> held = pool->acquire(soon());
  ASSERT_TRUE(held);
  DbResult<Lease> second = pool->acquire(in(milliseconds(50)));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, kCodePoolExhausted);
  EXPECT_EQ(second.error().kind, ErrorKind::kUnavailable);
}

TEST(DbPoolQuery, LongIdleConnectionIsPingedBeforeUse) {
  TestDatabase db;
  PoolSettings settings = fast_settings();
  settings.validate_after_idle = milliseconds(0);
  auto pool = make_pool(conninfo_provider(db.app_conninfo()), settings);
  ASSERT_TRUE(pool->health_check());
  std::this_thread::sleep_for(milliseconds(5));
  ASSERT_TRUE(pool->health_check());
  EXPECT_EQ(pool->stats().pings, 1U);
  EXPECT_EQ(pool->stats().connects, 1U);
}

TEST(DbPoolQuery, ConcurrentTenantsNeverSeeEachOther) {
  TestDatabase db;
  const long acme_users = db.users_in_tenant(kAcme);  // before the test changes anything
  const long globex_users = db.users_in_tenant(kGlobex);
  auto pool = make_pool(conninfo_provider(db.app_conninfo()), fast_settings(2));
  std::atomic<int> failures{0};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  threads.reserve(6);
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      const bool acme = t % 2 == 0;
      for (int i = 0; i < 15; ++i) {
        TenantTx tx = read_tx(acme ? kAcme : kGlobex);
        tx.deadline = in(milliseconds(30000));
        auto results = pool->run_tenant_transaction(tx, {{"SELECT count(*) AS n FROM users", {}}});
        if (!results) {
          failures.fetch_add(1);
          continue;
        }
        const auto n = (*results)[0][0].get<std::int64_t>("n");
        if (!n || *n != (acme ? acme_users : globex_users)) wrong.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(wrong.load(), 0);
  const PoolStats stats = pool->stats();
  EXPECT_LE(stats.connects, 2U);
  EXPECT_LE(stats.open_connections, 2U);
  EXPECT_EQ(stats.round_trips, 6U * 15U);
}

}  // namespace
}  // namespace shoppulse::db::testing
