#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

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

ApiRequest parse_ok(const nlohmann::json& event) {
  auto parsed = parse_api_request(event, classify_event(event));
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? std::move(parsed).value() : ApiRequest{};
}

TEST(Classify, RecognisesEachEventFamily) {
  EXPECT_EQ(classify_event(load_event("apigw-v1-rest-cognito-userpool-authorizer.json")), EventKind::kApiGatewayV1);
  EXPECT_EQ(classify_event(load_event("apigw-v2-http-jwt-authorizer-cognito.json")), EventKind::kApiGatewayV2);
  EXPECT_EQ(classify_event(load_event("alb-request-single-value.json")), EventKind::kUnsupported);
  EXPECT_EQ(classify_event(nlohmann::json::parse(R"({"action":"migrate"})")), EventKind::kDirectAction);
  EXPECT_EQ(classify_event(nlohmann::json::parse(R"({"action":7})")), EventKind::kUnsupported);
  EXPECT_EQ(classify_event(nlohmann::json::parse("[1,2]")), EventKind::kUnsupported);
  EXPECT_EQ(classify_event(nlohmann::json::parse("null")), EventKind::kUnsupported);
}

TEST(RestV1, RealCognitoSampleGivesClaimsAsStrings) {
  const ApiRequest request = parse_ok(load_event("apigw-v1-rest-cognito-userpool-authorizer.json"));
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
  const ApiRequest request = parse_ok(load_event("apigw-v1-rest-multivalue-headers-query.json"));
  ASSERT_EQ(request.headers.count("headername"), 1U);
  EXPECT_EQ(request.headers.at("headername"), (std::vector<std::string>{"headerValue", "headerValue2"}));
  EXPECT_EQ(request.query.at("name"), (std::vector<std::string>{"me", "me2"}));
}

TEST(RestV1, NullAuthorizerMeansNoClaims) {
  const ApiRequest request = parse_ok(load_event("apigw-v1-rest-multivalue-claims-null.json"));
  EXPECT_TRUE(request.claims.empty());
}

TEST(HttpV2, RealCognitoSampleGivesJwtClaims) {
  const ApiRequest request = parse_ok(load_event("apigw-v2-http-jwt-authorizer-cognito.json"));
  EXPECT_EQ(request.format, EventFormat::kHttpV2);
  ASSERT_NE(request.claim("sub"), nullptr);
  ASSERT_NE(request.claim("exp"), nullptr);
  EXPECT_TRUE(request.body.empty());  // the body key is absent
}

TEST(HttpV2, GenericSampleHasCookiesAndCommaJoinedQuery) {
  const ApiRequest request = parse_ok(load_event("apigw-v2-http-jwt-authorizer-generic.json"));
  EXPECT_FALSE(request.cookies.empty());
  EXPECT_FALSE(request.path_params.empty());
  EXPECT_FALSE(request.body.empty());
  ASSERT_TRUE(request.query.count("parameter1"));
  // rawQueryString keeps repeated keys apart; the map would have joined them.
  EXPECT_EQ(request.query.at("parameter1"), (std::vector<std::string>{"value1", "value2"}));
}

TEST(HttpV2, Base64BodyIsDecoded) {
  const ApiRequest request = parse_ok(load_event("v2-payload-function-url-base64-body.json"));
  EXPECT_EQ(request.body, "<idk/>");
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

TEST(HttpV2, StagePrefixIsStrippedFromRawPath) {
  EXPECT_EQ(parse_ok(v2_event("/prod/users", "prod")).path, "/users");
  EXPECT_EQ(parse_ok(v2_event("/prod", "prod")).path, "/");
  // Only a whole leading segment equal to the stage is a stage prefix.
  EXPECT_EQ(parse_ok(v2_event("/production/users", "prod")).path, "/production/users");
  EXPECT_EQ(parse_ok(v2_event("/users/prod", "prod")).path, "/users/prod");
  EXPECT_EQ(parse_ok(v2_event("/prod/users", "$default")).path, "/prod/users");
}

TEST(HttpV2, QueryHeadersClaimsAndMethodAreNormalised) {
  const ApiRequest request = parse_ok(v2_event("/users", "$default"));
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(*request.query_param("q"), "a b");
  EXPECT_EQ(request.query.at("tag"), (std::vector<std::string>{"x", "y"}));
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
  EXPECT_EQ(parse_ok(event).body, R"({"email":"a@b.c"})");
}

TEST(Body, OversizeAndMalformedBodiesAreClientErrors) {
  auto event = v2_event("/users", "$default");
  event["body"] = std::string(1024 * 1024 + 1, 'a');
  auto big = parse_api_request(event, EventKind::kApiGatewayV2);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().kind, ErrorKind::kPayloadTooLarge);

  event["body"] = "%%%not base64%%%";
  event["isBase64Encoded"] = true;
  auto bad = parse_api_request(event, EventKind::kApiGatewayV2);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalidInput);

  event["headers"]["content-encoding"] = "gzip";
  event["body"] = base64_encode("not gzip at all");
  auto not_gzip = parse_api_request(event, EventKind::kApiGatewayV2);
  ASSERT_FALSE(not_gzip.ok());
  EXPECT_EQ(not_gzip.error().kind, ErrorKind::kInvalidInput);
}

TEST(Body, WrongTypesAreRejectedNotCrashed) {
  for (const char* field : {"headers", "body", "isBase64Encoded", "cookies", "pathParameters"}) {
    auto event = v2_event("/users", "$default");
    event[field] = nlohmann::json::array({1, 2});
    auto parsed = parse_api_request(event, EventKind::kApiGatewayV2);
    ASSERT_FALSE(parsed.ok()) << field;
    EXPECT_EQ(parsed.error().kind, ErrorKind::kInvalidInput) << field;
  }
}

}  // namespace
}  // namespace shoppulse::handlers
