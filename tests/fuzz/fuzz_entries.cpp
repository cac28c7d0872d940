#include "fuzz_entries.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "shoppulse/core/codec.h"
#include "shoppulse/core/json_writer.h"
#include "shoppulse/core/log.h"
#include "shoppulse/handlers/application.h"
#include "shoppulse/handlers/caller.h"
#include "shoppulse/handlers/cursor.h"
#include "shoppulse/handlers/validation.h"

namespace shoppulse::fuzz {
namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

const Logger& quiet_logger() {
  static const Logger logger(LogLevel::kFatal, ::open("/dev/null", O_WRONLY));
  return logger;
}

handlers::Application& application() {
  static handlers::Application app(handlers::AppSettings{"fuzz", false, {}, std::chrono::milliseconds(150)},
                                   handlers::Dependencies{}, quiet_logger());
  return app;
}

}  // namespace

int event_pipeline(const std::uint8_t* data, std::size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  const handlers::InvocationContext context{"fuzz", "", "", "", "", 0, false};
  const handlers::InvocationResult result = application().handle(payload, context);
  if (result.ok) {
    // Whatever came in, what goes out is a well-formed response API Gateway accepts.
    const auto response = nlohmann::json::parse(result.payload, nullptr, false);
    check(!response.is_discarded());
    check(response.is_object() || response.is_string());
    if (response.is_object() && response.contains("statusCode")) {
      check(response["statusCode"].is_number_integer());
      const int status = response["statusCode"].get<int>();
      check(status >= 200 && status < 600 && status != 500);
      check(response["body"].is_string());
    }
  } else {
    check(!result.error_type.empty());
  }
  return 0;
}

int codecs(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto decoded = base64_decode(text)) check(base64_decode(base64_encode(*decoded)).value_or("") == *decoded);
  static_cast<void>(base64url_decode(text));
  if (auto inflated = gzip_decompress(text, 1 << 20)) {
    check(gzip_decompress(gzip_compress(*inflated), 1 << 21).value_or("x") == *inflated);
  }
  std::string quoted;
  append_json_string(quoted, text);
  check(nlohmann::json::accept(quoted));
  const auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_discarded()) check(nlohmann::json::accept(dump_json(parsed)));
  static const handlers::CursorCodec cursors("fuzz-key");
  static_cast<void>(cursors.decode(text, "11111111-1111-4111-8111-111111111111", "users"));
  static_cast<void>(handlers::parse_iso8601(text));
  static_cast<void>(handlers::is_valid_email(text));
  static_cast<void>(handlers::utf8_length(text));
  std::string uuid;
  if (handlers::parse_uuid(text, uuid)) check(uuid.size() == 36);
  return 0;
}

}  // namespace shoppulse::fuzz
