// The emulator's Runtime API rules, with the test acting as the runtime:
// these are the behaviours bootstrap's tests rely on, so they are pinned
// here against the bodies and statuses Lambda (and the official RIE) use.

#include <regex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_runtime.h"
#include "shoppulse/emulator/runtime_emulator.h"

namespace shoppulse::emulator {
namespace {

using testing::ExtensionReply;
using testing::FakeRuntime;
using Outcome = InvocationResult::Outcome;
using namespace std::chrono_literals;

const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
const std::regex kTraceId("Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1");

long long epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<RuntimeEmulator> start_external(EmulatorOptions options = {}) {
  auto started = RuntimeEmulator::start(std::move(options));
  if (!started) {
    ADD_FAILURE() << started.error().message;
    return nullptr;
  }
  return std::move(*started);
}

nlohmann::json json_of(const std::string& text) {
  return nlohmann::json::parse(text);
}

TEST(emulator_rules, NextDeliversEventWithLambdaHeaders) {
  auto emu = start_external();
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  InvokeOptions options;
  options.timeout_ms = 5000;
  options.client_context = R"({"client":{"app_title":"shoppulse"}})";
  options.cognito_identity = R"({"cognitoIdentityId":"eu-west-1:abc"})";
  options.tenant_id = "11111111-1111-4111-8111-111111111111";

  const long long before = epoch_ms();
  auto pending = emu->invoke_async(R"({"ping":1})", options);
  const auto event = runtime.next();
  const long long after = epoch_ms();

  ASSERT_EQ(event.status, 200);
  EXPECT_EQ(event.body, R"({"ping":1})");
  EXPECT_TRUE(std::regex_match(event.request_id, kUuid)) << event.request_id;
  const long long deadline = std::stoll(event.headers.find("Lambda-Runtime-Deadline-Ms")->second);
  EXPECT_GE(deadline, before + 5000);
  EXPECT_LE(deadline, after + 5000);
  EXPECT_EQ(event.headers.find("Lambda-Runtime-Invoked-Function-Arn")->second,
            "arn:aws:lambda:us-east-1:123456789012:function:shoppulse-api");
  const std::string trace = event.headers.find("Lambda-Runtime-Trace-Id")->second;
  EXPECT_TRUE(std::regex_match(trace, kTraceId)) << trace;
  EXPECT_EQ(event.headers.find("Lambda-Runtime-Client-Context")->second, *options.client_context);
  EXPECT_EQ(event.headers.find("Lambda-Runtime-Cognito-Identity")->second, *options.cognito_identity);
  EXPECT_EQ(event.headers.find("Lambda-Runtime-Aws-Tenant-Id")->second, *options.tenant_id);
  EXPECT_EQ(event.headers.find("Content-Type")->second, "application/json");

  const auto posted = runtime.respond(event.request_id, R"({"pong":1})");
  EXPECT_EQ(posted.status, 202);
  EXPECT_EQ(json_of(posted.body), json_of(R"({"status":"OK"})"));

  const InvocationResult result = pending.get();
  EXPECT_EQ(result.outcome, Outcome::kResponse);
  EXPECT_EQ(result.body, R"({"pong":1})");
  EXPECT_EQ(result.request_id, event.request_id);
  EXPECT_EQ(result.trace_id, trace);
  EXPECT_EQ(result.deadline_ms, deadline);
  EXPECT_EQ(result.post_status, 202);
  EXPECT_TRUE(result.delivered);
  EXPECT_LE(result.pickup, result.total);
  EXPECT_LE(result.duration, result.total);
}

TEST(emulator_rules, OptionalHeadersAbsentAndDefaultTimeoutApplies) {
  EmulatorOptions options;
  options.timeout_ms = 1234;
  auto emu = start_external(options);
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  auto pending = emu->invoke_async("{}");
  const long long before = epoch_ms();
  const auto event = runtime.next();
  ASSERT_EQ(event.status, 200);
  EXPECT_EQ(event.headers.count("Lambda-Runtime-Client-Context"), 0U);
  EXPECT_EQ(event.headers.count("Lambda-Runtime-Cognito-Identity"), 0U);
  EXPECT_EQ(event.headers.count("Lambda-Runtime-Aws-Tenant-Id"), 0U);
  const long long deadline = std::stoll(event.headers.find("Lambda-Runtime-Deadline-Ms")->second);
  EXPECT_NEAR(static_cast<double>(deadline - before), 1234.0, 500.0);
  runtime.respond(event.request_id, "{}");
  EXPECT_TRUE(pending.get().ok());
}

TEST(emulator_rules, SecondAnswerForSameIdIsForbidden) {
  auto emu = start_external();
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  auto pending = emu->invoke_async("{}");
  const auto event = runtime.next();
  ASSERT_EQ(runtime.respond(event.request_id, R"("first")").status, 202);
  ASSERT_EQ(pending.get().body, R"("first")");

  const auto again = runtime.respond(event.request_id, R"("second")");
  EXPECT_EQ(again.status, 403);
  EXPECT_EQ(json_of(again.body).at("errorType"), "InvalidStateTransition");
  const auto error_after = runtime.error(event.request_id, "Function.Late", "{}");
  EXPECT_EQ(error_after.status, 403);
  EXPECT_EQ(json_of(error_after.body).at("errorType"), "InvalidStateTransition");
}

TEST(emulator_rules, WrongIdIsRejectedAndInvocationStaysOpen) {
  auto emu = start_external();
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  auto pending = emu->invoke_async("{}");
  const auto event = runtime.next();

  const auto wrong = runtime.respond("6f1f0a8e-1111-4222-8333-444455556666", "{}");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(json_of(wrong.body), json_of(R"({"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"})"));
  EXPECT_EQ(runtime.error("not-a-request-id", "Function.X", "{}").status, 400);

  EXPECT_EQ(runtime.respond(event.request_id, R"("right")").status, 202);
  EXPECT_EQ(pending.get().body, R"("right")");
}

TEST(emulator_rules, UnknownIdWithNothingInFlightIsInvalidRequestId) {
  auto emu = start_external();
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  const auto reply = runtime.respond("6f1f0a8e-1111-4222-8333-444455556666", "{}");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(json_of(reply.body).at("errorType"), "InvalidRequestID");
}

TEST(emulator_rules, ErrorPostCapturesTypeHeaderAndBody) {
  auto emu = start_external();
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  auto pending = emu->invoke_async("{}");
  const auto event = runtime.next();
  const std::string body = R"({"errorMessage":"boom","errorType":"Function.Custom","stackTrace":[]})";
  const auto posted = runtime.error(event.request_id, "Function.Custom", body);
  EXPECT_EQ(posted.status, 202);
  const auto result = pending.get();
  EXPECT_EQ(result.outcome, Outcome::kFunctionError);
  EXPECT_EQ(result.error_type, "Function.Custom");
  EXPECT_EQ(result.body, body);
  EXPECT_EQ(result.post_status, 202);
}

TEST(emulator_rules, OversizeResponseIs413AndFailsTheInvocation) {
  auto emu = start_external();
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  auto pending = emu->invoke_async("{}");
  const auto event = runtime.next();
  const auto posted = runtime.respond(event.request_id, std::string(kMaxResponseBytes + 1, 'x'));
  EXPECT_EQ(posted.status, 413);
  EXPECT_EQ(json_of(posted.body), json_of(R"({"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).",)"
                                          R"("errorType":"RequestEntityTooLarge"})"));
  const auto result = pending.get();
  EXPECT_EQ(result.outcome, Outcome::kFunctionError);
  EXPECT_EQ(result.error_type, "Function.ResponseSizeTooLarge");
  EXPECT_EQ(result.post_status, 413);
  EXPECT_EQ(json_of(result.body).at("errorType"), "Function.ResponseSizeTooLarge");

