// PostgreSQL restarts between two calls: the next call reconnects and works.
// Runs serially (RUN_SERIAL): it restarts the cluster every test shares.

#include "pool_helpers.h"

namespace shoppulse::db::testing {
namespace {

using shoppulse::test::TestDatabase;

TEST(DbPoolRestart, NextCallSucceedsAfterServerRestart) {
  TestDatabase db;
  const long acme_users = db.users_in_tenant(kAcme);  // before the test changes anything
  auto pool = make_pool(conninfo_provider(db.app_conninfo()));
  auto before = pool->run_tenant_transaction(read_tx(kAcme), {{"SELECT count(*) AS n FROM users", {}}});
  ASSERT_TRUE(before) << before.error().message;

  db.server().restart();

  auto read = pool->run_tenant_transaction(read_tx(kAcme), {{"SELECT count(*) AS n FROM users", {}}});
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(int_at((*read)[0], "n"), acme_users);

  db.server().restart();

  // A write too: the dead connection is detected before anything is sent.
  auto write = pool->run_tenant_transaction(write_tx(kAcme), {{"UPDATE users SET name = 'Survivor' WHERE id = $1::uuid",
                                                               {std::string("a1000000-0000-4000-8000-000000000002")}}});
  ASSERT_TRUE(write) << write.error().message;
  EXPECT_EQ((*write)[0].affected_rows(), 1);

  const PoolStats stats = pool->stats();
  EXPECT_EQ(stats.connects, 3U);
  EXPECT_EQ(stats.dead_connections + stats.read_retries, 2U);
}

}  // namespace
}  // namespace shoppulse::db::testing
