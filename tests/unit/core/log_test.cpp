#include "shoppulse/core/log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <string>
#include <thread>
#include <vector>

namespace shoppulse {
namespace {

// Captures what a Logger writes through a pipe.
class CapturedFd {
 public:
  CapturedFd() { EXPECT_EQ(::pipe(fds_.data()), 0); }
  ~CapturedFd() {
    ::close(fds_[0]);
    if (fds_[1] >= 0) ::close(fds_[1]);
  }
  int write_fd() const { return fds_[1]; }
  std::string drain() {
    ::close(fds_[1]);
    fds_[1] = -1;
    std::string out;
    std::array<char, 4096> buffer{};
    ssize_t n = 0;
    while ((n = ::read(fds_[0], buffer.data(), buffer.size())) > 0)
      out.append(buffer.data(), static_cast<std::size_t>(n));
    return out;
  }

 private:
  std::array<int, 2> fds_{-1, -1};
};

std::vector<nlohmann::json> lines_of(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    lines.push_back(nlohmann::json::parse(text.substr(start, end - start)));
    start = end + 1;
  }
  return lines;
}

TEST(Logger, WritesOneJsonObjectPerLineWithContext) {
  CapturedFd out;
  Logger logger(LogLevel::kInfo, out.write_fd());
  logger.debug("hidden");
  {
    LogContext context{"lambda-1", "api-1", "tenant-1", "GET /users", "Root=1-x", true};
    const LogScope scope(context);
    logger.info("multi\nline \"message\"", {{"status", 200}});
  }
  logger.warn("no context");
  const auto lines = lines_of(out.drain());
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(lines[0]["level"], "INFO");
  EXPECT_EQ(lines[0]["message"], "multi\nline \"message\"");
  EXPECT_EQ(lines[0]["requestId"], "lambda-1");
  EXPECT_EQ(lines[0]["apiRequestId"], "api-1");
  EXPECT_EQ(lines[0]["tenantId"], "tenant-1");
  EXPECT_EQ(lines[0]["route"], "GET /users");
  EXPECT_EQ(lines[0]["xrayTraceId"], "Root=1-x");
  EXPECT_EQ(lines[0]["coldStart"], true);
  EXPECT_EQ(lines[0]["status"], 200);
  EXPECT_TRUE(lines[0]["timestamp"].is_string());
  EXPECT_FALSE(lines[1].contains("requestId"));
}

TEST(Logger, EachThreadStampsItsOwnInvocationsContext) {
  CapturedFd out;
  const Logger logger(LogLevel::kInfo, out.write_fd());
  constexpr int kThreads = 4;
  constexpr int kLines = 50;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&logger, t] {
      const std::string request_id = "req-" + std::to_string(t);
      const std::string tenant_id = "tenant-" + std::to_string(t);
      LogContext context{request_id, {}, {}, {}, {}, false};
      const LogScope scope(context);
      for (int i = 0; i < kLines; ++i) {
        if (i == kLines / 2) LogScope::current()->tenant_id = tenant_id;  // learned mid-invocation
        logger.info("line", {{"thread", t}, {"index", i}});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(LogScope::current(), nullptr);
  const auto lines = lines_of(out.drain());
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kLines));
  for (const auto& line : lines) {
    const int t = line["thread"].get<int>();
    EXPECT_EQ(line["requestId"], "req-" + std::to_string(t));
    if (line["index"].get<int>() >= kLines / 2) {
      EXPECT_EQ(line["tenantId"], "tenant-" + std::to_string(t));
    } else {
      EXPECT_FALSE(line.contains("tenantId"));
    }
  }
}

TEST(Logger, NestedScopesRestoreTheOuterContext) {
  LogContext outer{"outer", {}, {}, {}, {}, false};
  const LogScope outer_scope(outer);
  {
    LogContext inner{"inner", {}, {}, {}, {}, false};
    const LogScope inner_scope(inner);
    EXPECT_EQ(LogScope::current()->request_id, "inner");
  }
  EXPECT_EQ(LogScope::current(), &outer);
}

TEST(Logger, InvalidUtf8NeverBreaksALine) {
  CapturedFd out;
  Logger logger(LogLevel::kInfo, out.write_fd());
  logger.info(std::string("bad \xc3\x28 utf8"), {{"field", std::string("\xff")}});
  EXPECT_EQ(lines_of(out.drain()).size(), 1U);
}

TEST(Timestamp, Rfc3339UtcWithMilliseconds) {
  EXPECT_EQ(format_timestamp_ms(1795428930123LL), "2026-11-23T10:15:30.123Z");
  EXPECT_EQ(format_timestamp_ms(0), "1970-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace shoppulse
