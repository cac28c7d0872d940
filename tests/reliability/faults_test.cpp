// Database faults through the real bootstrap: unreachable, slow, restarted.

#include <set>
#include <thread>

#include "bootstrap_harness.h"
#include "tcp_proxy.h"

namespace shoppulse::test {
namespace {

std::map<std::string, std::string> database_env(const TestDatabase& database, std::uint16_t port) {
  const std::string url =
      "postgresql://shoppulse_lambda:lambda-test-password@127.0.0.1:" + std::to_string(port) + "/" + database.name();
  return {{"DATABASE_URL", url}, {"DB_CONNECT_TIMEOUT_MS", "500"}};
}

TEST(DatabaseFaults, UnreachableDatabaseAnswers503WithinTheDeadlineAndRecovers) {
  TestDatabase database;
  TcpProxy proxy(static_cast<std::uint16_t>(database.server().port()));
  auto sandbox = start_bootstrap(database_env(database, proxy.port()), 5000);
  ASSERT_NE(sandbox, nullptr);
  ASSERT_EQ(invoke_api(*sandbox, api_call("GET", "/users", acme_admin())).status, 200);

  proxy.set_up(false);
  for (const char* path : {"/users", "/audit-logs"}) {
    const HttpReply reply = invoke_api(*sandbox, api_call("GET", path, acme_admin()));
    EXPECT_EQ(reply.raw.outcome, emulator::InvocationResult::Outcome::kResponse) << path;
    EXPECT_EQ(reply.status, 503) << path;
    EXPECT_TRUE(reply.headers.contains("Retry-After")) << path;
    EXPECT_EQ(reply.body["error"]["code"], "database_unavailable");
  }
  const HttpReply write = invoke_api(
      *sandbox, api_call("POST", "/users", acme_admin(),
                         nlohmann::json{{"email", "down@acme.example"}, {"name", "Down"}, {"role", "viewer"}}));
  EXPECT_EQ(write.status, 503);
  const HttpReply health = invoke_api(*sandbox, api_call("GET", "/health", std::nullopt));
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(health.body["database"], "unavailable");
  EXPECT_TRUE(sandbox->running());

  proxy.set_up(true);
  EXPECT_EQ(invoke_api(*sandbox, api_call("GET", "/users", acme_admin())).status, 200);
  EXPECT_EQ(invoke_api(*sandbox, api_call("GET", "/health", std::nullopt)).body["database"], "ok");
  EXPECT_EQ(database.exec("SELECT count(*) FROM users WHERE email = 'down@acme.example'").value(), "0");
  expect_all_lines_json(*sandbox);
}

TEST(DatabaseFaults, ASlowQueryAnswers504BeforeTheLambdaDeadlineAndTheConnectionStaysUsable) {
  TestDatabase database;
  auto sandbox = start_bootstrap(database_env(database, static_cast<std::uint16_t>(database.server().port())), 1500);
  ASSERT_NE(sandbox, nullptr);
  ASSERT_EQ(invoke_api(*sandbox, api_call("GET", "/users", acme_admin())).status, 200);
  const std::string backend_sql =
      "SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE usename = 'shoppulse_lambda' AND datname = '" +
      database.name() + "'";
  const std::string backend_before = database.exec(backend_sql).value();

  PgSession blocker(database.superuser_conninfo());
  blocker.exec("BEGIN");
  blocker.exec("LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
  const HttpReply slow = invoke_api(*sandbox, api_call("GET", "/users", acme_admin()));
  EXPECT_EQ(slow.raw.outcome, emulator::InvocationResult::Outcome::kResponse);  // not killed by the deadline
  EXPECT_EQ(slow.status, 504);
  EXPECT_EQ(slow.body["error"]["code"], "timeout");
  blocker.exec("ROLLBACK");

  EXPECT_EQ(invoke_api(*sandbox, api_call("GET", "/users", acme_admin())).status, 200);
  EXPECT_EQ(database.exec(backend_sql).value(), backend_before);  // same connection, not a reconnect
}

// Restarts the shared cluster: registered RUN_SERIAL.
TEST(DatabaseRestart, WritesDuringARestartAreNeitherLostNorDoubled) {
  TestDatabase database;
  auto sandbox = start_bootstrap(database_env(database, static_cast<std::uint16_t>(database.server().port())), 5000);
  ASSERT_NE(sandbox, nullptr);
  std::map<std::string, int> outcome_by_email;
  std::atomic<bool> restarting{true};
  std::thread restarter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    database.server().restart();
    restarting = false;
  });
  int i = 0;
  const auto post = [&](int n) {
    const std::string email = "restart" + std::to_string(n) + "@acme.example";
    const HttpReply reply = invoke_api(
        *sandbox,
        api_call("POST", "/users", acme_admin(), nlohmann::json{{"email", email}, {"name", "R"}, {"role", "viewer"}}));
    outcome_by_email[email] = reply.status;
    return reply.status;
  };
  while (restarting || i < 10) {
    post(i++);
    static_cast<void>(invoke_api(*sandbox, api_call("GET", "/users", acme_admin())));
  }
  restarter.join();
  // After the restart every invocation succeeds.
  for (int k = 0; k < 10; ++k) {
    EXPECT_EQ(post(i++), 201);
    EXPECT_EQ(invoke_api(*sandbox, api_call("GET", "/users", acme_admin())).status, 200);
  }
  for (const auto& [email, status] : outcome_by_email) expect_create_applied_once(database, email, status);
}

}  // namespace
}  // namespace shoppulse::test
