// Lambda Managed Instances through the real bootstrap: AWS_LAMBDA_MAX_CONCURRENCY
// workers in one process, the emulator delivering that many events at once,
// against a real database. Every response must be right and belong to its own
// tenant, and every log line must name its own invocation and tenant. Also
// built and run under ThreadSanitizer (the tsan preset, in ./test.sh).

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "bootstrap_harness.h"

namespace shoppulse::test {
namespace {

using std::chrono::milliseconds;

std::map<std::string, std::string> managed_env(const TestDatabase& database, int concurrency) {
  return {{"DATABASE_URL", "postgresql://shoppulse_lambda:lambda-test-password@127.0.0.1:" +
                               std::to_string(database.server().port()) + "/" + database.name()},
          {"DB_CONNECT_TIMEOUT_MS", "1000"},
          {"AWS_LAMBDA_MAX_CONCURRENCY", std::to_string(concurrency)},
          // As the official emulator's Managed-Instances mode sets them.
          {"AWS_LAMBDA_LOG_FORMAT", "json"},
          {"AWS_LAMBDA_LOG_LEVEL", "debug"}};
}

std::string domain_of(const std::string& tenant) {
  return tenant == kAcme ? "@acme.example" : "@globex.example";
}

// Polls pg_stat_activity until `count` of the app role's backends wait on a
// lock (the test's ACCESS EXCLUSIVE one); returns the last count seen.
std::string wait_for_lock_waiters(TestDatabase& database, const std::string& count) {
  const std::string waiting_sql =
      "SELECT count(*) FROM pg_stat_activity WHERE usename = 'shoppulse_lambda' AND datname = '" + database.name() +
      "' AND wait_event_type = 'Lock'";
  std::string waiting;
  for (int i = 0; i < 200 && waiting != count; ++i) {
    std::this_thread::sleep_for(milliseconds(50));
    waiting = database.exec(waiting_sql).value();
  }
  return waiting;
}

// What each invocation was, by Lambda request id, for checking the log.
class InvocationLedger {
 public:
  void record(const std::string& request_id, const std::string& tenant) {
    const std::lock_guard lock(mutex_);
    tenant_by_request_[request_id] = tenant;
  }
  [[nodiscard]] std::map<std::string, std::string> snapshot() const {
    const std::lock_guard lock(mutex_);
    return tenant_by_request_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> tenant_by_request_;  // "" for unauthenticated routes
};

// Every line with a requestId names an invocation we sent and, when it names
// a tenant, that invocation's tenant; each invocation has exactly one access
// log line, carrying its tenant when the route is authenticated.
void expect_log_lines_match_their_invocations(const emulator::RuntimeEmulator& sandbox,
                                              const std::map<std::string, std::string>& ledger) {
  // The access log is written after the response is posted: give the last
  // few invocations' lines a moment to arrive.
  for (int i = 0; i < 250; ++i) {
    std::size_t access_lines = 0;
    for (const auto& text : sandbox.stdout_lines()) {
      if (text.find("\"invocation completed\"") != std::string::npos) ++access_lines;
    }
    if (access_lines >= ledger.size()) break;
    std::this_thread::sleep_for(milliseconds(20));
  }
  std::map<std::string, int> completed;
  for (const auto& text : sandbox.stdout_lines()) {
    const auto line = nlohmann::json::parse(text, nullptr, false);
    ASSERT_TRUE(line.is_object()) << text;
    if (!line.contains("requestId")) continue;
    const std::string request_id = line["requestId"].get<std::string>();
    const auto expected = ledger.find(request_id);
    ASSERT_NE(expected, ledger.end()) << "a line names an invocation nobody sent: " << text;
    if (line.contains("tenantId")) {
      EXPECT_EQ(line["tenantId"], expected->second) << text;
    }
    if (line.value("message", "") == "invocation completed") {
      ++completed[request_id];
      if (!expected->second.empty()) {
        EXPECT_EQ(line.value("tenantId", ""), expected->second) << text;
      }
    }
    if (line.value("level", "") == "WARN" || line.value("level", "") == "ERROR") {
      // Lines from the pool's retries and reconnects name the tenant too.
      if (!expected->second.empty() && !line.value("route", "").empty()) {
        EXPECT_EQ(line.value("tenantId", ""), expected->second) << text;
      }
    }
  }
  for (const auto& [request_id, tenant] : ledger) EXPECT_EQ(completed[request_id], 1) << request_id;
}

void expect_no_sanitizer_reports(const emulator::RuntimeEmulator& sandbox) {
  for (const auto& line : sandbox.stderr_lines()) {
    EXPECT_EQ(line.find("Sanitizer"), std::string::npos) << line;
  }
}

// One client's mixed traffic as one tenant: reads, a write and reads of what
// it wrote, the other tenant's data (must be invisible), and health checks.
void run_client(emulator::RuntimeEmulator& sandbox, InvocationLedger& ledger, const Who& who, const Who& other,
                const std::string& tag, int rounds, std::atomic<int>& failures) {
  const std::string domain = domain_of(who.tenant);
  const auto invoke = [&](const Call& call, const std::string& tenant) {
    HttpReply reply = invoke_api(sandbox, call);
    ledger.record(reply.raw.request_id, tenant);
    return reply;
  };
  const auto check = [&](bool ok, const std::string& what) {
    if (!ok) {
      ++failures;
      ADD_FAILURE() << tag << ": " << what;
    }
  };
  const std::string own_admin = who.tenant == kAcme ? kAcmeAdminId : kGlobexAdminId;
  const std::string other_admin = who.tenant == kAcme ? kGlobexAdminId : kAcmeAdminId;
  for (int i = 0; i < rounds; ++i) {
    switch (i % 5) {
      case 0: {
        const HttpReply list = invoke(api_call("GET", "/users", who), who.tenant);
        check(list.status == 200, "list status " + std::to_string(list.status) + " " + list.raw.body);
        for (const auto& user : list.body["items"]) {
          check(user["email"].get<std::string>().ends_with(domain), "foreign user listed: " + user.dump());
        }
        break;
      }
      case 1: {
        const HttpReply own = invoke(api_call("GET", "/users/" + own_admin, who), who.tenant);
        check(own.status == 200 && own.body["id"] == own_admin, "own admin: " + own.raw.body);
        const HttpReply foreign = invoke(api_call("GET", "/users/" + other_admin, who), who.tenant);
        check(foreign.status == 404, "other tenant's admin: " + foreign.raw.body);
        break;
      }
      case 2: {
        std::string email = tag;
        email.append("-").append(std::to_string(i)).append(domain);
        const HttpReply created = invoke(
            api_call("POST", "/users", who, nlohmann::json{{"email", email}, {"name", "MI"}, {"role", "viewer"}}),
            who.tenant);
        check(created.status == 201 && created.body["email"] == email, "create: " + created.raw.body);
        if (created.status != 201) break;
        const std::string id = created.body["id"].get<std::string>();
        const HttpReply mine = invoke(api_call("GET", "/users/" + id, who), who.tenant);
        check(mine.status == 200 && mine.body["email"] == email, "read back: " + mine.raw.body);
        const HttpReply theirs = invoke(api_call("GET", "/users/" + id, other), other.tenant);
        check(theirs.status == 404, "other tenant reads a new user: " + theirs.raw.body);
        break;
      }
      case 3: {
        const HttpReply audit = invoke(api_call("GET", "/audit-logs", who), who.tenant);
        check(audit.status == 200, "audit: " + audit.raw.body);
        for (const auto& entry : audit.body["items"]) {
          const std::string sub = entry.value("actorSub", "");
          if (sub.rfind("dev-", 0) == 0) {
            check(sub.find(who.tenant == kAcme ? "acme" : "globex") != std::string::npos,
                  "foreign audit row: " + entry.dump());
          }
        }
        break;
      }
      default: {
        const HttpReply health = invoke(api_call("GET", "/health", std::nullopt), "");
        check(health.status == 200 && health.body["database"] == "ok", "health: " + health.raw.body);
      }
    }
  }
}

class ManagedInstancesHammer : public ::testing::TestWithParam<int> {};

TEST_P(ManagedInstancesHammer, MixedTenantsAndRoutesStayCorrectAndLogTheirOwnContext) {
  const int concurrency = GetParam();
  TestDatabase database;
  auto sandbox = start_bootstrap(managed_env(database, concurrency), 20000);
  ASSERT_NE(sandbox, nullptr);
  InvocationLedger ledger;
  std::atomic<int> failures{0};
  const int rounds = concurrency >= 32 ? 15 : 40;
  std::vector<std::thread> clients;
  clients.reserve(static_cast<std::size_t>(concurrency));
  for (int c = 0; c < concurrency; ++c) {
    clients.emplace_back([&, c] {
      const bool acme = c % 2 == 0;
      run_client(*sandbox, ledger, acme ? acme_admin() : globex_admin(), acme ? globex_admin() : acme_admin(),
                 "mi" + std::to_string(concurrency) + "c" + std::to_string(c), rounds, failures);
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(failures.load(), 0);

  // Every write landed once, with its audit row, in its own tenant.
  const std::string prefix = "mi" + std::to_string(concurrency) + "c%";
  EXPECT_EQ(database.exec("SELECT count(*) FROM users WHERE email LIKE $1", {prefix}).value(),
            std::to_string(concurrency * ((rounds + 2) / 5)));
  EXPECT_EQ(database
                .exec("SELECT count(*) FROM users WHERE email LIKE $1 AND "
                      "tenant_id <> CASE WHEN email LIKE '%@acme.example' THEN $2::uuid ELSE $3::uuid END",
                      {prefix, std::string(kAcme), std::string(kGlobex)})
                .value(),
            "0");
  EXPECT_EQ(database
                .exec("SELECT count(*) FROM users u WHERE u.email LIKE $1 AND (SELECT count(*) FROM audit_logs a "
                      "WHERE a.action = 'user.created' AND a.resource_id = u.id::text AND a.tenant_id = u.tenant_id) "
                      "<> 1",
                      {prefix})
                .value(),
            "0");

  bool saw_workers = false;
  for (const auto& line : sandbox->stdout_lines()) {
    if (line.find("\"serving concurrent invocations\"") != std::string::npos &&
        line.find("\"workers\":" + std::to_string(concurrency)) != std::string::npos) {
      saw_workers = true;
    }
  }
  EXPECT_TRUE(saw_workers) << "bootstrap did not start " << concurrency << " workers";
  expect_log_lines_match_their_invocations(*sandbox, ledger.snapshot());
  expect_no_sanitizer_reports(*sandbox);
  EXPECT_TRUE(sandbox->running());
}

INSTANTIATE_TEST_SUITE_P(Concurrency, ManagedInstancesHammer, ::testing::Values(8, 32),
                         [](const ::testing::TestParamInfo<int>& param) { return "x" + std::to_string(param.param); });

// Proof the workers really overlap, without timing anything: with the users
// table locked, four invocations are inside PostgreSQL at the same time.
TEST(ManagedInstances, InvocationsRunAtTheSameTime) {
  TestDatabase database;
  auto sandbox = start_bootstrap(managed_env(database, 4), 20000);
  ASSERT_NE(sandbox, nullptr);
  PgSession blocker(database.superuser_conninfo());
  blocker.exec("BEGIN");
  blocker.exec("LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  clients.reserve(4);
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] { ok += invoke_api(*sandbox, api_call("GET", "/users", acme_admin())).status == 200; });
  }
  const std::string waiting = wait_for_lock_waiters(database, "4");
  EXPECT_EQ(waiting, "4") << "four invocations should wait on the lock at once";
  blocker.exec("ROLLBACK");
  for (auto& client : clients) client.join();
  EXPECT_EQ(ok.load(), 4);
}

// More invocations than connections: the ones left without a connection wait
// until their deadline and answer 503 + Retry-After, never queue forever.
TEST(ManagedInstances, InvocationsBeyondThePoolAnswer503AtTheirDeadline) {
  TestDatabase database;
  auto env = managed_env(database, 4);
  env["DB_POOL_MAX"] = "2";
  auto sandbox = start_bootstrap(env, 10000);
  ASSERT_NE(sandbox, nullptr);
  PgSession blocker(database.superuser_conninfo());
  blocker.exec("BEGIN");
  blocker.exec("LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
  // Two invocations hold both connections, waiting on the lock...
  std::vector<HttpReply> holders(2);
  std::vector<std::thread> clients;
  for (std::size_t c = 0; c < holders.size(); ++c) {
    clients.emplace_back([&, c] { holders[c] = invoke_api(*sandbox, api_call("GET", "/users", acme_admin())); });
  }
  const std::string waiting = wait_for_lock_waiters(database, "2");
  ASSERT_EQ(waiting, "2");
  // ...so two more, with a short deadline, find no free connection.
  for (int c = 0; c < 2; ++c) {
    const HttpReply busy = invoke_api(*sandbox, api_call("GET", "/users", globex_admin()), 1000);
    EXPECT_EQ(busy.raw.outcome, emulator::InvocationResult::Outcome::kResponse) << busy.raw.body;
    EXPECT_EQ(busy.status, 503) << busy.body_text;
    EXPECT_EQ(busy.body["error"]["code"], "database_busy");
    EXPECT_EQ(busy.headers.value("Retry-After", ""), "1");
  }
  blocker.exec("ROLLBACK");
  for (auto& client : clients) client.join();
  for (const HttpReply& held : holders) EXPECT_EQ(held.status, 200) << held.body_text;
  EXPECT_EQ(invoke_api(*sandbox, api_call("GET", "/users", acme_admin())).status, 200);
}

// Restarts the shared cluster: registered RUN_SERIAL.
TEST(ManagedInstancesRestart, ConcurrentWritesDuringADatabaseRestartAreNeitherLostNorDoubled) {
  TestDatabase database;
  auto sandbox = start_bootstrap(managed_env(database, 8), 5000);
  ASSERT_NE(sandbox, nullptr);
  InvocationLedger ledger;
  std::mutex outcome_mutex;
  std::map<std::string, int> outcome_by_email;
  std::atomic<bool> restarting{true};
  std::thread restarter([&] {
    std::this_thread::sleep_for(milliseconds(300));
    database.server().restart();
    restarting = false;
  });
  std::vector<std::thread> clients;
  clients.reserve(8);
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      const Who who = c % 2 == 0 ? acme_admin() : globex_admin();
      for (int i = 0; restarting || i < 6; ++i) {
        const std::string email = "restart-c" + std::to_string(c) + "-" + std::to_string(i) + domain_of(who.tenant);
        const HttpReply reply = invoke_api(
            *sandbox,
            api_call("POST", "/users", who, nlohmann::json{{"email", email}, {"name", "R"}, {"role", "viewer"}}));
        ledger.record(reply.raw.request_id, who.tenant);
        const std::lock_guard lock(outcome_mutex);
        outcome_by_email[email] = reply.status;
      }
    });
  }
  for (auto& client : clients) client.join();
  restarter.join();
  for (const auto& [email, status] : outcome_by_email) expect_create_applied_once(database, email, status);
  // After the restart every worker serves again.
  for (int k = 0; k < 8; ++k) {
    const HttpReply reply = invoke_api(*sandbox, api_call("GET", "/users", acme_admin()));
    ledger.record(reply.raw.request_id, kAcme);
    EXPECT_EQ(reply.status, 200);
  }
  expect_log_lines_match_their_invocations(*sandbox, ledger.snapshot());
  expect_no_sanitizer_reports(*sandbox);
}

// SIGTERM stops every worker (each parked in /next) and closes every
// database connection before a clean exit.
TEST(ManagedInstances, SigtermStopsAllWorkersAndClosesEveryConnection) {
  TestDatabase database;
  auto sandbox = start_bootstrap(managed_env(database, 6), 5000);
  ASSERT_NE(sandbox, nullptr);
  std::vector<std::thread> clients;
  clients.reserve(6);
  for (int c = 0; c < 6; ++c) {
    clients.emplace_back([&] { EXPECT_EQ(invoke_api(*sandbox, api_call("GET", "/users", acme_admin())).status, 200); });
  }
  for (auto& client : clients) client.join();
  const std::string connections_sql =
      "SELECT count(*) FROM pg_stat_activity WHERE usename = 'shoppulse_lambda' AND datname = '" + database.name() +
      "'";
  EXPECT_NE(database.exec(connections_sql).value(), "0");
  const auto exit = sandbox->stop();
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(exit->exited) << exit->describe();  // not SIGKILLed after the grace period
  EXPECT_EQ(exit->code, 0) << exit->describe();
  std::string open = "?";
  for (int i = 0; i < 100 && open != "0"; ++i) {
    open = database.exec(connections_sql).value();
    if (open != "0") std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(open, "0");
  expect_no_sanitizer_reports(*sandbox);
}

}  // namespace
}  // namespace shoppulse::test
