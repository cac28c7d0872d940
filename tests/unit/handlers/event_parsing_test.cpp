#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "shoppulse/core/codec.h"
#include "shoppulse/handlers/api_request.h"

namespace shoppulse::handlers {
namespace {

nlohmann::json load_event(const std::string& name) {
  std::ifstream in(std::string(SHOPPULSE_TEST_DATA_DIR) + "/events/" + name);
  EXPECT_TRUE(in.good()) << "missing sample event " << name;
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

// An event's text, its parse and the request read from it: a request's
// views point into the other two, so the three live together.
struct ParsedEvent {
  std::string text;
  json::Document document;
  std::optional<Result<ApiRequest>> request;
};

std::unique_ptr<ParsedEvent> parse(const nlohmann::json& event) {
  auto parsed = std::make_unique<ParsedEvent>();
  parsed->text = event.dump();
  EXPECT_TRUE(parsed->document.parse(parsed->text));
  parsed->request.emplace(parse_api_request(parsed->document.root(), classify_event(parsed->document.root())));
  return parsed;
}

const ApiRequest& request_of(const std::unique_ptr<ParsedEvent>& parsed) {
  EXPECT_TRUE(parsed->request->ok()) << (parsed->request->ok() ? "" : parsed->request->error().message);
  if (!parsed->request->ok()) throw std::runtime_error("event did not parse");
  return **parsed->request;
}

EventKind kind_of(const std::string& text) {
  json::Document document;
  EXPECT_TRUE(document.parse(text)) << text;
  return classify_event(document.root());
}

// Every value of a field, in order (header names compared in any case).
std::vector<std::string> values(const Fields& fields, std::string_view name, bool any_case = false) {
  std::vector<std::string> out;
  for (const Field& field : fields) {
    const bool same = any_case ? (field.name.size() == name.size() &&
                                  std::equal(name.begin(), name.end(), field.name.begin(),
                                             [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
                               : field.name == name;
    if (same) out.emplace_back(field.value);
  }
  return out;
}

TEST(Classify, RecognisesEachEventFamily) {
  EXPECT_EQ(kind_of(load_event("apigw-v1-rest-cognito-userpool-authorizer.json").dump()), EventKind::kApiGatewayV1);
  EXPECT_EQ(kind_of(load_event("apigw-v2-http-jwt-authorizer-cognito.json").dump()), EventKind::kApiGatewayV2);
  EXPECT_EQ(kind_of(load_event("alb-request-single-value.json").dump()), EventKind::kUnsupported);
  EXPECT_EQ(kind_of(R"({"action":"migrate"})"), EventKind::kDirectAction);
  EXPECT_EQ(kind_of(R"({"action":7})"), EventKind::kUnsupported);
  EXPECT_EQ(kind_of("[1,2]"), EventKind::kUnsupported);
  EXPECT_EQ(kind_of("null"), EventKind::kUnsupported);
}

TEST(RestV1, RealCognitoSampleGivesClaimsAsStrings) {
  const auto parsed = parse(load_event("apigw-v1-rest-cognito-userpool-authorizer.json"));
  const ApiRequest& request = request_of(parsed);
  EXPECT_EQ(request.format, EventFormat::kRestV1);
  EXPECT_FALSE(request.method.empty());
  EXPECT_EQ(request.path.front(), '/');
  EXPECT_FALSE(request.request_id.empty());
  ASSERT_NE(request.claim("sub"), nullptr);
  EXPECT_FALSE(request.claim("sub")->empty());
  EXPECT_EQ(request.claim("custom:tenant_id"), nullptr);  // the real capture has none
  EXPECT_TRUE(request.body.empty());                      // body: null
}

TEST(RestV1, MultiValueHeadersAndQueryWinOverSingleMaps) {
  const auto parsed = parse(load_event("apigw-v1-rest-multivalue-headers-query.json"));
  const ApiRequest& request = request_of(parsed);
  EXPECT_EQ(values(request.headers, "headername", true), (std::vector<std::string>{"headerValue", "headerValue2"}));
  EXPECT_EQ(*request.header("HEADERNAME"), "headerValue");
  EXPECT_EQ(values(request.query, "name"), (std::vector<std::string>{"me", "me2"}));
}

TEST(RestV1, NullAuthorizerMeansNoClaims) {
  const auto parsed = parse(load_event("apigw-v1-rest-multivalue-claims-null.json"));
  const ApiRequest& request = request_of(parsed);
  EXPECT_TRUE(request.claims.empty());
}

TEST(HttpV2, RealCognitoSampleGivesJwtClaims) {
  const auto parsed = parse(load_event("apigw-v2-http-jwt-authorizer-cognito.json"));
  const ApiRequest& request = request_of(parsed);
  EXPECT_EQ(request.format, EventFormat::kHttpV2);
  ASSERT_NE(request.claim("sub"), nullptr);
  ASSERT_NE(request.claim("exp"), nullptr);
  EXPECT_TRUE(request.body.empty());  // the body key is absent
}

TEST(HttpV2, GenericSampleHasCookiesAndCommaJoinedQuery) {
  const auto parsed = parse(load_event("apigw-v2-http-jwt-authorizer-generic.json"));
  const ApiRequest& request = request_of(parsed);
  EXPECT_FALSE(request.cookies.empty());
  EXPECT_FALSE(request.path_params.empty());
  EXPECT_FALSE(request.body.empty());
  // rawQueryString keeps repeated keys apart; the map would have joined them.
  EXPECT_EQ(values(request.query, "parameter1"), (std::vector<std::string>{"value1", "value2"}));
  EXPECT_EQ(request.query_count("parameter1"), 2U);
}

TEST(HttpV2, Base64BodyIsDecoded) {
  const auto parsed = parse(load_event("v2-payload-function-url-base64-body.json"));
  EXPECT_EQ(request_of(parsed).body, "<idk/>");
}

nlohmann::json v2_event(const std::string& raw_path, const std::string& stage) {
  return {{"version", "2.0"},
          {"routeKey", "$default"},
          {"rawPath", raw_path},
          {"rawQueryString", "limit=5&q=a%20b&tag=x&tag=y"},
          {"headers", {{"Content-Type", "application/json"}, {"X-Forwarded-For", "9.9.9.9"}}},
          {"requestContext",
           {{"http", {{"method", "get"}, {"path", raw_path}, {"sourceIp", "9.9.9.9"}}},
            {"requestId", "api-req-1"},
            {"stage", stage},
            {"authorizer", {{"jwt", {{"claims", {{"sub", "abc"}, {"custom:tenant_id", "t-1"}}}}}}}}},
          {"isBase64Encoded", false}};
}

std::string path_of(const nlohmann::json& event) {
  return std::string(request_of(parse(event)).path);
}

TEST(HttpV2, StagePrefixIsStrippedFromRawPath) {
  EXPECT_EQ(path_of(v2_event("/prod/users", "prod")), "/users");
  EXPECT_EQ(path_of(v2_event("/prod", "prod")), "/");
  // Only a whole leading segment equal to the stage is a stage prefix.
  EXPECT_EQ(path_of(v2_event("/production/users", "prod")), "/production/users");
  EXPECT_EQ(path_of(v2_event("/users/prod", "prod")), "/users/prod");
  EXPECT_EQ(path_of(v2_event("/prod/users", "$default")), "/prod/users");
}

TEST(HttpV2, QueryHeadersClaimsAndMethodAreNormalised) {
  const auto parsed = parse(v2_event("/users", "$default"));
  const ApiRequest& request = request_of(parsed);
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(*request.query_param("q"), "a b");
  EXPECT_EQ(values(request.query, "tag"), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(*request.header("content-type"), "application/json");
  EXPECT_EQ(*request.claim("custom:tenant_id"), "t-1");
  EXPECT_EQ(request.source_ip, "9.9.9.9");
  EXPECT_EQ(request.request_id, "api-req-1");
}

TEST(Body, GzipContentEncodingIsInflated) {
  auto event = v2_event("/users", "$default");
  event["headers"]["Content-Encoding"] = "gzip";
  event["body"] = base64_encode(gzip_compress(R"({"email":"a@b.c"})"));
  event["isBase64Encoded"] = true;
  EXPECT_EQ(request_of(parse(event)).body, R"({"email":"a@b.c"})");
}

TEST(Body, OversizeAndMalformedBodiesAreClientErrors) {
  auto event = v2_event("/users", "$default");
  event["body"] = std::string(1024 * 1024 + 1, 'a');
  const auto big = parse(event);
  ASSERT_FALSE(big->request->ok());
  EXPECT_EQ(big->request->error().kind, ErrorKind::kPayloadTooLarge);

  event["body"] = "%%%not base64%%%";
  event["isBase64Encoded"] = true;
  const auto bad = parse(event);
  ASSERT_FALSE(bad->request->ok());
  EXPECT_EQ(bad->request->error().kind, ErrorKind::kInvalidInput);

  event["headers"]["content-encoding"] = "gzip";
  event["body"] = base64_encode("not gzip at all");
  const auto not_gzip = parse(event);
  ASSERT_FALSE(not_gzip->request->ok());
  EXPECT_EQ(not_gzip->request->error().kind, ErrorKind::kInvalidInput);
}

TEST(Body, WrongTypesAreRejectedNotCrashed) {
  for (const char* field : {"headers", "body", "isBase64Encoded", "cookies", "pathParameters"}) {
    auto event = v2_event("/users", "$default");
    event[field] = nlohmann::json::array({1, 2});
    const auto parsed = parse(event);
    ASSERT_FALSE(parsed->request->ok()) << field;
    EXPECT_EQ(parsed->request->error().kind, ErrorKind::kInvalidInput) << field;
  }
}

}  // namespace
}  // namespace shoppulse::handlers
