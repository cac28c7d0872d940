// The emulator's sandbox side with /bin/sh as a stand-in runtime: spawning,
// environment, log capture, crash/timeout reporting and stop escalation.
// Independent of bootstrap, so a runtime bug cannot hide an emulator bug.

#include <algorithm>
#include <stdlib.h>

#include <gtest/gtest.h>
#include <signal.h>

#include "shoppulse/emulator/runtime_emulator.h"

namespace shoppulse::emulator {
namespace {

using Outcome = InvocationResult::Outcome;
using namespace std::chrono_literals;

std::unique_ptr<RuntimeEmulator> start_shell(const std::string& script, EmulatorOptions options = {}) {
  options.bootstrap_path = "/bin/sh";
  options.bootstrap_args = {"-c", script};
  auto started = RuntimeEmulator::start(std::move(options));
  if (!started) {
    ADD_FAILURE() << started.error().message;
    return nullptr;
  }
  return std::move(*started);
}

bool contains(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

TEST(emulator_process, CapturesStdoutAndStderrSeparatelyLineByLine) {
  auto emu = start_shell("echo out1; echo err1 >&2; printf 'out2\\nout3'; exit 3");
  ASSERT_TRUE(emu);
  const auto exit = emu->wait_for_exit(10s);
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(exit->exited);
  EXPECT_EQ(exit->code, 3);
  EXPECT_EQ(emu->stdout_lines(), (std::vector<std::string>{"out1", "out2", "out3"}));
  EXPECT_EQ(emu->stderr_lines(), (std::vector<std::string>{"err1"}));
  EXPECT_FALSE(emu->running());
}

TEST(emulator_process, ChildGetsTheLambdaEnvironmentAndNothingElse) {
  ::setenv("SHOPPULSE_EMULATOR_TEST_LEAK", "from-parent", 1);
  EmulatorOptions options;
  options.env = {{"EXTRA_SETTING", "42"}, {"AWS_REGION", "eu-west-1"}};
  options.unset_env = {"LANG"};
  auto emu = start_shell("env", options);
  ASSERT_TRUE(emu);
  ASSERT_TRUE(emu->wait_for_exit(10s).has_value());
  const auto lines = emu->stdout_lines();
  EXPECT_TRUE(contains(lines, "AWS_LAMBDA_RUNTIME_API=" + emu->runtime_api()));
  EXPECT_TRUE(contains(lines, "AWS_LAMBDA_FUNCTION_NAME=shoppulse-api"));
  EXPECT_TRUE(contains(lines, "AWS_LAMBDA_FUNCTION_VERSION=$LATEST"));
  EXPECT_TRUE(contains(lines, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512"));
  EXPECT_TRUE(contains(lines, "_HANDLER=bootstrap"));
  EXPECT_TRUE(contains(lines, "TZ=:UTC"));
  EXPECT_TRUE(contains(lines, "LAMBDA_TASK_ROOT=/bin"));
  EXPECT_TRUE(contains(lines, "EXTRA_SETTING=42"));
  EXPECT_TRUE(contains(lines, "AWS_REGION=eu-west-1"));
  for (const auto& line : lines) {
    EXPECT_EQ(line.rfind("SHOPPULSE_EMULATOR_TEST_LEAK=", 0), std::string::npos) << "parent env leaked";
    EXPECT_EQ(line.rfind("LANG=", 0), std::string::npos) << "unset_env ignored";
  }
  ::unsetenv("SHOPPULSE_EMULATOR_TEST_LEAK");
}

TEST(emulator_process, ExitDuringInvocationIsReportedAsCrash) {
  auto emu = start_shell("sleep 0.2; echo dying >&2; exit 7");
  ASSERT_TRUE(emu);
  const pid_t first_pid = emu->pid();
  EXPECT_GT(first_pid, 0);

  const auto result = emu->invoke("{}");
  EXPECT_EQ(result.outcome, Outcome::kCrashed);
  EXPECT_EQ(result.error_type, "Runtime.ExitError");
  ASSERT_TRUE(result.exit.has_value());
  EXPECT_EQ(result.exit->code, 7);
  EXPECT_NE(result.body.find("Runtime exited with error: exit status 7"), std::string::npos) << result.body;
  EXPECT_TRUE(contains(emu->stderr_lines(), "dying")) << "logs must be drained before the crash is reported";

  // A dead sandbox answers at once until restarted.
  EXPECT_EQ(emu->invoke("{}").outcome, Outcome::kCrashed);
  ASSERT_TRUE(emu->restart().ok());
  EXPECT_TRUE(emu->running());
  EXPECT_NE(emu->pid(), first_pid);
}

TEST(emulator_process, TimeoutKillsAndRestartsTheSandbox) {
  EmulatorOptions options;
  options.init_timeout_ms = 300;
  auto emu = start_shell("exec sleep 30", options);
  ASSERT_TRUE(emu);
  const pid_t first_pid = emu->pid();
  const auto result = emu->invoke("{}");
  EXPECT_EQ(result.outcome, Outcome::kTimeout);
  ASSERT_TRUE(result.exit.has_value());
  EXPECT_FALSE(result.exit->exited);
  EXPECT_EQ(result.exit->signal, SIGKILL);
  EXPECT_TRUE(emu->running());
  EXPECT_NE(emu->pid(), first_pid);
}

TEST(emulator_process, StopSendsSigtermToTheProcessGroup) {
  // sh runs its trap once the foreground sleep ends; short sleeps keep that
  // prompt even when the signal lands in a sleep's fork-to-exec window.
  auto emu = start_shell("trap 'exit 0' TERM; echo ready; while :; do sleep 0.1; done");
  ASSERT_TRUE(emu);
  while (emu->stdout_lines().empty()) std::this_thread::sleep_for(10ms);
  const auto started = std::chrono::steady_clock::now();
  const auto exit = emu->stop(StopPolicy::kAlwaysSigterm);  // sh cannot register an extension
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(exit->success()) << exit->describe();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
  EXPECT_FALSE(emu->running());
  EXPECT_EQ(emu->last_shutdown_path(), ShutdownPath::kSigterm);
}

// Lambda's rule: with no extension registered the Shutdown phase lasts 0 ms,
// so the runtime never sees SIGTERM.
TEST(emulator_process, StopWithoutARegisteredExtensionSigkillsAtOnce) {
  auto emu = start_shell("trap 'echo got-term; exit 0' TERM; echo ready; while :; do sleep 0.1; done");
  ASSERT_TRUE(emu);
  while (emu->stdout_lines().empty()) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(emu->extensions_registered());
  const auto exit = emu->stop();
  ASSERT_TRUE(exit.has_value());
  EXPECT_FALSE(exit->exited);
  EXPECT_EQ(exit->signal, SIGKILL);
  EXPECT_EQ(emu->last_shutdown_path(), ShutdownPath::kSigkill);
  EXPECT_FALSE(contains(emu->stdout_lines(), "got-term"));
}

TEST(emulator_process, StopEscalatesToSigkillAfterGrace) {
  EmulatorOptions options;
  options.stop_grace_ms = 300;
  auto emu = start_shell("trap '' TERM; echo ready; while :; do sleep 0.05; done", options);
  ASSERT_TRUE(emu);
  while (emu->stdout_lines().empty()) std::this_thread::sleep_for(10ms);
  const auto exit = emu->stop(StopPolicy::kAlwaysSigterm);
  ASSERT_TRUE(exit.has_value());
  EXPECT_FALSE(exit->exited);
  EXPECT_EQ(exit->signal, SIGKILL);
  EXPECT_EQ(emu->last_shutdown_path(), ShutdownPath::kSigtermThenSigkill);
}

TEST(emulator_process, MissingBootstrapFailsToStart) {
  EmulatorOptions options;
  options.bootstrap_path = "/nonexistent/bootstrap";
  auto started = RuntimeEmulator::start(options);
  EXPECT_FALSE(started.ok());
}

}  // namespace
}  // namespace shoppulse::emulator
