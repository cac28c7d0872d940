#pragma once
// Structured JSON logs: every line bootstrap writes (stdout or stderr) is one
// JSON object, because CloudWatch captures both streams and Logs Insights
// queries need fields, not prose. Callers pass explicit fields; never pass a
// secret, password, token, Authorization header or embed URL.

#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "shoppulse/core/json_writer.h"
#include "shoppulse/core/result.h"
#include "shoppulse/core/timestamp.h"

namespace shoppulse {

enum class LogLevel { kTrace = 0, kDebug, kInfo, kWarn, kError, kFatal };

// Lambda's AWS_LAMBDA_LOG_LEVEL names (TRACE..FATAL); config reads them.
std::string_view log_level_name(LogLevel level) noexcept;

// Per-invocation fields stamped on every line written while an invocation
// runs. Views: the invocation's event and arena keep the text alive for as
// long as the LogScope naming it.
struct LogContext {
  std::string_view request_id;      // Lambda request id
  std::string_view api_request_id;  // API Gateway requestContext.requestId
  std::string_view tenant_id;
  std::string_view route;
  std::string_view xray_trace_id;
  bool cold_start = false;
};

// Names the LogContext of the invocation running on this thread, for as long
// as the scope lives: every line any Logger writes on the thread meanwhile
// carries it, including lines from shared code that knows nothing of the
// invocation (pool reconnects, AWS retries). The context is owned by the
// invocation (the runtime loop's frame); the thread only points at it, so
// concurrent invocations on other threads each stamp their own. Scopes nest:
// the previous one is restored on destruction.
class LogScope {
 public:
  explicit LogScope(LogContext& context) noexcept;
  ~LogScope();
  LogScope(const LogScope&) = delete;
  LogScope& operator=(const LogScope&) = delete;

  // The innermost context on this thread, or null outside any invocation.
  // Code that learns a field later (the tenant, once the token is read) adds
  // it here.
  [[nodiscard]] static LogContext* current() noexcept;

 private:
  LogContext* previous_;
};

// Serialises a JSON value for a log line; invalid UTF-8 from hostile input is
// replaced rather than throwing.
std::string dump_json(const nlohmann::json& value);

// RFC 3339 UTC with milliseconds, e.g. 2026-11-23T10:15:30.123Z.
std::string format_timestamp_ms(long long epoch_ms);
// The same into a caller's buffer (no allocation); returns the text.
std::string_view format_timestamp_ms(long long epoch_ms, char (&buffer)[kMaxTimestampLength]);
long long now_epoch_ms();

class Logger {
 public:
  explicit Logger(LogLevel min_level = LogLevel::kInfo, int fd = 1);

  [[nodiscard]] bool enabled(LogLevel level) const noexcept { return level >= min_level_; }
  [[nodiscard]] LogLevel min_level() const noexcept { return min_level_; }

  // `fields` must be a JSON object (or null); its keys are merged into the line.
  void log(LogLevel level, std::string_view message, const nlohmann::json& fields = nullptr) const;
  void debug(std::string_view message, const nlohmann::json& fields = nullptr) const {
    log(LogLevel::kDebug, message, fields);
  }
  void info(std::string_view message, const nlohmann::json& fields = nullptr) const {
    log(LogLevel::kInfo, message, fields);
  }
  void warn(std::string_view message, const nlohmann::json& fields = nullptr) const {
    log(LogLevel::kWarn, message, fields);
  }
  void error(std::string_view message, const nlohmann::json& fields = nullptr) const {
    log(LogLevel::kError, message, fields);
  }

  // Hot-path variant: `write_fields(JsonWriter&)` appends extra fields
  // straight into the line, with no intermediate JSON document.
  template <typename WriteFields>
  void log_with(LogLevel level, std::string_view message, WriteFields&& write_fields) const {
    if (!enabled(level)) return;
    std::string line;
    line.reserve(512);
    append_line(line, level, message, std::forward<WriteFields>(write_fields));
    line.push_back('\n');
    write_all(line);
  }

  // Appends that line to `out` (a std::string or an arena's std::pmr::string;
  // nothing when `level` is disabled); write_fields gets a writer on `out`.
  template <typename String, typename WriteFields>
  void append_line(String& out, LogLevel level, std::string_view message, WriteFields&& write_fields) const {
    if (!enabled(level)) return;
    BasicJsonWriter<String> writer(out);
    begin_line(writer, level, message);
    write_fields(writer);
    writer.end_object();
  }

  // Writes `text` as is, plus the final newline, regardless of level: one or
  // more complete lines (an access log and its EMF metric line, which
  // CloudWatch parses from the log stream) in one write(2).
  void write_lines(std::pmr::string& text) const;

 private:
  template <typename String>
  void begin_line(BasicJsonWriter<String>& writer, LogLevel level, std::string_view message) const;
  void write_all(std::string_view bytes) const;

  LogLevel min_level_;
  int fd_;
  // Concurrent invocations share the stream: a line longer than PIPE_BUF, or
  // a partial write, must not interleave with another thread's line.
  mutable std::mutex write_mutex_;
};

}  // namespace shoppulse
