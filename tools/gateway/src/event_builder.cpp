#include "shoppulse/gateway/event_builder.h"

#include <algorithm>
#include <vector>

#include "shoppulse/core/ascii.h"
#include "shoppulse/core/codec.h"
#include "shoppulse/gateway/claims.h"

namespace shoppulse::gateway {
namespace {

using nlohmann::json;

// The same definition of valid UTF-8 the event's serialiser applies, so a
// body that passes here can never make dump() throw later.
bool valid_utf8(std::string_view text) {
  try {
    (void)json(std::string(text)).dump();
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

// Header groups by case-insensitive name, first spelling wins, values in order.
struct HeaderGroup {
  std::string name;
  std::vector<std::string> values;
};

std::vector<HeaderGroup> group_headers(const HttpRequest& request) {
  std::vector<HeaderGroup> groups;
  const auto add = [&groups](const std::string& name, const std::string& value) {
    for (auto& group : groups) {
      if (ascii::iequals(group.name, name)) {
        group.values.push_back(value);
        return;
      }
    }
    groups.push_back({name, {value}});
  };
  for (const auto& [name, value] : request.headers) add(name, value);
  // What API Gateway adds in front of the function.
  if (request.header("X-Forwarded-For") == nullptr) add("X-Forwarded-For", request.source_ip);
  if (request.header("X-Forwarded-Proto") == nullptr) add("X-Forwarded-Proto", "http");
  if (request.header("X-Forwarded-Port") == nullptr) add("X-Forwarded-Port", std::to_string(request.server_port));
  return groups;
}

// Repeated keys keep every value, in order (multiValueQueryStringParameters).
std::vector<std::pair<std::string, std::vector<std::string>>> parse_query(std::string_view raw) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  ascii::for_each_query_pair(raw, [&out](std::string_view raw_key, std::string_view raw_value) {
    std::string key = ascii::percent_decode(raw_key, true);
    std::string value = ascii::percent_decode(raw_value, true);
    auto it = std::find_if(out.begin(), out.end(), [&key](const auto& entry) { return entry.first == key; });
    if (it == out.end()) {
      out.emplace_back(std::move(key), std::vector<std::string>{std::move(value)});
    } else {
      it->second.push_back(std::move(value));
    }
  });
  return out;
}

std::string joined(const std::vector<std::string>& values, const char* separator) {
  std::string out;
  for (const auto& value : values) {
    if (!out.empty()) out += separator;
    out += value;
  }
  return out;
}

void set_body(json& event, const HttpRequest& request, bool null_when_empty) {
  if (request.body.empty()) {
    if (null_when_empty) event["body"] = nullptr;
    event["isBase64Encoded"] = false;
    return;
  }
  if (send_body_as_text(request.body, request.header("Content-Type"))) {
    event["body"] = request.body;
    event["isBase64Encoded"] = false;
  } else {
    event["body"] = base64_encode(request.body);
    event["isBase64Encoded"] = true;
  }
}

// The route template's variables, decoded; null when it has none (as API Gateway sends it).
json path_parameters_json(const ApiRoute& route) {
  if (route.path_parameters.empty()) return nullptr;
  json out = json::object();
  for (const auto& [name, value] : route.path_parameters) out[name] = value;
  return out;
}

std::string header_or(const HttpRequest& request, std::string_view name, const std::string& fallback) {
  const std::string* value = request.header(name);
  return value != nullptr ? *value : fallback;
}

json rest_event(const EventInput& input, const EventSettings& settings) {
  const HttpRequest& request = *input.request;
  const std::string path = ascii::percent_decode(request.raw_path(), false);
  json headers = json::object();
  json multi_headers = json::object();
  for (const auto& group : group_headers(request)) {
    headers[group.name] = group.values.back();
    multi_headers[group.name] = group.values;
  }
  json query = nullptr;
  json multi_query = nullptr;
  for (const auto& [key, values] : parse_query(request.raw_query())) {
    if (query.is_null()) {
      query = json::object();
      multi_query = json::object();
    }
    query[key] = values.back();
    multi_query[key] = values;
  }
  json path_params = path_parameters_json(input.route);

  const std::int64_t epoch_s = input.epoch_ms / 1000;
  json identity = {{"cognitoIdentityPoolId", nullptr},
                   {"accountId", nullptr},
                   {"cognitoIdentityId", nullptr},
                   {"caller", nullptr},
                   {"sourceIp", request.source_ip},
                   {"principalOrgId", nullptr},
                   {"accessKey", nullptr},
                   {"cognitoAuthenticationType", nullptr},
                   {"cognitoAuthenticationProvider", nullptr},
                   {"userArn", nullptr},
                   {"userAgent", header_or(request, "User-Agent", "")},
                   {"user", nullptr}};
  json context = {{"resourceId", "local0"},
                  {"resourcePath", input.route.resource},
                  {"httpMethod", request.method},
                  {"extendedRequestId", input.request_id.substr(0, 8) + "LocalGw="},
                  {"requestTime", clf_time_utc(epoch_s)},
                  {"path", "/" + settings.stage + path},
                  {"accountId", settings.account_id},
                  {"protocol", "HTTP/1.1"},
                  {"stage", settings.stage},
                  {"domainPrefix", settings.api_id},
                  {"requestTimeEpoch", input.epoch_ms},
                  {"requestId", input.request_id},
                  {"identity", std::move(identity)},
                  {"domainName", request.host},
                  {"deploymentId", "localdeploy"},
                  {"apiId", settings.api_id}};
  if (input.claims) context["authorizer"] = {{"claims", rest_authorizer_claims(*input.claims)}};

  json event = {{"resource", input.route.resource},
                {"path", path},
                {"httpMethod", request.method},
                {"headers", std::move(headers)},
                {"multiValueHeaders", std::move(multi_headers)},
                {"queryStringParameters", std::move(query)},
                {"multiValueQueryStringParameters", std::move(multi_query)},
                {"pathParameters", std::move(path_params)},
                {"stageVariables", nullptr},
                {"requestContext", std::move(context)}};
  set_body(event, request, /*null_when_empty=*/true);
  return event;
}

json http_api_event(const EventInput& input, const EventSettings& settings) {
  const HttpRequest& request = *input.request;
  json headers = json::object();
  json cookies = json::array();
  for (const auto& group : group_headers(request)) {
    const std::string name = ascii::lower(group.name);
    if (name == "cookie") {
      // HTTP API moves cookies out of the headers into their own array.
      for (const auto& line : group.values) {
        std::string_view rest(line);
        while (!rest.empty()) {
          const auto semi = rest.find(';');
          std::string_view part = rest.substr(0, semi);
          while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
          if (!part.empty()) cookies.push_back(std::string(part));
          rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
        }
      }
      continue;
    }
    headers[name] = joined(group.values, ",");
  }
  const std::string raw_path = request.raw_path();
  const std::int64_t epoch_s = input.epoch_ms / 1000;
  json http = {{"method", request.method},
               {"path", ascii::percent_decode(raw_path, false)},
               {"protocol", "HTTP/1.1"},
               {"sourceIp", request.source_ip},
               {"userAgent", header_or(request, "User-Agent", "")}};
  json context = {{"accountId", settings.account_id},  {"apiId", settings.api_id}, {"domainName", request.host},
                  {"domainPrefix", settings.api_id},   {"http", std::move(http)},  {"requestId", input.request_id},
                  {"routeKey", input.route.route_key}, {"stage", "$default"},      {"time", clf_time_utc(epoch_s)},
                  {"timeEpoch", input.epoch_ms}};
  if (input.claims) {
    context["authorizer"] = {{"jwt", {{"claims", http_api_authorizer_claims(*input.claims)}, {"scopes", nullptr}}}};
  }
  json event = {{"version", "2.0"},
                {"routeKey", input.route.route_key},
                {"rawPath", raw_path},
                {"rawQueryString", request.raw_query()},
                {"headers", std::move(headers)},
                {"requestContext", std::move(context)}};
  if (!cookies.empty()) event["cookies"] = std::move(cookies);
  const auto query = parse_query(request.raw_query());
  if (!query.empty()) {
    json params = json::object();
    for (const auto& [key, values] : query) params[key] = joined(values, ",");
    event["queryStringParameters"] = std::move(params);
  }
  // HTTP API leaves the member out (REST sends null) when the route has no variables.
  if (!input.route.path_parameters.empty()) event["pathParameters"] = path_parameters_json(input.route);
  set_body(event, request, /*null_when_empty=*/false);
  return event;
}

}  // namespace

std::string_view payload_format_name(PayloadFormat format) noexcept {
  return format == PayloadFormat::kRest ? "rest-1.0" : "http-2.0";
}

bool send_body_as_text(std::string_view body, const std::string* content_type) {
  if (content_type != nullptr) {
    const std::string type = ascii::lower(*content_type);
    for (const char* binary : {"application/octet-stream", "application/gzip", "application/zip", "image/", "audio/",
                               "video/", "application/pdf"}) {
      if (type.rfind(binary, 0) == 0) return false;
    }
  }
  return valid_utf8(body);
}

json build_event(PayloadFormat format, const EventInput& input, const EventSettings& settings) {
  return format == PayloadFormat::kRest ? rest_event(input, settings) : http_api_event(input, settings);
}

}  // namespace shoppulse::gateway
