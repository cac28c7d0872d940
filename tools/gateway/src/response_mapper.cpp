#include "shoppulse/gateway/response_mapper.h"

#include <nlohmann/json.hpp>

#include "shoppulse/core/ascii.h"
#include "shoppulse/core/codec.h"

namespace shoppulse::gateway {
namespace {

using nlohmann::json;

Error malformed(std::string reason) {
  return Error::make(ErrorKind::kBadGateway, "malformed_lambda_proxy_response", std::move(reason));
}

// Header values as API Gateway accepts them: strings, numbers, booleans.
bool header_text(const json& value, std::string& out) {
  if (value.is_string()) {
    out = value.get<std::string>();
  } else if (value.is_number() || value.is_boolean()) {
    out = value.dump();
  } else {
    return false;
  }
  // CR/LF in a value would split the response; API Gateway refuses those too.
  return out.find_first_of("\r\n") == std::string::npos;
}

bool hop_by_hop(std::string_view name) {
  for (const char* skip : {"content-length", "transfer-encoding", "connection", "keep-alive"}) {
    if (ascii::iequals(name, skip)) return true;
  }
  return false;
}

Result<int> status_code(const json& response) {
  const auto it = response.find("statusCode");
  if (it == response.end()) return fail(malformed("statusCode is missing"));
  long long code = 0;
  if (it->is_number_integer()) {
    code = it->get<long long>();
  } else if (it->is_string() && !it->get_ref<const std::string&>().empty() &&
             it->get_ref<const std::string&>().find_first_not_of("0123456789") == std::string::npos &&
             it->get_ref<const std::string&>().size() <= 3) {
    code = std::stoll(it->get<std::string>());
  } else {
    return fail(malformed("statusCode is not an integer"));
  }
  if (code < 100 || code > 599) return fail(malformed("statusCode is out of range"));
  return static_cast<int>(code);
}

Status add_single_headers(const json& response, HttpResponse& out, const json* overridden_by) {
  const auto it = response.find("headers");
  if (it == response.end() || it->is_null()) return {};
  if (!it->is_object()) return fail(malformed("headers is not an object"));
  for (const auto& [name, value] : it->items()) {
    if (value.is_null()) continue;
    bool overridden = false;
    if (overridden_by != nullptr) {
      for (const auto& [multi_name, multi_value] : overridden_by->items()) {
        overridden = overridden || ascii::iequals(multi_name, name);
      }
    }
    std::string text;
    if (!header_text(value, text)) return fail(malformed("header " + name + " has an invalid value"));
    if (!overridden && !hop_by_hop(name)) out.add_header(name, std::move(text));
  }
  return {};
}

Status add_multi_headers(const json& multi, HttpResponse& out) {
  for (const auto& [name, values] : multi.items()) {
    if (values.is_null()) continue;
    if (!values.is_array()) return fail(malformed("multiValueHeaders." + name + " is not an array"));
    for (const auto& value : values) {
      std::string text;
      if (!header_text(value, text)) return fail(malformed("multiValueHeaders." + name + " has an invalid value"));
      if (!hop_by_hop(name)) out.add_header(name, std::move(text));
    }
  }
  return {};
}

Status decode_body(const json& response, HttpResponse& out) {
  const auto body = response.find("body");
  bool base64 = false;
  if (const auto flag = response.find("isBase64Encoded"); flag != response.end() && !flag->is_null()) {
    if (!flag->is_boolean()) return fail(malformed("isBase64Encoded is not a boolean"));
    base64 = flag->get<bool>();
  }
  if (body == response.end() || body->is_null()) return {};
  if (!body->is_string()) return fail(malformed("body is not a string"));
  if (!base64) {
    out.body = body->get<std::string>();
    return {};
  }
  auto decoded = base64_decode(body->get_ref<const std::string&>());
  if (!decoded) return fail(malformed("body is not valid base64"));
  out.body = std::move(decoded).value();
  return {};
}

Result<HttpResponse> map_rest(const json& response) {
  if (!response.is_object()) return fail(malformed("the response is not a JSON object"));
  for (const auto& [key, value] : response.items()) {
    if (key != "statusCode" && key != "headers" && key != "multiValueHeaders" && key != "body" &&
        key != "isBase64Encoded") {
      return fail(malformed("unexpected field " + key));
    }
  }
  HttpResponse out;
  auto status = status_code(response);
  if (!status) return fail(std::move(status).error());
  out.status = *status;
  const json* multi = nullptr;
  if (const auto it = response.find("multiValueHeaders"); it != response.end() && !it->is_null()) {
    if (!it->is_object()) return fail(malformed("multiValueHeaders is not an object"));
    multi = &*it;
  }
  if (Status s = add_single_headers(response, out, multi); !s) return fail(std::move(s).error());
  if (multi != nullptr) {
    if (Status s = add_multi_headers(*multi, out); !s) return fail(std::move(s).error());
  }
  if (Status s = decode_body(response, out); !s) return fail(std::move(s).error());
  return out;
}

Result<HttpResponse> map_http_api(std::string_view payload, const json& response) {
  if (!response.is_object() || !response.contains("statusCode")) {
    // HTTP API's inference: valid JSON without a statusCode is the body.
    HttpResponse out;
    out.status = 200;
    out.add_header("Content-Type", "application/json");
    out.body = std::string(payload);
    return out;
  }
  for (const auto& [key, value] : response.items()) {
    if (key != "statusCode" && key != "headers" && key != "cookies" && key != "body" && key != "isBase64Encoded") {
      return fail(malformed("unexpected field " + key));
    }
  }
  HttpResponse out;
  auto status = status_code(response);
  if (!status) return fail(std::move(status).error());
  out.status = *status;
  if (Status s = add_single_headers(response, out, nullptr); !s) return fail(std::move(s).error());
  if (const auto cookies = response.find("cookies"); cookies != response.end() && !cookies->is_null()) {
    if (!cookies->is_array()) return fail(malformed("cookies is not an array"));
    for (const auto& cookie : *cookies) {
      std::string text;
      if (!cookie.is_string() || !header_text(cookie, text)) return fail(malformed("cookies has an invalid value"));
      out.add_header("Set-Cookie", std::move(text));
    }
  }
  if (Status s = decode_body(response, out); !s) return fail(std::move(s).error());
  return out;
}

}  // namespace

Result<HttpResponse> map_function_response(PayloadFormat format, std::string_view payload) {
  const json response = json::parse(payload, nullptr, false);
  if (response.is_discarded()) return fail(malformed("the response is not JSON"));
  Result<HttpResponse> mapped = format == PayloadFormat::kRest ? map_rest(response) : map_http_api(payload, response);
  if (!mapped) return mapped;
  // API Gateway's default when the function names no media type.
  if (mapped->header("Content-Type") == nullptr) mapped->add_header("Content-Type", "application/json");
  return mapped;
}

HttpResponse gateway_error_response(GatewayError error, std::string_view request_id) {
  // code: infra/api.tf's gateway response for the type; message: what its
  // template puts there ($context.error.messageString, API Gateway's default
  // text, or its own fixed words); type: API Gateway's x-amzn-ErrorType,
  // which a gateway response template does not change.
  struct Answer {
    int status;
    std::string_view code;
    std::string_view message;
    std::string_view type;
  };
  static constexpr Answer kUnauthorized{401, "unauthorized", "Unauthorized", "UnauthorizedException"};
  // MISSING_AUTHENTICATION_TOKEN, 403 -> 404 in infra.
  static constexpr Answer kNoRoute{404, "not_found", "No route for this path", "MissingAuthenticationTokenException"};
  static constexpr Answer kDefault5xx{502, "internal_error", "Internal server error", "InternalServerErrorException"};
  static constexpr Answer kIntegrationTimeout{504, "timeout", "Endpoint request timed out",
                                              "InternalServerErrorException"};
  static constexpr Answer kRequestTooLarge{413, "payload_too_large", "Request Too Long", "RequestTooLongException"};
  static constexpr Answer kDefault4xx{400, "bad_request", "Bad Request", "BadRequestException"};
  const Answer* answer = &kDefault5xx;
  switch (error) {
    case GatewayError::kUnauthorized: answer = &kUnauthorized; break;
    case GatewayError::kMissingAuthenticationToken: answer = &kNoRoute; break;
    case GatewayError::kInternalServerError: answer = &kDefault5xx; break;
    case GatewayError::kTimeout: answer = &kIntegrationTimeout; break;
    case GatewayError::kRequestTooLarge: answer = &kRequestTooLarge; break;
    case GatewayError::kBadRequest: answer = &kDefault4xx; break;
  }
  HttpResponse out;
  out.status = answer->status;
  out.add_header("Content-Type", "application/json");
  out.add_header("x-amzn-ErrorType", std::string(answer->type));
  out.body = json{{"error", {{"code", answer->code}, {"message", answer->message}, {"requestId", request_id}}}}.dump();
  return out;
}

}  // namespace shoppulse::gateway
