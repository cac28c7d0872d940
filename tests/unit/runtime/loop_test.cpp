// The poll loop against an in-memory Transport: proves exception handling,
// the payload limit, bounded /next retries and trace export without sockets.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <deque>
#include <stdexcept>

#include "shoppulse/runtime/loop.h"

namespace shoppulse::runtime {
namespace {

class ScriptedTransport final : public Transport {
 public:
  std::deque<Result<HttpResponse>> next_responses;
  std::vector<HttpRequest> sent;
  std::atomic<bool>* stop_when_drained = nullptr;

  Result<HttpResponse> perform(const HttpRequest& request, std::chrono::milliseconds) override {
    sent.push_back(request);
    if (request.method == "POST") return HttpResponse{202, {}, R"({"status":"OK"})"};
    if (next_responses.empty()) {
      if (stop_when_drained != nullptr) stop_when_drained->store(true);
      return fail(Error::make(ErrorKind::kUnavailable, "aborted", "drained"));
    }
    auto response = std::move(next_responses.front());
    next_responses.pop_front();
    return response;
  }
};

HttpResponse event(const std::string& id, std::string payload, std::string trace = "") {
  HeaderMap headers{{"lambda-runtime-aws-request-id", id}};
  if (!trace.empty()) headers["lambda-runtime-trace-id"] = trace;
  return HttpResponse{200, std::move(headers), std::move(payload)};
}

class EchoHandler final : public InvocationHandler {
 public:
  std::string seen_trace_env;
  Outcome handle(const Invocation& invocation) override {
    const char* trace = std::getenv("_X_AMZN_TRACE_ID");
    seen_trace_env = trace == nullptr ? "" : trace;
    if (invocation.payload == "throw") throw std::runtime_error("secret-should-not-leak");
    if (invocation.payload == "throw-int") throw 42;
    if (invocation.payload == "big") return InvocationResponse{std::string(kMaxResponseBytes + 1, 'x')};
    if (invocation.payload == "exact") return InvocationResponse{std::string(kMaxResponseBytes, 'x')};
    if (invocation.payload == "fail") return FunctionError{"Function.Custom", "custom failure"};
    return InvocationResponse{"echo:" + invocation.payload};
  }
};

struct LoopFixture : ::testing::Test {
  std::atomic<bool> stop{false};
  ScriptedTransport* transport = nullptr;
  std::unique_ptr<RuntimeClient> client;
  EchoHandler handler;
  Logger logger{LogLevel::kFatal, 2};
  RetryPolicy fast_retry{3, std::chrono::milliseconds(1), 2.0, std::chrono::milliseconds(2)};

  void SetUp() override {
    auto owned = std::make_unique<ScriptedTransport>();
    transport = owned.get();
    transport->stop_when_drained = &stop;
    client = std::make_unique<RuntimeClient>(std::move(owned));
  }
  LoopExit run() { return run_loop(*client, handler, fast_retry, logger, stop); }
  const HttpRequest& post(std::size_t n) const {
    std::size_t seen = 0;
    for (const auto& request : transport->sent) {
      if (request.method == "POST" && seen++ == n) return request;
    }
    throw std::out_of_range("no such post");
  }
  static std::string header(const HttpRequest& request, const std::string& name) {
    for (const auto& [key, value] : request.headers) {
      if (key == name) return value;
    }
    return {};
  }
};

TEST_F(LoopFixture, SuccessPostsResponseForTheSameRequestId) {
  transport->next_responses.push_back(event("r1", "hello"));
  EXPECT_EQ(run(), LoopExit::kShutdownRequested);
  EXPECT_EQ(post(0).path, "/2018-06-01/runtime/invocation/r1/response");
  EXPECT_EQ(post(0).body, "echo:hello");
}

TEST_F(LoopFixture, HandlerExceptionBecomesErrorAndTheLoopContinues) {
  transport->next_responses.push_back(event("r1", "throw"));
  transport->next_responses.push_back(event("r2", "throw-int"));
  transport->next_responses.push_back(event("r3", "after"));
  run();
  EXPECT_EQ(post(0).path, "/2018-06-01/runtime/invocation/r1/error");
  EXPECT_EQ(header(post(0), "Lambda-Runtime-Function-Error-Type"), "Function.UnhandledException");
  // The exception text may carry internals; the client-facing message does not.
  EXPECT_EQ(post(0).body.find("secret-should-not-leak"), std::string::npos);
  EXPECT_EQ(post(1).path, "/2018-06-01/runtime/invocation/r2/error");
  EXPECT_EQ(post(2).body, "echo:after");
}

TEST_F(LoopFixture, OversizeResponseIsReportedNotTruncated) {
  transport->next_responses.push_back(event("r1", "big"));
  transport->next_responses.push_back(event("r2", "exact"));
  run();
  EXPECT_EQ(post(0).path, "/2018-06-01/runtime/invocation/r1/error");
  EXPECT_EQ(header(post(0), "Lambda-Runtime-Function-Error-Type"), "Function.ResponseSizeTooLarge");
  EXPECT_EQ(post(1).path, "/2018-06-01/runtime/invocation/r2/response");
  EXPECT_EQ(post(1).body.size(), kMaxResponseBytes);
}

TEST_F(LoopFixture, FunctionErrorKeepsItsType) {
  transport->next_responses.push_back(event("r1", "fail"));
  run();
  EXPECT_EQ(header(post(0), "Lambda-Runtime-Function-Error-Type"), "Function.Custom");
  EXPECT_EQ(nlohmann::json::parse(post(0).body)["errorMessage"], "custom failure");
}

TEST_F(LoopFixture, TraceIdIsExportedPerInvocationAndClearedWhenAbsent) {
  transport->next_responses.push_back(event("r1", "a", "Root=1-abc"));
  transport->next_responses.push_back(event("r2", "b"));
  run();
  EXPECT_EQ(handler.seen_trace_env, "");
  transport->next_responses.push_back(event("r3", "c", "Root=1-def"));
  stop = false;
  run();
  EXPECT_EQ(handler.seen_trace_env, "Root=1-def");
}

TEST_F(LoopFixture, UnreachableRuntimeApiGivesUpAfterMaxAttempts) {
  transport->stop_when_drained = nullptr;  // every /next fails, nothing stops the loop but the policy
  EXPECT_EQ(run(), LoopExit::kRuntimeApiUnreachable);
  std::size_t next_calls = 0;
  for (const auto& request : transport->sent) next_calls += request.method == "GET" ? 1U : 0U;
  EXPECT_EQ(next_calls, static_cast<std::size_t>(fast_retry.max_attempts));
}

TEST_F(LoopFixture, ASuccessfulNextResetsTheFailureCount) {
  transport->stop_when_drained = nullptr;
  for (int i = 0; i < 2; ++i)
    transport->next_responses.push_back(fail(Error::make(ErrorKind::kUnavailable, "x", "down")));
  transport->next_responses.push_back(event("r1", "ok"));
  for (int i = 0; i < 2; ++i)
    transport->next_responses.push_back(fail(Error::make(ErrorKind::kUnavailable, "x", "down")));
  // 2 failures, success, then failures until max_attempts (3) consecutive.
  EXPECT_EQ(run(), LoopExit::kRuntimeApiUnreachable);
  std::size_t next_calls = 0;
  for (const auto& request : transport->sent) next_calls += request.method == "GET" ? 1U : 0U;
  EXPECT_EQ(next_calls, 6U);
  EXPECT_EQ(post(0).body, "echo:ok");
}

}  // namespace
}  // namespace shoppulse::runtime
