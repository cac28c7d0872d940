// Transactions: tenant isolation, commit/rollback, and SQLSTATE mapping.

#include "pool_helpers.h"

namespace shoppulse::db::testing {
namespace {

using shoppulse::test::TestDatabase;
using std::chrono::milliseconds;

Statement insert_user(const char* tenant, const std::string& email, const std::string& name = "Test User",
                      const std::string& role = "viewer") {
  return {"INSERT INTO users (tenant_id, email, name, role) VALUES ($1::uuid, $2, $3, $4) RETURNING id",
          {std::string(tenant), email, name, role}};
}

std::string count_users_with_email(TestDatabase& db, const std::string& email) {
  return db.exec("SELECT count(*) FROM users WHERE lower(email) = lower($1)", {email}).value();
}

TEST(DbPoolTransaction, RowLevelSecurityAppliesThroughThePool) {
  TestDatabase db;
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));

  auto seen = pool->run_tenant_transaction(
      read_tx(kAcme), {{"SELECT count(*) AS n FROM users WHERE tenant_id = $1::uuid", {std::string(kGlobex)}},
                       {"SELECT count(*) AS n FROM orders", {}},
                       {"SELECT count(DISTINCT tenant_id) AS n FROM audit_logs", {}}});
  ASSERT_TRUE(seen) << seen.error().message;
  EXPECT_EQ(int_at((*seen)[0], "n"), 0) << "tenant A must not see tenant B's users";
  EXPECT_EQ(int_at((*seen)[1], "n"), 200) << "only Acme's orders";
  EXPECT_EQ(int_at((*seen)[2], "n"), 1);

  // Writing a row for another tenant is refused by the policy's WITH CHECK.
  auto foreign = pool->run_tenant_transaction(write_tx(kAcme), {insert_user(kGlobex, "intruder@globex.example")});
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().sqlstate, "42501");
  EXPECT_EQ(foreign.error().kind, ErrorKind::kForbidden);
  EXPECT_EQ(foreign.error().statement_index, 0);

  // Updating another tenant's row silently matches nothing.
  auto update = pool->run_tenant_transaction(
      write_tx(kAcme), {{"UPDATE users SET name = 'hijacked' WHERE tenant_id = $1::uuid", {std::string(kGlobex)}}});
  ASSERT_TRUE(update) << update.error().message;
  EXPECT_EQ((*update)[0].affected_rows(), 0);
  EXPECT_EQ(db.exec("SELECT count(*) FROM users WHERE name = 'hijacked'").value(), "0");
}

