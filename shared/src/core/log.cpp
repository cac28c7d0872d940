#include "shoppulse/core/log.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <utility>

#include "shoppulse/core/ascii.h"

namespace shoppulse {

std::string_view log_level_name(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::kTrace: return "TRACE";
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kInfo: return "INFO";
    case LogLevel::kWarn: return "WARN";
    case LogLevel::kError: return "ERROR";
    case LogLevel::kFatal: return "FATAL";
  }
  return "INFO";
}

std::string dump_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

long long now_epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view format_timestamp_ms(long long epoch_ms, char (&buffer)[kMaxTimestampLength]) {
  return format_utc_timestamp(static_cast<std::int64_t>(epoch_ms) * 1000, 3, buffer);
}

std::string format_timestamp_ms(long long epoch_ms) {
  char buffer[kMaxTimestampLength];
  return std::string(format_timestamp_ms(epoch_ms, buffer));
}

namespace {
thread_local LogContext* t_current_context = nullptr;
}  // namespace

LogScope::LogScope(LogContext& context) noexcept : previous_(std::exchange(t_current_context, &context)) {}

LogScope::~LogScope() {
  t_current_context = previous_;
}

LogContext* LogScope::current() noexcept {
  return t_current_context;
}

Logger::Logger(LogLevel min_level, int fd) : min_level_(min_level), fd_(fd) {}

template <typename String>
void Logger::begin_line(BasicJsonWriter<String>& writer, LogLevel level, std::string_view message) const {
  char timestamp[kMaxTimestampLength];
  writer.begin_object();
  writer.field("timestamp", format_timestamp_ms(now_epoch_ms(), timestamp));
  writer.field("level", log_level_name(level));
  writer.field("message", message);
  if (const LogContext* context = t_current_context; context != nullptr) {
    writer.field("requestId", context->request_id);
    if (!context->api_request_id.empty()) writer.field("apiRequestId", context->api_request_id);
    if (!context->tenant_id.empty()) writer.field("tenantId", context->tenant_id);
    if (!context->route.empty()) writer.field("route", context->route);
    if (!context->xray_trace_id.empty()) writer.field("xrayTraceId", context->xray_trace_id);
    writer.field("coldStart", context->cold_start);
  }
}

template void Logger::begin_line(BasicJsonWriter<std::string>&, LogLevel, std::string_view) const;
template void Logger::begin_line(BasicJsonWriter<std::pmr::string>&, LogLevel, std::string_view) const;

void Logger::log(LogLevel level, std::string_view message, const nlohmann::json& fields) const {
  log_with(level, message, [&fields](JsonWriter& writer) {
    if (!fields.is_object()) return;
    for (const auto& [key, value] : fields.items()) writer.key(key).raw(dump_json(value));
  });
}

void Logger::write_lines(std::pmr::string& text) const {
  if (text.empty()) return;
  text.push_back('\n');
  write_all(text);
}

void Logger::write_all(std::string_view bytes) const {
  // One write(2) per line keeps lines whole when several processes share a
  // pipe, and nothing is left in a stdio buffer if the sandbox is frozen.
  const std::lock_guard lock(write_mutex_);
  const char* data = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t written = ::write(fd_, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      return;
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
}

}  // namespace shoppulse
