// The runtime's internal extension against an in-memory Transport: the
// registration's outcome, the event/next loop's retries and the shutdown
// that ends it. Every test runs in its own process (ctest), so requesting
// the process-wide shutdown is safe.

#include "shoppulse/runtime/shutdown_extension.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "shoppulse/runtime/shutdown.h"

namespace shoppulse::runtime {
namespace {

using namespace std::chrono_literals;

constexpr const char* kId = "7c2dc5a8-52a4-4b8e-9d3c-0f6a4d3e2b10";

// One scripted answer to event/next: a status and body, or a connection error.
struct ScriptedAnswer {
  int status = 200;
  std::string body;
  bool connection_error = false;
};

// Answers register with `register_status`, then event/next from the script;
// once the script is drained, event/next blocks until shutdown is requested
// and fails as the SocketTransport does then.
class ScriptedExtensionApi final : public Transport {
 public:
  int register_status = 200;
  std::deque<ScriptedAnswer> script;

  Status round_trip(const HttpRequest& request, const RequestOptions& options, HttpResponse& response) override {
    {
      const std::lock_guard lock(mutex_);
      paths_.emplace_back(request.path());
      identifiers_.emplace_back(request.header("Lambda-Extension-Identifier"));
      timeouts_.push_back(options.timeout);
    }
    if (request.method() == "POST") {
      response.assign(register_status, {{"Lambda-Extension-Identifier", kId}}, "{}");
      return {};
    }
    std::optional<ScriptedAnswer> answer;
    {
      const std::lock_guard lock(mutex_);
      if (!script.empty()) {
        answer = std::move(script.front());
        script.pop_front();
      }
    }
    if (!answer) {
      while (!ShutdownSignal::requested().load()) std::this_thread::sleep_for(1ms);
      return fail(Error::make(ErrorKind::kUnavailable, "aborted", "wait abandoned for shutdown"));
    }
    if (answer->connection_error) return fail(Error::make(ErrorKind::kUnavailable, "reset", "connection reset"));
    response.assign(answer->status, {}, answer->body);
    return {};
  }