  // The invocation is over: the runtime may ask for the next one.
  auto second = emu->invoke_async(R"({"n":2})");
  const auto next = runtime.next();
  ASSERT_EQ(next.status, 200);
  EXPECT_EQ(next.body, R"({"n":2})");
  runtime.respond(next.request_id, "{}");
  EXPECT_TRUE(second.get().ok());
}

TEST(emulator_rules, ResponseExactlyAtTheLimitIsAccepted) {
  auto emu = start_external();
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  auto pending = emu->invoke_async("{}");
  const auto event = runtime.next();
  EXPECT_EQ(runtime.respond(event.request_id, std::string(kMaxResponseBytes, 'x')).status, 202);
  const auto result = pending.get();
  EXPECT_EQ(result.outcome, Outcome::kResponse);
  EXPECT_EQ(result.body.size(), kMaxResponseBytes);
}

TEST(emulator_rules, InitErrorFailsThePendingInvocationAndLaterOnes) {
  auto emu = start_external();
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  auto pending = emu->invoke_async("{}");
  std::this_thread::sleep_for(50ms);  // the event is queued, never delivered
  const std::string body = R"({"errorMessage":"bad config","errorType":"Runtime.InvalidConfig","stackTrace":[]})";
  EXPECT_EQ(runtime.init_error("Runtime.InvalidConfig", body).status, 202);

  const auto result = pending.get();
  EXPECT_EQ(result.outcome, Outcome::kInitError);
  EXPECT_EQ(result.error_type, "Runtime.InvalidConfig");
  EXPECT_EQ(result.body, body);
  EXPECT_FALSE(result.delivered);
  ASSERT_TRUE(emu->init_error().has_value());
  EXPECT_EQ(emu->init_error()->error_type, "Runtime.InvalidConfig");

  EXPECT_EQ(runtime.next().status, 403);  // a failed init cannot take events
  EXPECT_EQ(emu->invoke("{}").outcome, Outcome::kInitError);
}

TEST(emulator_rules, NoAnswerByDeadlineIsATimeout) {
  auto emu = start_external();
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  InvokeOptions options;
  options.timeout_ms = 300;
  auto pending = emu->invoke_async("{}", options);
  const auto event = runtime.next();
  const auto result = pending.get();
  EXPECT_EQ(result.outcome, Outcome::kTimeout);
  EXPECT_EQ(result.error_type, "Sandbox.Timedout");
  EXPECT_NE(json_of(result.body).at("errorMessage").get<std::string>().find("Task timed out after 0.30 seconds"),
            std::string::npos);
  EXPECT_GE(result.duration, 300ms);
  EXPECT_EQ(runtime.respond(event.request_id, "{}").status, 403);  // too late
}

TEST(emulator_rules, EventNobodyPicksUpTimesOutUndelivered) {
  EmulatorOptions options;
  options.init_timeout_ms = 200;
  auto emu = start_external(options);
  ASSERT_TRUE(emu);
  const auto result = emu->invoke("{}");
  EXPECT_EQ(result.outcome, Outcome::kTimeout);
  EXPECT_FALSE(result.delivered);
  EXPECT_EQ(result.deadline_ms, 0);
}

TEST(emulator_rules, NextWhileHoldingAnEventIsForbidden) {
  auto emu = start_external();
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  auto pending = emu->invoke_async("{}");
  const auto event = runtime.next();
  EXPECT_EQ(runtime.next().status, 403);
  runtime.respond(event.request_id, "{}");
  EXPECT_TRUE(pending.get().ok());
}

TEST(emulator_rules, CountsNextCallsAndReportsFirstPoll) {
  auto emu = start_external();
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  EXPECT_FALSE(emu->wait_for_next_poll(50ms));
  auto parked = runtime.next_async();
  EXPECT_TRUE(emu->wait_for_next_poll(5s));
  // No process was spawned: there is no cold start to time.
  EXPECT_FALSE(emu->time_to_first_next().has_value());
  EXPECT_EQ(emu->next_calls(), 1U);
  auto pending = emu->invoke_async("{}");
  const auto event = parked.get();
  runtime.respond(event.request_id, "{}");
  EXPECT_TRUE(pending.get().ok());
}

TEST(emulator_rules, InvocationsAreServedOneAtATime) {
  auto emu = start_external();
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  auto first = emu->invoke_async(R"({"n":1})");
  const auto e1 = runtime.next();
  auto second = emu->invoke_async(R"({"n":2})");
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(runtime.respond(e1.request_id, "1").status, 202);
  const auto e2 = runtime.next();
  EXPECT_NE(e1.request_id, e2.request_id);
  EXPECT_EQ(e1.body + e2.body, R"({"n":1}{"n":2})");
  runtime.respond(e2.request_id, "2");
  EXPECT_EQ(first.get().body, "1");
  EXPECT_EQ(second.get().body, "2");
}

// Lambda Managed Instances: with AWS_LAMBDA_MAX_CONCURRENCY in the function's
// environment, that many events are out at once, each on its own /next, and
// answered in any order; one more waits for a free slot.
TEST(emulator_rules, ManagedInstancesDeliverUpToTheConcurrencyAtOnce) {
  EmulatorOptions options;
  options.env["AWS_LAMBDA_MAX_CONCURRENCY"] = "2";
  auto emu = start_external(options);
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  auto first = emu->invoke_async(R"({"n":1})");
  auto second = emu->invoke_async(R"({"n":2})");
  auto third = emu->invoke_async(R"({"n":3})");
  const auto e1 = runtime.next();
  const auto e2 = runtime.next();  // no 403: two may be held at once
  ASSERT_EQ(e1.status, 200);
  ASSERT_EQ(e2.status, 200);
  EXPECT_NE(e1.request_id, e2.request_id);
  auto parked = runtime.next_async();  // the third waits for a slot
  EXPECT_EQ(parked.wait_for(100ms), std::future_status::timeout);
  // Answered out of order.
  EXPECT_EQ(runtime.respond(e2.request_id, "second-answer").status, 202);
  const auto e3 = parked.get();
  ASSERT_EQ(e3.status, 200);
  EXPECT_EQ(runtime.respond(e1.request_id, "first-answer").status, 202);
  EXPECT_EQ(runtime.respond(e3.request_id, "third-answer").status, 202);
  EXPECT_EQ(runtime.respond(e3.request_id, "again").status, 403);
  std::set<std::string> bodies{first.get().body, second.get().body, third.get().body};
  EXPECT_EQ(bodies, (std::set<std::string>{"first-answer", "second-answer", "third-answer"}));
}

TEST(emulator_rules, RefusedThenAcceptedAgain) {
  auto emu = start_external();
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  auto parked = runtime.next_async();
  ASSERT_TRUE(emu->wait_for_next_poll(5s));
  ASSERT_TRUE(emu->refuse_connections().ok());
  EXPECT_EQ(parked.get().status, 0) << "a parked /next must lose its connection, not get an answer";
  EXPECT_EQ(runtime.next().status, 0);

  ASSERT_TRUE(emu->accept_connections().ok());
  auto pending = emu->invoke_async("{}");
  const auto event = runtime.next();
  ASSERT_EQ(event.status, 200);
  runtime.respond(event.request_id, "{}");
  EXPECT_TRUE(pending.get().ok());
}

TEST(emulator_rules, ResetModeAcceptsAndDrops) {
  EmulatorOptions options;
  options.initial_fault = Fault::kResetConnections;
  auto emu = start_external(options);
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  EXPECT_EQ(runtime.next().status, 0);
  EXPECT_EQ(runtime.next().status, 0);
  EXPECT_EQ(emu->fault_connections(), 2U);
  EXPECT_EQ(emu->next_calls(), 0U);
}

// The Extensions API for internal extensions (the runtime registering from
// its own process), as Lambda and the official emulator answer it.

// Every Extensions API refusal: 403 with Lambda's error type, and a message saying why.
void expect_forbidden(const ExtensionReply& reply, const std::string& type, const std::string& message = "") {
  EXPECT_EQ(reply.status, 403) << reply.body;
  const auto body = nlohmann::json::parse(reply.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << reply.body;
  EXPECT_EQ(body.value("errorType", ""), type) << reply.body;
  EXPECT_NE(body.value("errorMessage", "").find(message), std::string::npos) << reply.body;
}

TEST(emulator_rules, RegisterAnswersWithAnIdentifierAndTheFunction) {
  auto emu = start_external();
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  EXPECT_FALSE(emu->extensions_registered());
  const auto registered = runtime.register_extension("shoppulse-runtime", R"({"events":[]})");
  ASSERT_EQ(registered.status, 200) << registered.body;
  EXPECT_TRUE(std::regex_match(registered.header("Lambda-Extension-Identifier"), kUuid));
  EXPECT_EQ(json_of(registered.body),
            json_of(R"({"functionName":"shoppulse-api","functionVersion":"$LATEST","handler":"bootstrap"})"));
  EXPECT_TRUE(emu->extensions_registered());
  // No events, or an INVOKE subscription, are what an internal extension may ask for.
  EXPECT_EQ(runtime.register_extension("invoke-watcher", R"({"events":["INVOKE"]})").status, 200);
  EXPECT_EQ(runtime.register_extension("no-list", "{}").status, 200);
}

TEST(emulator_rules, RegisterRefusesWhatLambdaRefuses) {
  auto emu = start_external();
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  // Internal extensions live in the runtime's process: SIGTERM tells them, never a SHUTDOWN event.
  expect_forbidden(runtime.register_extension("x", R"({"events":["SHUTDOWN"]})"), "Extension.InvalidEventType",
                   "SHUTDOWN: ShutdownEventNotSupportedForInternalExtension");
  expect_forbidden(runtime.register_extension("x", R"({"events":["INVOKE","RESTART"]})"), "Extension.InvalidEventType",
                   "RESTART: ErrorInvalidEventType");
  expect_forbidden(runtime.register_extension("", R"({"events":[]})"), "Extension.InvalidExtensionName",
                   "Empty extension name");
  expect_forbidden(runtime.register_extension("x", "not json"), "InvalidRequestFormat", "events");
  expect_forbidden(runtime.register_extension("x", R"({"events":[1]})"), "InvalidRequestFormat", "events");
  EXPECT_FALSE(emu->extensions_registered()) << "a refused registration registers nothing";

  ASSERT_EQ(runtime.register_extension("shoppulse-runtime", R"({"events":[]})").status, 200);
  expect_forbidden(runtime.register_extension("shoppulse-runtime", R"({"events":[]})"),
                   "Extension.InvalidExtensionState", "already registered");
  for (int i = 1; i < 10; ++i) {
    ASSERT_EQ(runtime.register_extension("extension-" + std::to_string(i), "{}").status, 200) << i;
  }
  expect_forbidden(runtime.register_extension("one-too-many", "{}"), "Extension.TooManyExtensions", "(10)");
}

TEST(emulator_rules, RegistrationClosesWhenTheRuntimeAsksForItsFirstEvent) {
  auto emu = start_external();
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  auto parked = runtime.next_async();
  ASSERT_TRUE(emu->wait_for_next_poll(5s));
  expect_forbidden(runtime.register_extension("late", R"({"events":[]})"), "Extension.RegistrationClosed",
                   "registration closed");
  EXPECT_FALSE(emu->extensions_registered());
  emu.reset();
  EXPECT_EQ(parked.get().status, 0);
}

TEST(emulator_rules, EventNextRefusesUnknownIdentifiers) {
  auto emu = start_external();
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  expect_forbidden(runtime.extension_next(""), "Extension.MissingExtensionIdentifier");
  expect_forbidden(runtime.extension_next("not-a-uuid"), "Extension.InvalidExtensionIdentifier");
  expect_forbidden(runtime.extension_next("7c2dc5a8-52a4-4b8e-9d3c-0f6a4d3e2b10"),
                   "Extension.UnknownExtensionIdentifier");
}

// Lambda ends init, and starts each invocation, only once every registered
// extension waits in event/next: one that never calls it makes every invoke
// time out.
TEST(emulator_rules, EventsWaitForEveryExtensionToParkInEventNext) {
  EmulatorOptions options;
  options.init_timeout_ms = 300;
  auto emu = start_external(options);
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  const auto registered = runtime.register_extension("shoppulse-runtime", R"({"events":[]})");
  ASSERT_EQ(registered.status, 200);
  const std::string id = registered.header("Lambda-Extension-Identifier");

  auto next = runtime.next_async();
  const auto stuck = emu->invoke("{}");
  EXPECT_EQ(stuck.outcome, Outcome::kTimeout);
  EXPECT_NE(stuck.body.find("extension did not call /extension/event/next"), std::string::npos) << stuck.body;
  EXPECT_EQ(next.wait_for(0ms), std::future_status::timeout) << "nothing was delivered";

  auto extension = runtime.extension_next_async(id);
  auto pending = emu->invoke_async(R"({"n":2})");
  const auto event = next.get();
  ASSERT_EQ(event.status, 200);
  EXPECT_EQ(event.body, R"({"n":2})");
  EXPECT_EQ(runtime.respond(event.request_id, "{}").status, 202);
  EXPECT_TRUE(pending.get().ok());
  // Subscribed to nothing: the extension stays parked through invocations.
  EXPECT_EQ(extension.wait_for(100ms), std::future_status::timeout);
  emu.reset();
  EXPECT_EQ(extension.get().status, 0) << "at shutdown the parked call loses its connection";
}

TEST(emulator_rules, InvokeSubscribersGetEachInvocationAndHoldTheNextOne) {
  auto emu = start_external();
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  const auto registered = runtime.register_extension("invoke-watcher", R"({"events":["INVOKE"]})");
  ASSERT_EQ(registered.status, 200);
  const std::string id = registered.header("Lambda-Extension-Identifier");
  auto extension = runtime.extension_next_async(id);
  auto first = emu->invoke_async(R"({"n":1})");
  const auto event = runtime.next();
  ASSERT_EQ(event.status, 200);
  const auto invoke = extension.get();
  ASSERT_EQ(invoke.status, 200);
  EXPECT_TRUE(std::regex_match(invoke.header("Lambda-Extension-Event-Identifier"), kUuid));
  const auto body = json_of(invoke.body);
  EXPECT_EQ(body.at("eventType"), "INVOKE");
  EXPECT_EQ(body.at("requestId"), event.request_id);
  EXPECT_EQ(body.at("deadlineMs").get<long long>(),
            std::stoll(event.headers.find("Lambda-Runtime-Deadline-Ms")->second));
  EXPECT_EQ(body.at("invokedFunctionArn"), event.headers.find("Lambda-Runtime-Invoked-Function-Arn")->second);
  EXPECT_EQ(body.at("tracing"), (nlohmann::json{{"type", "X-Amzn-Trace-Id"},
                                                {"value", event.headers.find("Lambda-Runtime-Trace-Id")->second}}));
  EXPECT_EQ(runtime.respond(event.request_id, "{}").status, 202);
  EXPECT_TRUE(first.get().ok());

  // The next invocation waits until the extension is back in event/next.
  auto second = emu->invoke_async(R"({"n":2})");
  auto next = runtime.next_async();
  EXPECT_EQ(next.wait_for(200ms), std::future_status::timeout);
  auto again = runtime.extension_next_async(id);
  const auto delivered = next.get();
  ASSERT_EQ(delivered.status, 200);
  EXPECT_EQ(json_of(again.get().body).at("requestId"), delivered.request_id);
  EXPECT_EQ(runtime.respond(delivered.request_id, "{}").status, 202);
  EXPECT_TRUE(second.get().ok());
}

TEST(emulator_rules, WithoutTheExtensionsApiItsPathsAre404) {
  EmulatorOptions options;
  options.extensions_api = false;
  auto emu = start_external(options);
  ASSERT_TRUE(emu);
  FakeRuntime runtime(emu->port());
  EXPECT_EQ(runtime.register_extension("shoppulse-runtime", R"({"events":[]})").status, 404);
  EXPECT_EQ(runtime.extension_next("7c2dc5a8-52a4-4b8e-9d3c-0f6a4d3e2b10").status, 404);
  EXPECT_FALSE(emu->extensions_registered());
}

}  // namespace
}  // namespace shoppulse::emulator
