#include "shoppulse/core/log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>

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

TEST(LogLevel, ParsesLambdaNamesCaseInsensitively) {
  EXPECT_EQ(*parse_log_level("debug"), LogLevel::kDebug);
  EXPECT_EQ(*parse_log_level("WARN"), LogLevel::kWarn);
  EXPECT_EQ(*parse_log_level("Fatal"), LogLevel::kFatal);
  auto bad = parse_log_level("LOUD");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("AWS_LAMBDA_LOG_LEVEL"), std::string::npos);
}

TEST(Logger, WritesOneJsonObjectPerLineWithContext) {
  CapturedFd out;
  Logger logger(LogLevel::kInfo, out.write_fd());
  logger.debug("hidden");
  logger.set_context({"lambda-1", "api-1", "tenant-1", "GET /users", "Root=1-x", true});
  logger.info("multi\nline \"message\"", {{"status", 200}});
  logger.clear_context();
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