  std::size_t calls() const {
    const std::lock_guard lock(mutex_);
    return paths_.size();
  }
  std::vector<std::string> paths() const {
    const std::lock_guard lock(mutex_);
    return paths_;
  }
  std::vector<std::string> identifiers() const {
    const std::lock_guard lock(mutex_);
    return identifiers_;
  }
  std::vector<std::chrono::milliseconds> timeouts() const {
    const std::lock_guard lock(mutex_);
    return timeouts_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> paths_;
  std::vector<std::string> identifiers_;
  std::vector<std::chrono::milliseconds> timeouts_;
};

// A Logger writing into a pipe, read back as JSON lines.
class CapturedLog {
 public:
  CapturedLog() {
    if (::pipe2(fds_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("pipe2");
  }
  ~CapturedLog() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;

  [[nodiscard]] int fd() const { return fds_[1]; }
  std::vector<nlohmann::json> lines() {
    char buffer[4096];
    for (ssize_t got = 0; (got = ::read(fds_[0], buffer, sizeof buffer)) > 0;) {
      text_.append(buffer, static_cast<std::size_t>(got));
    }
    std::vector<nlohmann::json> parsed;
    std::size_t start = 0;
    for (std::size_t end = text_.find('\n'); end != std::string::npos; end = text_.find('\n', start)) {
      parsed.push_back(nlohmann::json::parse(text_.substr(start, end - start)));
      start = end + 1;
    }
    return parsed;
  }

 private:
  int fds_[2]{-1, -1};
  std::string text_;
};

RetryPolicy fast_retry() {
  RetryPolicy retry;
  retry.initial_backoff = 20ms;
  retry.max_backoff = 40ms;
  return retry;
}

template <typename Predicate>
bool eventually(Predicate predicate) {
  for (int i = 0; i < 500; ++i) {
    if (predicate()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return predicate();
}

TEST(ShutdownExtension, RegistersThenParksInEventNextUntilShutdown) {
  CapturedLog log;
  const Logger logger(LogLevel::kInfo, log.fd());
  auto owned = std::make_unique<ScriptedExtensionApi>();
  ScriptedExtensionApi& api = *owned;
  auto extension = ShutdownExtension::start(std::move(owned), logger);
  ASSERT_TRUE(extension.ok()) << extension.error().message;
  EXPECT_TRUE((*extension)->await_registration());
  ASSERT_TRUE(eventually([&] { return api.calls() == 2; }));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(api.calls(), 2U) << "one event/next, parked: no polling";
  EXPECT_EQ(api.paths(),
            (std::vector<std::string>{"/2020-01-01/extension/register", "/2020-01-01/extension/event/next"}));
  EXPECT_EQ(api.identifiers().back(), kId);
  EXPECT_EQ(api.timeouts().back(), 0ms) << "event/next waits as long as the sandbox lives";
  EXPECT_FALSE(ShutdownSignal::requested().load());

  const auto started = std::chrono::steady_clock::now();
  extension->reset();  // requests shutdown and joins
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_TRUE(ShutdownSignal::requested().load());
  EXPECT_TRUE(log.lines().empty()) << "a registration that works says nothing";
}

TEST(ShutdownExtension, ARefusedRegistrationIsOneWarningAndNothingMore) {
  CapturedLog log;
  const Logger logger(LogLevel::kInfo, log.fd());
  auto owned = std::make_unique<ScriptedExtensionApi>();
  owned->register_status = 404;  // a platform without the Extensions API
  ScriptedExtensionApi& api = *owned;
  auto extension = ShutdownExtension::start(std::move(owned), logger);
  ASSERT_TRUE(extension.ok());
  EXPECT_FALSE((*extension)->await_registration());
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(api.calls(), 1U) << "no event/next without a registration";
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0]["level"], "WARN");
  EXPECT_NE(lines[0]["error"].get<std::string>().find("404"), std::string::npos) << lines[0];
  EXPECT_FALSE(ShutdownSignal::requested().load()) << "the runtime carries on";
}

TEST(ShutdownExtension, EventNextFailuresAreRetriedWithBackoffAndNeverEndIt) {
  CapturedLog log;
  const Logger logger(LogLevel::kInfo, log.fd());
  auto owned = std::make_unique<ScriptedExtensionApi>();
  owned->script = {
      {0, "", true}, {403, R"({"errorType":"Extension.UnknownExtensionIdentifier"})", false}, {0, "", true}};
  ScriptedExtensionApi& api = *owned;
  const auto started = std::chrono::steady_clock::now();
  auto extension = ShutdownExtension::start(std::move(owned), logger, fast_retry());
  ASSERT_TRUE(extension.ok());
  ASSERT_TRUE((*extension)->await_registration());
  ASSERT_TRUE(eventually([&] { return api.calls() == 5; })) << "register, three failures, then parked again";
  // Backoffs of at least 10, 20 and 20 ms (half of 20, 40, 40 at the least jitter).
  EXPECT_GE(std::chrono::steady_clock::now() - started, 50ms);
  EXPECT_FALSE(ShutdownSignal::requested().load());
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 3U);
  for (const auto& line : lines) EXPECT_EQ(line["level"], "WARN") << line;
  EXPECT_EQ(lines[2]["attempt"], 3);
}

TEST(ShutdownExtension, InvokeEventsLoopAndAShutdownEventEndsIt) {
  CapturedLog log;
  const Logger logger(LogLevel::kInfo, log.fd());
  auto owned = std::make_unique<ScriptedExtensionApi>();
  owned->script = {{200, R"({"eventType":"INVOKE","requestId":"a"})", false},
                   {200, R"({"eventType":"INVOKE","requestId":"b"})", false},
                   {200, R"({"eventType":"SHUTDOWN","shutdownReason":"spindown"})", false}};
  ScriptedExtensionApi& api = *owned;
  auto extension = ShutdownExtension::start(std::move(owned), logger);
  ASSERT_TRUE(extension.ok());
  ASSERT_TRUE((*extension)->await_registration());
  EXPECT_TRUE(eventually([] { return ShutdownSignal::requested().load(); }));
  EXPECT_EQ(api.calls(), 4U);
  EXPECT_TRUE(log.lines().empty());
}

}  // namespace
}  // namespace shoppulse::runtime
