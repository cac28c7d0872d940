#include "fuzz_entries.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <memory_resource>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "shoppulse/core/codec.h"
#include "shoppulse/core/json_reader.h"
#include "shoppulse/core/json_writer.h"
#include "shoppulse/core/log.h"
#include "shoppulse/handlers/application.h"
#include "shoppulse/handlers/caller.h"
#include "shoppulse/handlers/cursor.h"
#include "shoppulse/handlers/validation.h"
#include "shoppulse/core/http_wire.h"

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
  const handlers::InvocationContext context{"fuzz", "", "", "", "", 0, false, ""};
  // As the runtime runs it: everything in a per-invocation arena.
  std::pmr::monotonic_buffer_resource arena;
  const handlers::InvocationResult result = application().handle(payload, context, arena);
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

namespace {

// Same values in both parses (numbers compared as nlohmann reads them), to a
// depth of 200: the comparison recurses, the reader does not.
bool same_value(json::Value ours, const nlohmann::json& theirs, int depth = 0) {
  if (depth > 200) return true;
  switch (theirs.type()) {
    case nlohmann::json::value_t::null: return ours.is_null();
    case nlohmann::json::value_t::boolean: return ours.is_bool() && ours.is_true() == theirs.get<bool>();
    case nlohmann::json::value_t::string:
      return ours.is_string() && ours.string() == theirs.get_ref<const std::string&>();
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: {
      if (!ours.is_number()) return false;
      const auto reparsed = nlohmann::json::parse(ours.text(), nullptr, false);
      // NaN never equals itself; both parsed the same literal.
      return reparsed == theirs || (reparsed.is_number_float() && theirs.is_number_float());
    }
    case nlohmann::json::value_t::array: {
      if (!ours.is_array() || ours.size() != theirs.size()) return false;
      std::size_t i = 0;
      for (const json::Value element : ours.elements()) {
        if (!same_value(element, theirs[i++], depth + 1)) return false;
      }
      return true;
    }
    case nlohmann::json::value_t::object: {
      if (!ours.is_object()) return false;
      for (const auto& [key, value] : theirs.items()) {
        if (!same_value(ours[key], value, depth + 1)) return false;
      }
      for (const auto& member : ours.members()) {
        if (!theirs.contains(member.key)) return false;
      }
      return true;
    }
    default: return false;
  }
}

}  // namespace

int json_reader(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  json::Document document;
  const bool ours = document.parse(text);
  const auto theirs = nlohmann::json::parse(text, nullptr, false);
  check(ours == !theirs.is_discarded());
  if (ours) check(same_value(document.root(), theirs));
  return 0;
}

int http_response(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks how the rest arrives: in pieces of 1..256 bytes.
  const std::size_t step = static_cast<std::size_t>(data[0]) + 1;
  const std::string_view wire(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<http1::HeaderView> headers;
  http1::ResponseHead head;
  std::string buffer;
  std::size_t at = 0;
  http1::WireState state = http1::WireState::kIncomplete;
  while (state == http1::WireState::kIncomplete && at < wire.size()) {
    buffer.append(wire.substr(at, step));
    at += step;
    state = http1::parse_response_head(buffer, head, headers);
  }
  if (state != http1::WireState::kComplete) return 0;
  check(head.size <= buffer.size() && head.status >= 100 && head.status <= 999);
  for (const auto& header : headers) {
    check(header.name.data() >= buffer.data() && header.name.data() + header.name.size() <= buffer.data() + head.size);
  }
  if (!head.chunked) return 0;
  // The body bytes already read, then the rest, in the same pieces.
  std::string body = buffer.substr(head.size);
  http1::ChunkedDecoder decoder(1 << 20);
  state = decoder.step(body.data(), body.size());
  while (state == http1::WireState::kIncomplete && at < wire.size()) {
    body.append(wire.substr(at, step));
    at += step;
    state = decoder.step(body.data(), body.size());
  }
  check(decoder.decoded() <= decoder.consumed() && decoder.consumed() <= body.size());
  return 0;
}

}  // namespace shoppulse::fuzz
