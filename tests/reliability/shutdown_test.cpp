// Graceful shutdown through the real bootstrap under the emulator, against a
// real PostgreSQL. Registered as an internal extension (the default), the
// sandbox gets SIGTERM and closes every connection with libpq's Terminate;
// not registered, Lambda (and the emulator) SIGKILLs it and PostgreSQL sees
// its clients vanish. The server log is the witness: PostgreSQL writes
// "unexpected EOF on client connection" for a client gone without Terminate
// (at DEBUG1 for an idle one, so the test database's sessions log at debug1)
// before the session leaves pg_stat_activity; every statement is logged too,
// which proves the log of those sessions is being read at all.

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bootstrap_harness.h"

namespace shoppulse::test {
namespace {

using namespace std::chrono_literals;
using emulator::ShutdownPath;

constexpr std::string_view kUncleanDisconnect = "unexpected EOF on client connection";

// The PostgreSQL server log lines of the app role's sessions in one test
// database, written after this object was made.
class SessionLog {
 public:
  explicit SessionLog(TestDatabase& database)
      : path_(database.server().dir() + "/postgres.log"),
        marker_(" " + std::string(kAppLoginRole) + "@" + database.name() + " ") {
    // The app role's sessions in this database only, from their next connection on.
    database.exec("ALTER DATABASE " + database.name() + " SET log_min_messages = debug1");
    database.exec("ALTER DATABASE " + database.name() + " SET log_statement = 'all'");
    std::ifstream log(path_, std::ios::binary | std::ios::ate);
    offset_ = log ? static_cast<std::streamoff>(log.tellg()) : 0;
  }

  [[nodiscard]] std::vector<std::string> lines() const {
    std::ifstream log(path_, std::ios::binary);
    log.seekg(offset_);
    std::vector<std::string> ours;
    for (std::string line; std::getline(log, line);) {
      if (line.find(marker_) != std::string::npos) ours.push_back(line);
    }
    return ours;
  }

  [[nodiscard]] std::size_t count(std::string_view text) const {
    std::size_t found = 0;
    for (const auto& line : lines()) found += line.find(text) != std::string::npos ? 1U : 0U;
    return found;
  }

  [[nodiscard]] std::string dump() const {
    std::string text;
    for (const auto& line : lines()) text += line + "\n";
    return text;
  }

 private:
  std::string path_;
  std::string marker_;
  std::streamoff offset_ = 0;
};

std::string database_url(const TestDatabase& database) {
  return "postgresql://shoppulse_lambda:lambda-test-password@127.0.0.1:" + std::to_string(database.server().port()) +
         "/" + database.name();
}

std::size_t app_sessions(TestDatabase& database) {
  return std::stoul(database
                        .exec("SELECT count(*) FROM pg_stat_activity WHERE usename = 'shoppulse_lambda' AND "
                              "datname = '" +
                              database.name() + "'")
                        .value());
}

// A backend logs how its client left before it leaves pg_stat_activity.
bool wait_for_sessions_to_end(TestDatabase& database) {
  for (int i = 0; i < 250 && app_sessions(database) != 0; ++i) std::this_thread::sleep_for(20ms);
  return app_sessions(database) == 0;
}

struct Shutdown {
  std::optional<emulator::ExitStatus> exit;
  std::optional<ShutdownPath> path;
  std::chrono::steady_clock::duration took{};
  std::size_t sessions = 0;           // the bootstrap's PostgreSQL sessions when it was stopped
  std::vector<nlohmann::json> lines;  // its `shutdown` log lines
};

// `invocations` of GET /users from `clients` threads at once, then the
// emulator ends the sandbox as Lambda would; waits until PostgreSQL has seen
// every session end.
Shutdown serve_then_stop(TestDatabase& database, const SessionLog& log, std::map<std::string, std::string> env,
                         emulator::EmulatorOptions options, int clients, int invocations_per_client) {
  env["DATABASE_URL"] = database_url(database);
  options.bootstrap_path = SHOPPULSE_BOOTSTRAP_PATH;
  options.env = std::move(env);
  options.timeout_ms = 5000;
  auto started = emulator::RuntimeEmulator::start(std::move(options));
  EXPECT_TRUE(started.ok()) << (started.ok() ? "" : started.error().message);
  if (!started.ok()) return {};
  emulator::RuntimeEmulator& sandbox = **started;

  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(clients));
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&sandbox, invocations_per_client] {
      for (int i = 0; i < invocations_per_client; ++i) {
        const HttpReply reply = invoke_api(sandbox, api_call("GET", "/users", acme_admin()));
        EXPECT_EQ(reply.status, 200) << reply.raw.body;
      }
    });
  }
  for (auto& thread : threads) thread.join();

  Shutdown shutdown;
  shutdown.sessions = app_sessions(database);
  const auto stopping = std::chrono::steady_clock::now();
  shutdown.exit = sandbox.stop();
  shutdown.took = std::chrono::steady_clock::now() - stopping;
  shutdown.path = sandbox.last_shutdown_path();
  for (const auto& text : sandbox.stdout_lines()) {
    auto line = nlohmann::json::parse(text, nullptr, false);
    if (line.is_object() && line.value("message", "") == "shutdown") shutdown.lines.push_back(std::move(line));
  }
  EXPECT_TRUE(wait_for_sessions_to_end(database)) << log.dump();
  expect_all_lines_json(sandbox);
  return shutdown;
}

