#include "shoppulse/handlers/api_request.h"

#include "shoppulse/core/codec.h"
#include "shoppulse/core/ascii.h"

namespace shoppulse::handlers {
namespace {

using json::Value;

Error malformed(std::string_view what) {
  return Error::make(ErrorKind::kInvalidInput, "malformed_event",
                     "API Gateway event has an invalid " + std::string(what));
}

// A member that is present and not null (API Gateway sends null for "none").
Value present(Value object, std::string_view key) {
  Value value = object[key];
  return value.is_absent() ? Value() : value;
}

std::string_view string_at(Value object, std::initializer_list<std::string_view> keys) {
  return object.at(keys).string();
}

const Field* find_field(const Fields& fields, std::string_view name) {
  for (const Field& field : fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

// Claim values are strings in both formats; numbers/booleans from other
// authorizers are kept as their JSON text so nothing is silently lost.
void read_claims(Value claims, Fields& out) {
  for (const auto& [key, value] : claims.members()) {
    if (value.is_string() || value.is_number() || value.is_bool()) out.push_back({key, value.text()});
  }
}

Status read_string_map(Value source, std::string_view what, Fields& out) {
  if (!source.exists()) return {};
  if (!source.is_object()) return fail(malformed(what));
  for (const auto& [key, value] : source.members()) {
    if (!value.is_string()) return fail(malformed(what));
    out.push_back({key, value.string()});
  }
  return {};
}

// Adds single values (v1 `headers`, v2 comma-joined) unless the multi-value
// map already supplied that name.
Status read_single_values(Value source, std::string_view what, bool any_case, Fields& out) {
  if (!source.exists()) return {};
  if (!source.is_object()) return fail(malformed(what));
  const std::size_t from_multi = out.size();
  for (const auto& [key, value] : source.members()) {
    if (!value.is_string()) return fail(malformed(what));
    bool seen = false;
    for (std::size_t i = 0; i < from_multi && !seen; ++i) {
      seen = any_case ? ascii::iequals(out[i].name, key) : out[i].name == key;
    }
    if (!seen) out.push_back({key, value.string()});
  }
  return {};
}

Status read_multi_values(Value source, std::string_view what, Fields& out) {
  if (!source.exists()) return {};
  if (!source.is_object()) return fail(malformed(what));
  for (const auto& [key, values] : source.members()) {
    if (values.is_null()) continue;
    if (!values.is_array()) return fail(malformed(what));
    for (const Value value : values.elements()) {
      if (!value.is_string()) return fail(malformed(what));
      out.push_back({key, value.string()});
    }
  }
  return {};
}

// rawQueryString is authoritative for v2 multi-value queries: the
// queryStringParameters map joins repeated keys with commas.
void parse_raw_query(std::string_view raw, ApiRequest& request) {
  const auto decoded = [&request](std::string_view text) -> std::string_view {
    if (text.find_first_of("%+") == std::string_view::npos) return text;
    std::pmr::string out(request.memory());
    ascii::append_percent_decoded(out, text, true);
    return request.keep(out);
  };
  ascii::for_each_query_pair(raw, [&](std::string_view key, std::string_view value) {
    request.query.push_back({decoded(key), decoded(value)});
  });
}

std::string_view strip_stage(std::string_view path, std::string_view stage) {
  if (stage.empty() || stage == "$default") return path;
  if (path.size() == stage.size() + 1 && path.front() == '/' && path.substr(1) == stage) return "/";
  if (path.size() > stage.size() + 1 && path.front() == '/' && path.substr(1, stage.size()) == stage &&
      path[stage.size() + 1] == '/') {
    return path.substr(stage.size() + 1);
  }
  return path;
}

Status decode_body(Value event, ApiRequest& request, const RequestLimits& limits) {
  const Value encoded = present(event, "isBase64Encoded");
  if (encoded.exists() && !encoded.is_bool()) return fail(malformed("isBase64Encoded"));
  const Value body = present(event, "body");
  if (!body.exists()) return {};
  if (!body.is_string()) return fail(malformed("body"));
  std::string_view text = body.string();
  if (encoded.is_true()) {
    if (text.size() / 4 * 3 > limits.max_body_bytes + 3) {
      return fail(Error::make(ErrorKind::kPayloadTooLarge, "payload_too_large", "request body is too large"));
    }
    auto decoded = base64_decode(text);
    if (!decoded) return fail(std::move(decoded).error());
    text = request.keep(*decoded);
  }
  if (const std::string_view* encoding = request.header("content-encoding");
      encoding != nullptr && ascii::iequals(*encoding, "gzip")) {
    auto inflated = gzip_decompress(text, limits.max_body_bytes);
    if (!inflated) return fail(std::move(inflated).error());
    text = request.keep(*inflated);
  }
  if (text.size() > limits.max_body_bytes) {
    return fail(Error::make(ErrorKind::kPayloadTooLarge, "payload_too_large", "request body is larger than 1 MiB"));
  }
  request.body = text;
  return {};
}

std::string_view upper_case(std::string_view method, ApiRequest& request) {
  if (!ascii::has_lower(method)) return method;
  std::pmr::string upper(method, request.memory());
  ascii::to_upper(upper);
  return request.keep(upper);
}

Status parse_v1(Value event, const RequestLimits& limits, ApiRequest& request) {
  request.format = EventFormat::kRestV1;
  request.method = upper_case(event["httpMethod"].string(), request);
  request.stage = string_at(event, {"requestContext", "stage"});
  // `path` excludes the stage on execute-api hosts; custom domains may still
  // carry a base path, which routing then reports as 404.
  request.path = event["path"].string();
  request.route_template = event["resource"].string();
  if (Status s = read_string_map(present(event, "pathParameters"), "pathParameters", request.path_params); !s) {
    return s;
  }
  if (Status s = read_multi_values(present(event, "multiValueHeaders"), "multiValueHeaders", request.headers); !s) {
    return s;
  }
  if (Status s = read_single_values(present(event, "headers"), "headers", true, request.headers); !s) return s;
  if (Status s = read_multi_values(present(event, "multiValueQueryStringParameters"), "multiValueQueryStringParameters",
                                   request.query);
      !s) {
    return s;
  }
  if (Status s =
          read_single_values(present(event, "queryStringParameters"), "queryStringParameters", false, request.query);
      !s) {
    return s;
  }
  for (const Field& header : request.headers) {
    if (!ascii::iequals(header.name, "cookie")) continue;
    std::string_view rest = header.value;
    while (!rest.empty()) {
      const auto semi = rest.find(';');
      std::string_view part = rest.substr(0, semi);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      if (!part.empty()) request.cookies.push_back(part);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    }
  }
  request.request_id = string_at(event, {"requestContext", "requestId"});
  request.source_ip = string_at(event, {"requestContext", "identity", "sourceIp"});
  read_claims(event.at({"requestContext", "authorizer", "claims"}), request.claims);
  return decode_body(event, request, limits);
}

Status parse_v2(Value event, const RequestLimits& limits, ApiRequest& request) {
  request.format = EventFormat::kHttpV2;
  request.method = upper_case(string_at(event, {"requestContext", "http", "method"}), request);
  request.stage = string_at(event, {"requestContext", "stage"});
  std::string_view raw_path = event["rawPath"].string();
  if (raw_path.empty()) raw_path = string_at(event, {"requestContext", "http", "path"});
  request.path = strip_stage(raw_path, request.stage);
  const std::string_view route_key = event["routeKey"].string();
  if (const auto space = route_key.find(' '); space != std::string_view::npos) {
    request.route_template = route_key.substr(space + 1);
  }
  if (Status s = read_string_map(present(event, "pathParameters"), "pathParameters", request.path_params); !s) {
    return s;
  }
  if (Status s = read_single_values(present(event, "headers"), "headers", true, request.headers); !s) return s;
  const Value raw_query = present(event, "rawQueryString");
  if (raw_query.is_string() && !raw_query.string().empty()) {
    parse_raw_query(raw_query.string(), request);
  } else if (Status s = read_single_values(present(event, "queryStringParameters"), "queryStringParameters", false,
                                           request.query);
             !s) {
    return s;
  }
  if (const Value cookies = present(event, "cookies"); cookies.exists()) {
    if (!cookies.is_array()) return fail(malformed("cookies"));
    for (const Value cookie : cookies.elements()) {
      if (!cookie.is_string()) return fail(malformed("cookies"));
      request.cookies.push_back(cookie.string());
    }
  }
  request.request_id = string_at(event, {"requestContext", "requestId"});
  request.source_ip = string_at(event, {"requestContext", "http", "sourceIp"});
  read_claims(event.at({"requestContext", "authorizer", "jwt", "claims"}), request.claims);
  return decode_body(event, request, limits);
}

}  // namespace

ApiRequest::ApiRequest(std::pmr::memory_resource* memory)
    : path_params(memory), query(memory), headers(memory), cookies(memory), claims(memory), storage_(memory) {}

std::string_view ApiRequest::keep(std::string_view text) {
  return storage_.emplace_back(text);
}

EventKind classify_event(json::Value event) noexcept {
  if (!event.is_object()) return EventKind::kUnsupported;
  const Value context = present(event, "requestContext");
  if (context.is_object()) {
    const Value version = present(event, "version");
    if (version.is_string() && version.string() == "2.0" && present(context, "http").exists()) {
      return EventKind::kApiGatewayV2;
    }
    const Value method = present(event, "httpMethod");
    if (method.is_string() && !present(context, "elb").exists()) return EventKind::kApiGatewayV1;
    return EventKind::kUnsupported;
  }
  if (present(event, "action").is_string()) return EventKind::kDirectAction;
  return EventKind::kUnsupported;
}

Result<ApiRequest> parse_api_request(json::Value event, EventKind kind, const RequestLimits& limits,
                                     std::pmr::memory_resource* memory) {
  ApiRequest request(memory);
  // A typical event: ~20 headers, a few query parameters and claims.
  request.headers.reserve(32);
  request.query.reserve(8);
  request.claims.reserve(16);
  Status parsed =
      kind == EventKind::kApiGatewayV2 ? parse_v2(event, limits, request) : parse_v1(event, limits, request);
  if (!parsed) return fail(std::move(parsed).error());
  if (request.method.empty()) return fail(malformed("HTTP method"));
  if (request.path.empty() || request.path.front() != '/') return fail(malformed("path"));
  return request;
}

Result<ApiRequest> parse_api_request(json::Value event, EventKind kind, const RequestLimits& limits) {
  return parse_api_request(event, kind, limits, std::pmr::get_default_resource());
}

std::string_view extract_request_id(json::Value event) noexcept {
  return string_at(event, {"requestContext", "requestId"});
}

const std::string_view* ApiRequest::header(std::string_view name) const noexcept {
  for (const Field& field : headers) {
    if (ascii::iequals(field.name, name)) return &field.value;
  }
  return nullptr;
}

std::size_t ApiRequest::header_count(std::string_view name) const noexcept {
  std::size_t count = 0;
  for (const Field& field : headers) count += ascii::iequals(field.name, name) ? 1U : 0U;
  return count;
}

const std::string_view* ApiRequest::query_param(std::string_view name) const noexcept {
  const Field* field = find_field(query, name);
  return field == nullptr ? nullptr : &field->value;
}

std::size_t ApiRequest::query_count(std::string_view name) const noexcept {
  std::size_t count = 0;
  for (const Field& field : query) count += field.name == name ? 1U : 0U;
  return count;
}

const std::string_view* ApiRequest::claim(std::string_view name) const noexcept {
  // Last wins, as a JSON object with a repeated key reads.
  const std::string_view* found = nullptr;
  for (const Field& field : claims) {
    if (field.name == name) found = &field.value;
  }
  return found;
}

const std::string_view* ApiRequest::path_param(std::string_view name) const noexcept {
  const Field* field = find_field(path_params, name);
  return field == nullptr ? nullptr : &field->value;
}

}  // namespace shoppulse::handlers
