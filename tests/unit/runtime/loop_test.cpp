// The poll loop against an in-memory Transport: proves exception handling,
// the payload limit, bounded /next retries and trace export without sockets.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <deque>
#include <memory_resource>
#include <stdexcept>

#include "shoppulse/runtime/loop.h"

namespace shoppulse::runtime {
namespace {

// What the loop sent, copied out of the request's views.
struct SentRequest {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct ScriptedEvent {
  std::string id;
  std::string payload;
  std::string trace;
};

class ScriptedTransport final : public Transport {
 public:
  std::deque<Result<ScriptedEvent>> next_responses;
  std::vector<SentRequest> sent;
  std::atomic<bool>* stop_when_drained = nullptr;

  Status round_trip(const HttpRequest& request, const RequestOptions& /*options*/, HttpResponse& response) override {
    SentRequest copy{std::string(request.method()), std::string(request.path()), {}, std::string(request.body())};
    for (const HttpHeader* h = request.headers_begin(); h != request.headers_end(); ++h) {
      copy.headers.emplace_back(h->name, h->value);
    }
    sent.push_back(std::move(copy));
    if (request.method() == "POST") {
      response.assign(202, {}, R"({"status":"OK"})");
      return {};
    }
    if (next_responses.empty()) {
      if (stop_when_drained != nullptr) stop_when_drained->store(true);
      return fail(Error::make(ErrorKind::kUnavailable, "aborted", "drained"));
    }
    auto next = std::move(next_responses.front());
    next_responses.pop_front();
    if (!next) return fail(next.error());
    if (next->trace.empty()) {
      response.assign(200, {{"Lambda-Runtime-Aws-Request-Id", next->id}}, next->payload);
    } else {
      response.assign(200, {{"Lambda-Runtime-Aws-Request-Id", next->id}, {"Lambda-Runtime-Trace-Id", next->trace}},
                      next->payload);
    }
    return {};
  }
};

ScriptedEvent event(const std::string& id, std::string payload, std::string trace = "") {
  return ScriptedEvent{id, std::move(payload), std::move(trace)};
}

class EchoHandler final : public InvocationHandler {
 public:
  std::string seen_trace_env;
  std::string seen_log_request_id;
  std::string seen_log_trace_id;
  std::vector<std::pmr::memory_resource*> seen_memory;
  Outcome handle(const Invocation& invocation, std::pmr::memory_resource& memory) override {
    seen_memory.push_back(&memory);
    const LogContext* log = LogScope::current();
    seen_log_request_id = log == nullptr ? "<none>" : std::string(log->request_id);
    seen_log_trace_id = log == nullptr ? "<none>" : std::string(log->xray_trace_id);
    const char* trace = std::getenv("_X_AMZN_TRACE_ID");
    seen_trace_env = trace == nullptr ? "" : trace;
    const std::string payload(invocation.payload);
    if (payload == "throw") throw std::runtime_error("secret-should-not-leak");
    if (payload == "throw-int") throw 42;
    if (payload == "big") return InvocationResponse{std::pmr::string(kMaxResponseBytes + 1, 'x', &memory)};
    if (payload == "exact") return InvocationResponse{std::pmr::string(kMaxResponseBytes, 'x', &memory)};
    if (payload == "fail") return FunctionError{"Function.Custom", "custom failure"};
    if (payload == "complete") {
      Outcome outcome = InvocationResponse{std::pmr::string("done", &memory)};
      outcome.set_completion(std::pmr::polymorphic_allocator<>(&memory).new_object<CountingCompletion>(this));
      return outcome;
    }
    return InvocationResponse{std::pmr::string("echo:" + payload, &memory)};
  }

  // Records that it ran (after the post) and that it was destroyed.
  class CountingCompletion final : public Completion {
   public:
    explicit CountingCompletion(EchoHandler* owner) : owner_(owner) {}
    ~CountingCompletion() override { ++owner_->completions_destroyed; }
    void complete(const Invocation& invocation, const Outcome& outcome,
                  std::chrono::nanoseconds elapsed) noexcept override {
      owner_->completed.emplace_back(invocation.request_id);
      owner_->completed_success = outcome.is_success();
      owner_->completed_elapsed = elapsed;
    }

   private:
    EchoHandler* owner_;
  };
  std::vector<std::string> completed;
  bool completed_success = false;
  std::chrono::nanoseconds completed_elapsed{-1};
  int completions_destroyed = 0;
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
  const SentRequest& post(std::size_t n) const {
    std::size_t seen = 0;
    for (const auto& request : transport->sent) {
      if (request.method == "POST" && seen++ == n) return request;
    }
    throw std::out_of_range("no such post");
  }
  static std::string header(const SentRequest& request, const std::string& name) {
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

// Managed Instances: the environment is process-wide, so concurrent workers
// leave it alone and the trace id travels in the invocation's log context.
TEST_F(LoopFixture, ConcurrentWorkersCarryTheTraceIdInTheLogContextNotTheEnvironment) {
  ::unsetenv("_X_AMZN_TRACE_ID");
  transport->next_responses.push_back(event("r1", "a", "Root=1-abc"));
  EXPECT_EQ(run_loop(*client, handler, fast_retry, logger, stop, LoopOptions{.export_trace_id_env = false}),
            LoopExit::kShutdownRequested);
  EXPECT_EQ(handler.seen_trace_env, "");
  EXPECT_EQ(handler.seen_log_request_id, "r1");
  EXPECT_EQ(handler.seen_log_trace_id, "Root=1-abc");
  EXPECT_EQ(LogScope::current(), nullptr) << "the scope ends with the invocation";
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
  for (int i = 0; i < 2; ++i) {
    transport->next_responses.emplace_back(fail(Error::make(ErrorKind::kUnavailable, "x", "down")));
  }
  transport->next_responses.emplace_back(event("r1", "ok"));
  for (int i = 0; i < 2; ++i) {
    transport->next_responses.emplace_back(fail(Error::make(ErrorKind::kUnavailable, "x", "down")));
  }
  // 2 failures, success, then failures until max_attempts (3) consecutive.
  EXPECT_EQ(run(), LoopExit::kRuntimeApiUnreachable);
  std::size_t next_calls = 0;
  for (const auto& request : transport->sent) next_calls += request.method == "GET" ? 1U : 0U;
  EXPECT_EQ(next_calls, 6U);
  EXPECT_EQ(post(0).body, "echo:ok");
}

TEST_F(LoopFixture, CompletionRunsAfterThePostAndIsDestroyed) {
  transport->next_responses.push_back(event("r1", "complete"));
  transport->next_responses.push_back(event("r2", "plain"));
  run();
  EXPECT_EQ(post(0).body, "done");
  ASSERT_EQ(handler.completed, (std::vector<std::string>{"r1"}));
  EXPECT_TRUE(handler.completed_success);
  EXPECT_GE(handler.completed_elapsed.count(), 0);
  EXPECT_EQ(handler.completions_destroyed, 1);
}

TEST_F(LoopFixture, EveryInvocationGetsTheSameReleasedArena) {
  for (int i = 0; i < 3; ++i) transport->next_responses.push_back(event("r" + std::to_string(i), "x"));
  run();
  ASSERT_EQ(handler.seen_memory.size(), 3U);
  EXPECT_EQ(handler.seen_memory[0], handler.seen_memory[1]);
  EXPECT_EQ(handler.seen_memory[1], handler.seen_memory[2]);
}

}  // namespace
}  // namespace shoppulse::runtime