// What every registered shutdown must show: SIGTERM, exit 0 within Lambda's
// grace, one `shutdown` line with the invocations, and no session that
// ended without a Terminate.
void expect_clean(const Shutdown& shutdown, const SessionLog& log, int invocations) {
  ASSERT_TRUE(shutdown.exit.has_value());
  EXPECT_TRUE(shutdown.exit->success()) << shutdown.exit->describe();
  EXPECT_EQ(shutdown.path, ShutdownPath::kSigterm) << "exited before the 500 ms grace ran out";
  EXPECT_LT(shutdown.took, 500ms);
  ASSERT_EQ(shutdown.lines.size(), 1U);
  EXPECT_EQ(shutdown.lines[0].at("invocations"), invocations);
  EXPECT_LT(shutdown.lines[0].at("durationMs").get<double>(), 300.0);
  EXPECT_GE(shutdown.sessions, 1U) << "the bootstrap had a database connection to close";
  EXPECT_FALSE(log.lines().empty()) << "the statements of the bootstrap's sessions are in the log read";
  EXPECT_EQ(log.count(kUncleanDisconnect), 0U) << log.dump();
}

// And without registration: SIGKILL at once, nothing logged, and PostgreSQL
// reports every session as a client that vanished. This is what makes the
// clean case's log check mean something.
void expect_killed(const Shutdown& shutdown, const SessionLog& log) {
  ASSERT_TRUE(shutdown.exit.has_value());
  EXPECT_FALSE(shutdown.exit->exited) << shutdown.exit->describe();
  EXPECT_EQ(shutdown.exit->signal, SIGKILL);
  EXPECT_EQ(shutdown.path, ShutdownPath::kSigkill);
  EXPECT_TRUE(shutdown.lines.empty());
  EXPECT_GE(shutdown.sessions, 1U);
  EXPECT_EQ(log.count(kUncleanDisconnect), shutdown.sessions) << log.dump();
}

TEST(GracefulShutdown, RegisteredTheSandboxClosesItsConnectionsWithATerminate) {
  TestDatabase database;
  const SessionLog log(database);
  const Shutdown shutdown = serve_then_stop(database, log, {}, {}, 1, 5);
  expect_clean(shutdown, log, 5);
}

TEST(GracefulShutdown, TurnedOffTheSandboxIsSigkilledAndPostgresSeesAnAbortedClient) {
  TestDatabase database;
  const SessionLog log(database);
  const Shutdown shutdown = serve_then_stop(database, log, {{"SHUTDOWN_EXTENSION_ENABLED", "false"}}, {}, 1, 5);
  expect_killed(shutdown, log);
}

TEST(GracefulShutdown, OnAPlatformWithoutTheExtensionsApiTheOldBehaviourIsReported) {
  TestDatabase database;
  const SessionLog log(database);
  emulator::EmulatorOptions options;
  options.extensions_api = false;
  const Shutdown shutdown = serve_then_stop(database, log, {}, options, 1, 5);
  expect_killed(shutdown, log);
}

// Lambda Managed Instances: every worker stops taking events, the pool's
// connections (one per concurrent invocation here) all end with a Terminate,
// and the one line counts the invocations of all workers.
TEST(GracefulShutdown, ManagedInstancesWorkersShutDownTheSameWay) {
  TestDatabase database;
  const SessionLog log(database);
  const Shutdown shutdown = serve_then_stop(database, log, {{"AWS_LAMBDA_MAX_CONCURRENCY", "4"}}, {}, /*clients=*/4,
                                            /*invocations_per_client=*/3);
  expect_clean(shutdown, log, 12);
}

}  // namespace
}  // namespace shoppulse::test