TEST(DbPoolTransaction, WithoutTenantNothingRuns) {
  TestDatabase db;
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  // A tenant transaction without a tenant is a caller's bug, refused before
  // any connection is used (row-level security would show nothing anyway:
  // tests/sql/rls_test.cpp).
  TenantTx no_tenant = write_tx(kAcme);
  no_tenant.tenant_id = "";
  auto refused = pool->run_tenant_transaction(no_tenant, insert_user(kAcme, "ghost@acme.example"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, kCodeMisuse);
  EXPECT_EQ(count_users_with_email(db, "ghost@acme.example"), "0");
  EXPECT_EQ(pool->stats().connects, 0U);
}

TEST(DbPoolTransaction, FailedStatementInBatchRollsBackEverything) {
  TestDatabase db;
  const long acme_users = db.users_in_tenant(kAcme);  // before the test changes anything
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  auto results = pool->run_tenant_transaction(
      write_tx(kAcme), {insert_user(kAcme, "first@acme.example"), insert_user(kAcme, "ADMIN@acme.example"),
                        insert_user(kAcme, "third@acme.example")});
  ASSERT_FALSE(results);
  EXPECT_EQ(results.error().statement_index, 1) << "the duplicate (case-insensitive) email is statement 1";
  EXPECT_EQ(results.error().kind, ErrorKind::kConflict);
  EXPECT_EQ(count_users_with_email(db, "first@acme.example"), "0");
  EXPECT_EQ(count_users_with_email(db, "third@acme.example"), "0");

  // The connection was cleaned up (ROLLBACK) and is reused.
  auto after = pool->run_tenant_transaction(read_tx(kAcme), {{"SELECT count(*) AS n FROM users", {}}});
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(int_at((*after)[0], "n"), acme_users);
  EXPECT_EQ(pool->stats().connects, 1U);
}

TEST(DbPoolTransaction, UniqueViolationIsConflictWithSqlstateAndConstraint) {
  TestDatabase db;
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  auto results = pool->run_tenant_transaction(write_tx(kAcme), {insert_user(kAcme, "Admin@Acme.Example")});
  ASSERT_FALSE(results);
  const DbError& error = results.error();
  EXPECT_EQ(error.kind, ErrorKind::kConflict);
  EXPECT_EQ(error.sqlstate, "23505");
  EXPECT_EQ(error.code, "sqlstate_23505");
  EXPECT_EQ(error.constraint, "users_tenant_email_key");
  // Still recognisable after slicing into a plain Error (what handlers return).
  const Error plain = error;
  EXPECT_EQ(sqlstate_of(plain), "23505");
  // The DETAIL (which echoes the duplicate value) never reaches the message.
  EXPECT_EQ(error.message.find("Admin@Acme.Example"), std::string::npos) << error.message;
}

TEST(DbPoolTransaction, CheckViolationsAreInvalidInput) {
  TestDatabase db;
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  auto bad_role =
      pool->run_tenant_transaction(write_tx(kAcme), {insert_user(kAcme, "root@acme.example", "Root", "superuser")});
  ASSERT_FALSE(bad_role);
  EXPECT_EQ(bad_role.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(bad_role.error().sqlstate, "23514");
  EXPECT_EQ(bad_role.error().constraint, "users_role_valid");

  auto bad_uuid = pool->run_tenant_transaction(
      read_tx(kAcme), {{"SELECT * FROM users WHERE id = $1::uuid", {std::string("not-a-uuid")}}});
  ASSERT_FALSE(bad_uuid);
  EXPECT_EQ(bad_uuid.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(bad_uuid.error().sqlstate, "22P02");

  TenantTx invalid_tenant = read_tx(kAcme);
  invalid_tenant.tenant_id = "acme' OR 1=1 --";
  auto refused = pool->run_tenant_transaction(invalid_tenant, {{"SELECT 1", {}}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, kCodeInvalidTenant);
}

TEST(DbPoolTransaction, StatementTimeoutIsTimeoutAndConnectionSurvives) {
  TestDatabase db;
  const long acme_users = db.users_in_tenant(kAcme);  // before the test changes anything
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  TenantTx slow = read_tx(kAcme);
  slow.statement_timeout = milliseconds(100);
  auto result = pool->run_tenant_transaction(slow, {{"SELECT 1", {}}, {"SELECT pg_sleep(5)", {}}});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kTimeout);
  EXPECT_EQ(result.error().sqlstate, "57014");
  EXPECT_EQ(result.error().statement_index, 1);

  auto after = pool->run_tenant_transaction(read_tx(kAcme), {{"SELECT count(*) AS n FROM users", {}}});
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(int_at((*after)[0], "n"), acme_users);
  EXPECT_EQ(pool->stats().connects, 1U) << "the timed-out connection must be reused, not replaced";
  EXPECT_EQ(pool->stats().dead_connections, 0U);
}

TEST(DbPoolTransaction, StatementTimeoutFollowsTheDeadline) {
  TestDatabase db;
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  TenantTx tx = read_tx(kAcme);
  tx.deadline = in(milliseconds(1500));  // default statement timeout is 5 s
  auto result = pool->run_tenant_transaction(
      tx, {{"SELECT setting::int AS t FROM pg_settings WHERE name = 'statement_timeout'", {}}});
  ASSERT_TRUE(result) << result.error().message;
  const std::int32_t timeout_ms = *(*result)[0][0].get<std::int32_t>("t");
  // At most the 1.5 s left minus the 250 ms margin, never the 5 s default.
  EXPECT_GT(timeout_ms, 0);
  EXPECT_LE(timeout_ms, 1250);
}

}  // namespace
}  // namespace shoppulse::db::testing
