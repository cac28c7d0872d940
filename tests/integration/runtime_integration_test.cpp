// The real bootstrap binary under the local Runtime API emulator: the
// contract between our runtime and Lambda, end to end over HTTP.

#include <algorithm>
#include <csignal>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "shoppulse/emulator/runtime_emulator.h"

namespace shoppulse::emulator {
namespace {

using Outcome = InvocationResult::Outcome;
using nlohmann::json;
using namespace std::chrono_literals;

std::string read_event(const std::string& relative) {
  std::ifstream in(std::string(SHOPPULSE_TEST_DATA_DIR) + "/events/" + relative, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Parked in its next long poll: the state a warm sandbox is frozen in.
bool wait_for_next_calls(const RuntimeEmulator& emu, std::size_t count) {
  const auto limit = std::chrono::steady_clock::now() + 10s;
  while (emu.next_calls() < count) {
    if (std::chrono::steady_clock::now() > limit) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

class runtime_integration : public ::testing::Test {
 protected:
  // The runtime contract needs no database, but a function must name one to
  // start (init fails without): this one is a closed port, so requests that
  // reach the database answer 503.
  RuntimeEmulator& start(std::map<std::string, std::string> env = {}, EmulatorOptions options = {}) {
    options.bootstrap_path = SHOPPULSE_BOOTSTRAP_PATH;
    options.env.insert(env.begin(), env.end());
    options.env.emplace("DATABASE_URL", "postgresql://app@127.0.0.1:1/none?connect_timeout=1");
    options.env.emplace("DB_CONNECT_TIMEOUT_MS", "100");
    auto started = RuntimeEmulator::start(std::move(options));
    if (!started) throw std::runtime_error(started.error().message);
    emulator_ = std::move(*started);
    return *emulator_;
  }

  RuntimeEmulator& start_with_diagnostics(EmulatorOptions options = {}) {
    return start({{"SHOPPULSE_DIAGNOSTIC_ACTIONS", "1"}}, std::move(options));
  }

  // Every line bootstrap writes, on either stream, must be one JSON object:
  // CloudWatch Logs Insights queries depend on it. Checked after each test.
  void TearDown() override {
    if (!emulator_) return;
    emulator_->stop();
    for (const auto& [name, lines] :
         {std::pair{"stdout", emulator_->stdout_lines()}, std::pair{"stderr", emulator_->stderr_lines()}}) {
      for (const auto& line : lines) {
        const json parsed = json::parse(line, nullptr, false);
        EXPECT_TRUE(parsed.is_object()) << name << " line is not a JSON object: " << line;
      }
    }
  }

  std::unique_ptr<RuntimeEmulator> emulator_;
};

TEST_F(runtime_integration, HealthOverHttpApiV2WithStagePrefix) {
  auto& emu = start();
  ASSERT_TRUE(emu.wait_for_next_poll(10s)) << "bootstrap never asked for an event";
  // The cold-start benchmark's clock: set by the first /next of this process.
  const auto init = emu.time_to_first_next();
  ASSERT_TRUE(init.has_value());
  EXPECT_GT(init->count(), 0);
  EXPECT_LT(*init, std::chrono::microseconds(10s));
  const auto result = emu.invoke(read_event("derived/apigw-v2-health-stage-prefixed.json"));
  ASSERT_EQ(result.outcome, Outcome::kResponse) << result.error_type << " " << result.body;
  const json response = json::parse(result.body);
  EXPECT_EQ(response.at("statusCode"), 503);  // the database is a closed port here
  EXPECT_EQ(response.at("isBase64Encoded"), false);
  EXPECT_TRUE(json::parse(response.at("body").get<std::string>()).contains("status"));
  EXPECT_FALSE(response.contains("multiValueHeaders")) << "v2 responses have no multiValueHeaders";
}

TEST_F(runtime_integration, HealthOverRestApiV1) {
  auto& emu = start();
  const auto result = emu.invoke(read_event("derived/apigw-v1-health.json"));
  ASSERT_EQ(result.outcome, Outcome::kResponse) << result.body;
  const json response = json::parse(result.body);
  // The database is a closed port here: /health answers, and says so.
  EXPECT_EQ(response.at("statusCode"), 503);
  EXPECT_EQ(json::parse(response.at("body").get<std::string>()).at("database"), "unavailable");
  EXPECT_TRUE(response.contains("multiValueHeaders"));
}

TEST_F(runtime_integration, UnknownRouteIs404EnvelopeWithApiRequestId) {
  auto& emu = start();
  const auto result = emu.invoke(read_event("apigw-v1-rest-cognito-userpool-authorizer.json"));
  ASSERT_EQ(result.outcome, Outcome::kResponse) << result.body;
  const json response = json::parse(result.body);
  EXPECT_EQ(response.at("statusCode"), 404);
  const json body = json::parse(response.at("body").get<std::string>());
  EXPECT_EQ(body.at("error").at("code"), "not_found");
  EXPECT_EQ(body.at("error").at("requestId"), "e56434a3-0b5d-453c-9183-f07a5e91fbb3");
}

TEST_F(runtime_integration, InvalidAndUnsupportedPayloadsAreFunctionErrors) {
  auto& emu = start();
  const auto invalid = emu.invoke("this is not json {");
  EXPECT_EQ(invalid.outcome, Outcome::kFunctionError);
  EXPECT_EQ(invalid.error_type, "Function.InvalidEvent");
  EXPECT_EQ(json::parse(invalid.body).at("errorType"), "Function.InvalidEvent");

  const auto unsupported = emu.invoke(R"({"hello":"world"})");
  EXPECT_EQ(unsupported.outcome, Outcome::kFunctionError);
  EXPECT_EQ(unsupported.error_type, "Function.UnsupportedEvent");

  EXPECT_TRUE(emu.running()) << "bad events must not take the sandbox down";
}

// Tenant-isolation mode through the real bootstrap: the emulator passes the
// tenant as Lambda-Runtime-Aws-Tenant-Id. The check runs before any database
// work, so the database here is unreachable (an admitted request answers 503).
TEST_F(runtime_integration, TenantIsolationModeChecksThePlatformsTenant) {
  constexpr const char* kAcme = "11111111-1111-4111-8111-111111111111";
  constexpr const char* kGlobex = "22222222-2222-4222-8222-222222222222";
  const json acme_event = json::parse(read_event("apigw-v1-rest-cognito-userpool-authorizer.json"));
  const auto event_for = [&](const char* tenant) {
    json event = acme_event;
    event["resource"] = "/users";
    event["path"] = "/users";
    event["httpMethod"] = "GET";
    event["requestContext"]["authorizer"]["claims"]["custom:tenant_id"] = tenant;
    event["requestContext"]["authorizer"]["claims"]["custom:role"] = "admin";
    return event.dump();
  };
  const auto status_of = [](const InvocationResult& result) {
    const json response = json::parse(result.body);
    const json body = json::parse(response.at("body").get<std::string>());
    return std::pair{response.at("statusCode").get<int>(), body.contains("error") ? body["error"]["code"] : json()};
  };
  auto& emu = start();
  InvokeOptions as_acme;
  as_acme.tenant_id = kAcme;
  InvokeOptions as_globex;
  as_globex.tenant_id = kGlobex;

  const auto admitted = emu.invoke(event_for(kAcme), as_acme);
  ASSERT_EQ(admitted.outcome, Outcome::kResponse) << admitted.body;
  EXPECT_NE(status_of(admitted).first, 403) << admitted.body;

  const auto mismatch = emu.invoke(event_for(kAcme), as_globex);
  ASSERT_EQ(mismatch.outcome, Outcome::kResponse) << mismatch.body;
  EXPECT_EQ(status_of(mismatch), (std::pair{403, json("tenant_mismatch")})) << mismatch.body;

  const auto switched = emu.invoke(event_for(kGlobex), as_globex);
  ASSERT_EQ(switched.outcome, Outcome::kResponse) << switched.body;
  EXPECT_EQ(status_of(switched), (std::pair{403, json("tenant_mismatch")})) << switched.body;

  // The refusals are logged with both tenants and the route, under the
  // platform's tenant, and never with the caller's token.
  emu.stop();
  int refusals = 0;
  for (const auto& line : emu.stdout_lines()) {
    const json parsed = json::parse(line, nullptr, false);
    if (!parsed.is_object() || parsed.value("message", "") != "tenant isolation refused the request") continue;
    ++refusals;
    EXPECT_EQ(parsed.value("level", ""), "WARN") << line;
    EXPECT_EQ(parsed.value("platformTenantId", ""), kGlobex) << line;
    EXPECT_EQ(parsed.value("route", ""), "GET /users") << line;
    EXPECT_EQ(line.find("eyJ"), std::string::npos) << "a token in the log: " << line;
  }
  EXPECT_EQ(refusals, 2);
}

TEST_F(runtime_integration, DiagnosticActionsAreOffByDefault) {
  auto& emu = start();
  const auto result = emu.invoke(R"({"action":"diagnostic.throw"})");
  EXPECT_EQ(result.outcome, Outcome::kFunctionError);
  EXPECT_NE(result.error_type, "Function.UnhandledException");
}

TEST_F(runtime_integration, HandlerExceptionIsReportedAndTheSandboxKeepsServing) {
  auto& emu = start_with_diagnostics();
  const pid_t pid = emu.pid();
  const auto failed = emu.invoke(R"({"action":"diagnostic.throw"})");
  EXPECT_EQ(failed.outcome, Outcome::kFunctionError);
  EXPECT_EQ(failed.error_type, "Function.UnhandledException");
  const json error = json::parse(failed.body);
  EXPECT_EQ(error.at("errorType"), "Function.UnhandledException");
  EXPECT_TRUE(error.contains("errorMessage"));
  // The X-Ray error cause travels beside it, one line of JSON.
  EXPECT_EQ(failed.xray_error_cause.find('\n'), std::string::npos);
  const json cause = json::parse(failed.xray_error_cause);
  EXPECT_EQ(cause.at("exceptions").at(0).at("type"), "Function.UnhandledException");
  EXPECT_EQ(cause.at("exceptions").at(0).at("message"), error.at("errorMessage"));
  EXPECT_FALSE(cause.at("working_directory").get<std::string>().empty());
  EXPECT_TRUE(cause.at("paths").is_array());

  const auto next = emu.invoke(read_event("derived/apigw-v2-health-stage-prefixed.json"));
  EXPECT_EQ(next.outcome, Outcome::kResponse);
  EXPECT_EQ(emu.pid(), pid) << "the same process must serve the next event";
}

TEST_F(runtime_integration, InitFailureIsPostedToInitErrorAndExitsNonZero) {
  auto& emu = start({{"AWS_LAMBDA_LOG_LEVEL", "bogus"}});
  const auto result = emu.invoke(read_event("derived/apigw-v2-health-stage-prefixed.json"));
  EXPECT_EQ(result.outcome, Outcome::kInitError);
  EXPECT_EQ(result.error_type, "Runtime.InvalidConfig");
  const json error = json::parse(result.body);
  EXPECT_TRUE(error.at("errorMessage").is_string());
  EXPECT_EQ(error.at("errorType"), "Runtime.InvalidConfig");
  EXPECT_EQ(error.at("stackTrace"), json::array());
  ASSERT_TRUE(emu.init_error().has_value());
  const json cause = json::parse(emu.init_error()->xray_error_cause);
  EXPECT_EQ(cause.at("exceptions").at(0).at("type"), "Runtime.InvalidConfig");
  EXPECT_EQ(cause.at("exceptions").at(0).at("message"), error.at("errorMessage"));

  const auto exit = emu.wait_for_exit(10s);
  ASSERT_TRUE(exit.has_value()) << "bootstrap must exit after a failed init";
  EXPECT_TRUE(exit->exited);
  EXPECT_NE(exit->code, 0);
  EXPECT_EQ(emu.next_calls(), 0U) << "a failed init must not poll for events";
}

TEST_F(runtime_integration, MissingRuntimeApiVariableExitsNonZero) {
  EmulatorOptions options;
  options.unset_env = {"AWS_LAMBDA_RUNTIME_API"};
  auto& emu = start({}, options);
  const auto exit = emu.wait_for_exit(10s);
  ASSERT_TRUE(exit.has_value());
  EXPECT_FALSE(exit->success()) << exit->describe();
  EXPECT_EQ(emu.next_calls(), 0U);
}

TEST_F(runtime_integration, OversizeResponseBecomesResponseSizeTooLarge) {
  auto& emu = start_with_diagnostics();
  const auto result =
      emu.invoke(R"({"action":"diagnostic.oversize","bytes":)" + std::to_string(kMaxResponseBytes + 1) + "}");
  EXPECT_EQ(result.outcome, Outcome::kFunctionError);
  EXPECT_EQ(result.error_type, "Function.ResponseSizeTooLarge");
  EXPECT_EQ(result.post_status, 202) << "bootstrap should post /error itself, not a /response we reject with 413";
  EXPECT_EQ(emu.invoke(read_event("derived/apigw-v1-health.json")).outcome, Outcome::kResponse)
      << "the sandbox keeps serving after an oversize response";
}

TEST_F(runtime_integration, ResponseExactlyAtTheLimitIsDelivered) {
  auto& emu = start_with_diagnostics();
  const auto result =
      emu.invoke(R"({"action":"diagnostic.oversize","bytes":)" + std::to_string(kMaxResponseBytes) + "}");
  ASSERT_EQ(result.outcome, Outcome::kResponse) << result.error_type;
  EXPECT_EQ(result.body.size(), kMaxResponseBytes);
  EXPECT_EQ(result.body.front(), '"');
  EXPECT_EQ(result.body.back(), '"');
}

TEST_F(runtime_integration, InvocationContextReachesTheHandler) {
  auto& emu = start_with_diagnostics();
  InvokeOptions options;
  options.timeout_ms = 5000;
  options.client_context = R"({"client":{"installation_id":"i-1","app_title":"shoppulse-tests"},"custom":{"k":"v"}})";
  options.cognito_identity = R"({"cognitoIdentityId":"eu-west-1:1234","cognitoIdentityPoolId":"eu-west-1:pool"})";
  const auto result = emu.invoke(R"({"action":"diagnostic.context"})", options);
  ASSERT_EQ(result.outcome, Outcome::kResponse) << result.body;

  const json seen = json::parse(result.body);
  EXPECT_EQ(seen.at("requestId"), result.request_id);
  EXPECT_EQ(seen.at("deadlineMs").get<long long>(), result.deadline_ms);
  EXPECT_EQ(seen.at("functionArn"), "arn:aws:lambda:us-east-1:123456789012:function:shoppulse-api");
  EXPECT_EQ(seen.at("traceId"), result.trace_id);
  EXPECT_EQ(seen.at("xAmznTraceIdEnv"), result.trace_id);
  EXPECT_EQ(seen.at("clientContext"), *options.client_context);
  EXPECT_EQ(seen.at("cognitoIdentity"), *options.cognito_identity);
  const auto remaining = seen.at("remainingMs").get<long long>();
  EXPECT_GT(remaining, 0);
  EXPECT_LE(remaining, 5000);
}

TEST_F(runtime_integration, TraceIdEnvironmentFollowsEachInvocation) {
  auto& emu = start_with_diagnostics();
  const auto first = emu.invoke(R"({"action":"diagnostic.context"})");
  const auto second = emu.invoke(R"({"action":"diagnostic.context"})");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first.trace_id, second.trace_id);
  EXPECT_EQ(json::parse(second.body).at("xAmznTraceIdEnv"), second.trace_id);
  EXPECT_EQ(json::parse(second.body).at("clientContext"), json::parse(first.body).at("clientContext"));
}

TEST_F(runtime_integration, HandlerPastTheDeadlineTimesOutAndTheSandboxIsReplaced) {
  auto& emu = start_with_diagnostics();
  const pid_t pid = emu.pid();
  InvokeOptions options;
  options.timeout_ms = 300;
  const auto result = emu.invoke(R"({"action":"diagnostic.sleep","ms":3000})", options);
  EXPECT_EQ(result.outcome, Outcome::kTimeout);
  EXPECT_EQ(result.error_type, "Sandbox.Timedout");
  EXPECT_NE(emu.pid(), pid);
  EXPECT_EQ(emu.invoke(read_event("derived/apigw-v1-health.json")).outcome, Outcome::kResponse);
}

TEST_F(runtime_integration, SigtermExitsZeroPromptly) {
  auto& emu = start();
  ASSERT_TRUE(emu.wait_for_next_poll(10s));
  ASSERT_EQ(emu.invoke(read_event("derived/apigw-v1-health.json")).outcome, Outcome::kResponse);
  ASSERT_TRUE(wait_for_next_calls(emu, 2));
  const auto started = std::chrono::steady_clock::now();
  const auto exit = emu.stop();  // SIGTERM while parked in /next (it registered); SIGKILL only after 500 ms
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(exit->exited) << exit->describe();
  EXPECT_EQ(exit->code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
  EXPECT_EQ(emu.last_shutdown_path(), ShutdownPath::kSigterm);
}

// The lines bootstrap wrote on stdout whose message is `message`.
std::vector<json> lines_with_message(const RuntimeEmulator& emu, std::string_view message) {
  std::vector<json> found;
  for (const auto& line : emu.stdout_lines()) {
    json parsed = json::parse(line, nullptr, false);
    if (parsed.is_object() && parsed.value("message", "") == message) found.push_back(std::move(parsed));
  }
  return found;
}

std::size_t stderr_lines_containing(const RuntimeEmulator& emu, std::string_view text) {
  const auto lines = emu.stderr_lines();
  return static_cast<std::size_t>(std::count_if(
      lines.begin(), lines.end(), [text](const std::string& line) { return line.find(text) != std::string::npos; }));
}

// Lambda sends SIGTERM at shutdown only to a sandbox with a registered
// extension, and finishes init only once that extension waits in
// event/next: a first invocation that succeeds proves both happened.
TEST_F(runtime_integration, RegistersAsAnExtensionAndInitCompletesWithItParkedInEventNext) {
  auto& emu = start();
  ASSERT_TRUE(emu.wait_for_next_poll(10s));
  EXPECT_TRUE(emu.extensions_registered()) << "registered before the first /next, while registration was open";
  EXPECT_EQ(emu.invoke(read_event("derived/apigw-v1-health.json")).outcome, Outcome::kResponse);
  EXPECT_EQ(emu.invoke(read_event("derived/apigw-v1-health.json")).outcome, Outcome::kResponse);
  EXPECT_EQ(stderr_lines_containing(emu, "extension"), 0U) << "a working registration says nothing";
}

TEST_F(runtime_integration, SigtermEndsWithOneShutdownLineCountingTheInvocations) {
  auto& emu = start();
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(emu.invoke(read_event("derived/apigw-v1-health.json")).outcome, Outcome::kResponse);
  }
  ASSERT_TRUE(wait_for_next_calls(emu, 4));
  const auto exit = emu.stop();
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(exit->success()) << exit->describe();
  EXPECT_EQ(emu.last_shutdown_path(), ShutdownPath::kSigterm);
  const auto shutdown = lines_with_message(emu, "shutdown");
  ASSERT_EQ(shutdown.size(), 1U);
  EXPECT_EQ(shutdown[0].at("level"), "INFO");
  EXPECT_EQ(shutdown[0].at("invocations"), 3);
  EXPECT_LT(shutdown[0].at("durationMs").get<double>(), 300.0) << "Lambda's budget for the runtime";
}

TEST_F(runtime_integration, WithTheExtensionTurnedOffTheSandboxIsSigkilledAsBefore) {
  auto& emu = start({{"SHUTDOWN_EXTENSION_ENABLED", "false"}});
  ASSERT_EQ(emu.invoke(read_event("derived/apigw-v1-health.json")).outcome, Outcome::kResponse);
  EXPECT_FALSE(emu.extensions_registered());
  const auto exit = emu.stop();
  ASSERT_TRUE(exit.has_value());
  EXPECT_FALSE(exit->exited);
  EXPECT_EQ(exit->signal, SIGKILL);
  EXPECT_EQ(emu.last_shutdown_path(), ShutdownPath::kSigkill);
  EXPECT_TRUE(lines_with_message(emu, "shutdown").empty()) << "SIGKILL leaves no time for anything";
}

TEST_F(runtime_integration, APlatformWithoutTheExtensionsApiGetsOneWarningAndServesAsBefore) {
  EmulatorOptions options;
  options.extensions_api = false;
  auto& emu = start({}, options);
  ASSERT_EQ(emu.invoke(read_event("derived/apigw-v1-health.json")).outcome, Outcome::kResponse);
  ASSERT_EQ(emu.invoke(read_event("derived/apigw-v1-health.json")).outcome, Outcome::kResponse);
  EXPECT_EQ(stderr_lines_containing(emu, "not registered as a Lambda extension"), 1U);
  EXPECT_FALSE(emu.extensions_registered());
  const auto exit = emu.stop();
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(emu.last_shutdown_path(), ShutdownPath::kSigkill);
}

TEST_F(runtime_integration, AnInvalidShutdownExtensionSettingIsAnInitError) {
  auto& emu = start({{"SHUTDOWN_EXTENSION_ENABLED", "perhaps"}});
  const auto result = emu.invoke(read_event("derived/apigw-v1-health.json"));
  EXPECT_EQ(result.outcome, Outcome::kInitError);
  EXPECT_EQ(result.error_type, "Runtime.InvalidConfig");
  EXPECT_NE(result.body.find("SHUTDOWN_EXTENSION_ENABLED"), std::string::npos) << result.body;
  EXPECT_EQ(result.body.find("perhaps"), std::string::npos) << "the value is never echoed";
  EXPECT_FALSE(emu.extensions_registered());
}

// A bootstrap that cannot reach the Runtime API must give up after a few
// spaced-out attempts: Lambda then replaces the sandbox. A busy loop would
// burn the CPU a sandbox is billed for.
void expect_bounded_give_up(RuntimeEmulator& emu, std::chrono::steady_clock::time_point since) {
  const auto exit = emu.wait_for_exit(20s);
  ASSERT_TRUE(exit.has_value()) << "bootstrap kept retrying for 20 s";
  EXPECT_TRUE(exit->exited) << exit->describe();
  EXPECT_NE(exit->code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - since, 10s);
  EXPECT_LT(exit->cpu_seconds, 2.0) << "retrying must sleep between attempts";
}

TEST_F(runtime_integration, RefusedConnectionsFromTheStartEndInNonZeroExit) {
  EmulatorOptions options;
  options.initial_fault = Fault::kRefuseConnections;
  const auto since = std::chrono::steady_clock::now();
  auto& emu = start({}, options);
  expect_bounded_give_up(emu, since);
}

TEST_F(runtime_integration, ResetConnectionsAreRetriedAFewTimesThenExit) {
  EmulatorOptions options;
  options.initial_fault = Fault::kResetConnections;
  const auto since = std::chrono::steady_clock::now();
  auto& emu = start({}, options);
  expect_bounded_give_up(emu, since);
  EXPECT_GE(emu.fault_connections(), 2U) << "bootstrap should retry at least once";
  EXPECT_LE(emu.fault_connections(), 10U);
}

TEST_F(runtime_integration, RuntimeApiGoingAwayMidLifeEndsInNonZeroExit) {
  auto& emu = start();
  ASSERT_EQ(emu.invoke(read_event("derived/apigw-v1-health.json")).outcome, Outcome::kResponse);
  ASSERT_TRUE(wait_for_next_calls(emu, 2));
  const auto since = std::chrono::steady_clock::now();
  ASSERT_TRUE(emu.refuse_connections().ok());
  expect_bounded_give_up(emu, since);
}

}  // namespace
}  // namespace shoppulse::emulator
