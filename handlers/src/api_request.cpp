#include "shoppulse/handlers/api_request.h"

#include <algorithm>
#include <cctype>

#include "shoppulse/core/codec.h"

namespace shoppulse::handlers {
namespace {

using nlohmann::json;

const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

const json* path_member(const json& object, std::initializer_list<const char*> keys) {
  const json* current = &object;
  for (const char* key : keys) {
    current = member(*current, key);
    if (current == nullptr) return nullptr;
  }
  return current;
}

std::string string_at(const json& object, std::initializer_list<const char*> keys) {
  const json* value = path_member(object, keys);
  return (value != nullptr && value->is_string()) ? value->get<std::string>() : std::string();
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

Error malformed(const std::string& what) {
  return Error::make(ErrorKind::kInvalidInput, "malformed_event", "API Gateway event has an invalid " + what);
}

// Claim values are strings in both formats; numbers/booleans from other
// authorizers are rendered as their JSON text so nothing is silently lost.
void read_claims(const json* claims, std::map<std::string, std::string>& out) {
  if (claims == nullptr || !claims->is_object()) return;
  for (const auto& [key, value] : claims->items()) {
    if (value.is_string()) {
      out[key] = value.get<std::string>();
    } else if (value.is_number() || value.is_boolean()) {
      out[key] = value.dump();
    }
  }
}

Status read_string_map(const json* source, const char* what, std::map<std::string, std::string>& out) {
  if (source == nullptr) return {};
  if (!source->is_object()) return fail(malformed(what));
  for (const auto& [key, value] : source->items()) {
    if (!value.is_string()) return fail(malformed(what));
    out[key] = value.get<std::string>();
  }
  return {};
}

// Adds single values (v1 `headers`, v2 comma-joined) unless the multi-value
// map already supplied that name.
Status read_single_values(const json* source, const char* what, bool lower_keys, MultiMap& out) {
  if (source == nullptr) return {};
  if (!source->is_object()) return fail(malformed(what));
  for (const auto& [key, value] : source->items()) {
    if (!value.is_string()) return fail(malformed(what));
    std::string name = lower_keys ? lower(key) : key;
    if (out.find(name) == out.end()) out[std::move(name)].push_back(value.get<std::string>());
  }
  return {};
}

Status read_multi_values(const json* source, const char* what, bool lower_keys, MultiMap& out) {
  if (source == nullptr) return {};
  if (!source->is_object()) return fail(malformed(what));
  for (const auto& [key, values] : source->items()) {
    if (values.is_null()) continue;
    if (!values.is_array()) return fail(malformed(what));
    auto& slot = out[lower_keys ? lower(key) : key];
    for (const auto& value : values) {
      if (!value.is_string()) return fail(malformed(what));
      slot.push_back(value.get<std::string>());
    }
  }
  return {};
}

// rawQueryString is authoritative for v2 multi-value queries: the
// queryStringParameters map joins repeated keys with commas.
std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

void parse_raw_query(std::string_view raw, MultiMap& out) {
  while (!raw.empty()) {
    const auto amp = raw.find('&');
    const std::string_view pair = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string key = percent_decode(pair.substr(0, eq));
    const std::string value = eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
    out[key].push_back(value);
  }
}

std::string strip_stage(const std::string& path, const std::string& stage) {
  if (stage.empty() || stage == "$default") return path;
  const std::string prefix = "/" + stage;
  if (path == prefix) return "/";
  if (path.rfind(prefix + "/", 0) == 0) return path.substr(prefix.size());
  return path;
}

Status decode_body(const json& event, const MultiMap& headers, const RequestLimits& limits, std::string& out) {
  const json* encoded = member(event, "isBase64Encoded");
  if (encoded != nullptr && !encoded->is_boolean()) return fail(malformed("isBase64Encoded"));
  const json* body = member(event, "body");
  if (body == nullptr) return {};
  if (!body->is_string()) return fail(malformed("body"));
  const auto& text = body->get_ref<const std::string&>();
  if (encoded != nullptr && encoded->get<bool>()) {
    if (text.size() / 4 * 3 > limits.max_body_bytes + 3) {
      return fail(Error::make(ErrorKind::kPayloadTooLarge, "payload_too_large", "request body is too large"));
    }
    auto decoded = base64_decode(text);
    if (!decoded) return fail(std::move(decoded).error());
    out = std::move(decoded).value();
  } else {
    out = text;
  }
  const auto encoding = headers.find("content-encoding");
  if (encoding != headers.end() && !encoding->second.empty() && lower(encoding->second.front()) == "gzip") {
    auto inflated = gzip_decompress(out, limits.max_body_bytes);
    if (!inflated) return fail(std::move(inflated).error());
    out = std::move(inflated).value();
  }
  if (out.size() > limits.max_body_bytes) {
    return fail(Error::make(ErrorKind::kPayloadTooLarge, "payload_too_large", "request body is larger than 1 MiB"));
  }
  return {};
}

Result<ApiRequest> parse_v1(const json& event, const RequestLimits& limits) {
  ApiRequest request;
  request.format = EventFormat::kRestV1;
  request.method = upper(string_at(event, {"httpMethod"}));
  request.stage = string_at(event, {"requestContext", "stage"});
  // `path` excludes the stage on execute-api hosts; custom domains may still
  // carry a base path, which routing then reports as 404.
  request.path = string_at(event, {"path"});
  request.route_template = string_at(event, {"resource"});
  if (Status s = read_string_map(member(event, "pathParameters"), "pathParameters", request.path_params); !s) {
    return fail(std::move(s).error());
  }
  if (Status s = read_multi_values(member(event, "multiValueHeaders"), "multiValueHeaders", true, request.headers);
      !s) {
    return fail(std::move(s).error());
  }
  if (Status s = read_single_values(member(event, "headers"), "headers", true, request.headers); !s) {
    return fail(std::move(s).error());
  }
  if (Status s = read_multi_values(member(event, "multiValueQueryStringParameters"), "multiValueQueryStringParameters",
                                   false, request.query);
      !s) {
    return fail(std::move(s).error());
  }
  if (Status s =
          read_single_values(member(event, "queryStringParameters"), "queryStringParameters", false, request.query);
      !s) {
    return fail(std::move(s).error());
  }
  if (const auto cookie = request.headers.find("cookie"); cookie != request.headers.end()) {
    for (const auto& line : cookie->second) {
      std::string_view rest(line);
      while (!rest.empty()) {
        const auto semi = rest.find(';');
        std::string_view part = rest.substr(0, semi);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        if (!part.empty()) request.cookies.emplace_back(part);
        rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      }
    }
  }
  request.request_id = string_at(event, {"requestContext", "requestId"});
  request.source_ip = string_at(event, {"requestContext", "identity", "sourceIp"});
  read_claims(path_member(event, {"requestContext", "authorizer", "claims"}), request.claims);
  if (Status s = decode_body(event, request.headers, limits, request.body); !s) return fail(std::move(s).error());
  return request;
}

Result<ApiRequest> parse_v2(const json& event, const RequestLimits& limits) {
  ApiRequest request;
  request.format = EventFormat::kHttpV2;
  request.method = upper(string_at(event, {"requestContext", "http", "method"}));
  request.stage = string_at(event, {"requestContext", "stage"});
  std::string raw_path = string_at(event, {"rawPath"});
  if (raw_path.empty()) raw_path = string_at(event, {"requestContext", "http", "path"});
  request.path = strip_stage(raw_path, request.stage);
  const std::string route_key = string_at(event, {"routeKey"});
  if (const auto space = route_key.find(' '); space != std::string::npos) {
    request.route_template = route_key.substr(space + 1);
  }
  if (Status s = read_string_map(member(event, "pathParameters"), "pathParameters", request.path_params); !s) {
    return fail(std::move(s).error());
  }
  if (Status s = read_single_values(member(event, "headers"), "headers", true, request.headers); !s) {
    return fail(std::move(s).error());
  }
  const json* raw_query = member(event, "rawQueryString");
  if (raw_query != nullptr && raw_query->is_string() && !raw_query->get_ref<const std::string&>().empty()) {
    parse_raw_query(raw_query->get_ref<const std::string&>(), request.query);
  } else if (Status s = read_single_values(member(event, "queryStringParameters"), "queryStringParameters", false,
                                           request.query);
             !s) {
    return fail(std::move(s).error());
  }
  if (const json* cookies = member(event, "cookies"); cookies != nullptr) {
    if (!cookies->is_array()) return fail(malformed("cookies"));
    for (const auto& cookie : *cookies) {
      if (!cookie.is_string()) return fail(malformed("cookies"));
      request.cookies.push_back(cookie.get<std::string>());
    }
  }
  request.request_id = string_at(event, {"requestContext", "requestId"});
  request.source_ip = string_at(event, {"requestContext", "http", "sourceIp"});
  read_claims(path_member(event, {"requestContext", "authorizer", "jwt", "claims"}), request.claims);
  if (Status s = decode_body(event, request.headers, limits, request.body); !s) return fail(std::move(s).error());
  return request;
}

const std::string* first_of(const MultiMap& map, std::string_view key) {
  const auto it = map.find(std::string(key));
  return (it == map.end() || it->second.empty()) ? nullptr : &it->second.front();
}

}  // namespace

EventKind classify_event(const nlohmann::json& event) noexcept {
  if (!event.is_object()) return EventKind::kUnsupported;
  const json* context = member(event, "requestContext");
  if (context != nullptr && context->is_object()) {
    const json* version = member(event, "version");
    if (version != nullptr && version->is_string() && version->get_ref<const std::string&>() == "2.0" &&
        path_member(*context, {"http"}) != nullptr) {
      return EventKind::kApiGatewayV2;
    }
    const json* method = member(event, "httpMethod");
    if (method != nullptr && method->is_string() && member(*context, "elb") == nullptr) {
      return EventKind::kApiGatewayV1;
    }
    return EventKind::kUnsupported;
  }
  const json* action = member(event, "action");
  if (action != nullptr && action->is_string()) return EventKind::kDirectAction;
  return EventKind::kUnsupported;
}

Result<ApiRequest> parse_api_request(const nlohmann::json& event, EventKind kind, const RequestLimits& limits) {
  Result<ApiRequest> parsed = kind == EventKind::kApiGatewayV2 ? parse_v2(event, limits) : parse_v1(event, limits);
  if (!parsed) return parsed;
  if (parsed->method.empty()) return fail(malformed("HTTP method"));
  if (parsed->path.empty() || parsed->path.front() != '/') return fail(malformed("path"));
  return parsed;
}

std::string extract_request_id(const nlohmann::json& event) noexcept {
  try {
    return string_at(event, {"requestContext", "requestId"});
  } catch (...) {
    return {};
  }
}

const std::string* ApiRequest::header(std::string_view lower_name) const {
  return first_of(headers, lower_name);
}
const std::string* ApiRequest::query_param(std::string_view name) const {
  return first_of(query, name);
}
const std::string* ApiRequest::claim(std::string_view name) const {
  const auto it = claims.find(std::string(name));
  return it == claims.end() ? nullptr : &it->second;
}

}  // namespace shoppulse::handlers
