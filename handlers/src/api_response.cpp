#include "shoppulse/handlers/api_response.h"

#include "shoppulse/core/ascii.h"
#include "shoppulse/core/json_writer.h"
#include "shoppulse/core/log.h"

namespace shoppulse::handlers {
namespace {

// Control characters (CR/LF above all) would let input split a header.
bool header_safe(std::string_view value) {
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7F) return false;
  }
  return true;
}

void write_header_value(ArenaJsonWriter& w, std::string_view value, std::pmr::string& scratch) {
  if (header_safe(value)) {
    w.value(value);
    return;
  }
  scratch.assign(value);
  for (char& c : scratch) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7F) c = ' ';
  }
  w.value(std::string_view(scratch));
}

}  // namespace

void ApiResponse::set_header(std::string_view name, std::string_view value) {
  for (auto& [existing, current] : headers) {
    if (ascii::iequals(existing, name)) {
      current.assign(value);
      return;
    }
  }
  headers.emplace_back(name, value);
}

void ApiResponse::add_header(std::string_view name, std::string_view value) {
  headers.emplace_back(name, value);
}

const std::pmr::string* ApiResponse::header(std::string_view name) const {
  for (const auto& [existing, value] : headers) {
    if (ascii::iequals(existing, name)) return &value;
  }
  return nullptr;
}

ApiResponse json_response(int status, std::pmr::memory_resource* memory) {
  ApiResponse response(memory);
  response.status = status;
  response.headers.emplace_back("Content-Type", kJsonContentType);
  return response;
}

ApiResponse json_response(int status, const nlohmann::json& body, std::pmr::memory_resource* memory) {
  ApiResponse response = json_response(status, memory);
  response.body = dump_json(body);
  return response;
}

ApiResponse error_response(const Error& error, std::string_view request_id, const nlohmann::json& details,
                           std::pmr::memory_resource* memory) {
  ApiResponse response = json_response(http_status(error.kind), memory);
  ArenaJsonWriter w(response.body);
  // Keys in sorted order, as the nlohmann-rendered envelope always had them.
  w.begin_object().key("error").begin_object();
  response.error_code = error.code.empty() ? kind_name(error.kind) : std::string_view(error.code);
  response.error_message = error.message;
  w.field("code", response.error_code);
  if (!details.is_null()) w.key("details").raw(dump_json(details));
  w.field("message", error.message);
  w.field("requestId", request_id);
  w.end_object().end_object();
  return response;
}

void serialize_response(const ApiResponse& response, EventFormat format, std::pmr::string& out) {
  std::pmr::string scratch(out.get_allocator().resource());
  out.reserve(out.size() + response.body.size() + response.body.size() / 8 + 256);
  ArenaJsonWriter w(out);
  w.begin_object();
  w.field("statusCode", response.status);
  const auto& headers = response.headers;
  if (format == EventFormat::kRestV1) {
    // API Gateway merges both maps, preferring multiValueHeaders, so every
    // header goes into multiValueHeaders and the single map holds the last value.
    w.key("headers").begin_object();
    for (std::size_t i = 0; i < headers.size(); ++i) {
      bool repeated_later = false;
      for (std::size_t k = i + 1; k < headers.size() && !repeated_later; ++k) {
        repeated_later = ascii::iequals(headers[k].first, headers[i].first);
      }
      if (repeated_later) continue;
      w.key(headers[i].first);
      write_header_value(w, headers[i].second, scratch);
    }
    w.end_object();
    w.key("multiValueHeaders").begin_object();
    for (std::size_t i = 0; i < headers.size(); ++i) {
      bool seen_before = false;
      for (std::size_t k = 0; k < i && !seen_before; ++k)
        seen_before = ascii::iequals(headers[k].first, headers[i].first);
      if (seen_before) continue;
      w.key(headers[i].first).begin_array();
      for (std::size_t k = i; k < headers.size(); ++k) {
        if (ascii::iequals(headers[k].first, headers[i].first)) write_header_value(w, headers[k].second, scratch);
      }
      w.end_array();
    }
    if (!response.cookies.empty()) {
      w.key("Set-Cookie").begin_array();
      for (const auto& cookie : response.cookies) write_header_value(w, cookie, scratch);
      w.end_array();
    }
    w.end_object();
  } else {
    w.key("headers").begin_object();
    std::pmr::string joined(out.get_allocator().resource());
    for (std::size_t i = 0; i < headers.size(); ++i) {
      bool seen_before = false;
      for (std::size_t k = 0; k < i && !seen_before; ++k)
        seen_before = ascii::iequals(headers[k].first, headers[i].first);
      if (seen_before) continue;
      joined.clear();
      for (std::size_t k = i; k < headers.size(); ++k) {
        if (!ascii::iequals(headers[k].first, headers[i].first)) continue;
        if (!joined.empty()) joined.push_back(',');
        joined.append(headers[k].second);
      }
      w.key(headers[i].first);
      write_header_value(w, joined, scratch);
    }
    w.end_object();
    w.key("cookies").begin_array();
    for (const auto& cookie : response.cookies) write_header_value(w, cookie, scratch);
    w.end_array();
  }
  w.field("body", std::string_view(response.body));
  w.field("isBase64Encoded", response.is_base64);
  w.end_object();
}

std::string serialize_response(const ApiResponse& response, EventFormat format) {
  std::pmr::string out;
  serialize_response(response, format, out);
  return std::string(out);
}

}  // namespace shoppulse::handlers
