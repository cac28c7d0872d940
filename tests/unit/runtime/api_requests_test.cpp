#include "shoppulse/runtime/api_requests.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace shoppulse::runtime {
namespace {

HttpResponse next_response(HeaderMap headers, std::string body = "{}") {
  return HttpResponse{200, std::move(headers), std::move(body)};
}

TEST(NextResponse, ReadsEveryInvocationHeader) {
  auto parsed = parse_next_response(next_response(
      {
          {"lambda-runtime-aws-request-id", "8476a536-e9f4-11e8-9739-2dfe598c3fcd"},
          {"lambda-runtime-deadline-ms", "1542409706888"},
          {"lambda-runtime-invoked-function-arn", "arn:aws:lambda:us-east-2:123456789012:function:custom-runtime"},
          {"lambda-runtime-trace-id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"},
          {"lambda-runtime-client-context", R"({"client":{}})"},
          {"lambda-runtime-cognito-identity", R"({"cognitoIdentityId":"x"})"},
      },
      R"({"hello":"world"})"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->request_id, "8476a536-e9f4-11e8-9739-2dfe598c3fcd");
  EXPECT_EQ(parsed->deadline_epoch_ms, 1542409706888);
  EXPECT_EQ(parsed->function_arn, "arn:aws:lambda:us-east-2:123456789012:function:custom-runtime");
  EXPECT_EQ(parsed->trace_id, "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1");
  EXPECT_EQ(parsed->client_context, R"({"client":{}})");
  EXPECT_EQ(parsed->cognito_identity, R"({"cognitoIdentityId":"x"})");
  EXPECT_EQ(parsed->payload, R"({"hello":"world"})");
}

TEST(NextResponse, OptionalHeadersMayBeAbsent) {
  auto parsed = parse_next_response(next_response({{"lambda-runtime-aws-request-id", "abc-123"}}));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->deadline_epoch_ms, 0);
  EXPECT_TRUE(parsed->trace_id.empty());
  EXPECT_EQ(parsed->remaining_time(), kNoDeadline);
}

TEST(NextResponse, UnparseableDeadlineIsTreatedAsAbsent) {
  auto parsed = parse_next_response(
      next_response({{"lambda-runtime-aws-request-id", "abc"}, {"lambda-runtime-deadline-ms", "12x"}}));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->deadline_epoch_ms, 0);
}

TEST(NextResponse, MissingOrUnsafeRequestIdIsAnError) {
  EXPECT_FALSE(parse_next_response(next_response({})).ok());
  EXPECT_FALSE(parse_next_response(next_response({{"lambda-runtime-aws-request-id", "../../init/error"}})).ok());
  EXPECT_FALSE(parse_next_response(next_response({{"lambda-runtime-aws-request-id", "a b"}})).ok());
}

TEST(NextResponse, NonOkStatusIsAnError) {
  HttpResponse response{500, {{"lambda-runtime-aws-request-id", "abc"}}, ""};
  auto parsed = parse_next_response(std::move(response));
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("500"), std::string::npos);
}

TEST(RequestTypes, NextIsAGetOnTheVersionedPath) {
  const HttpRequest request = NextRequest{}.to_http();
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.path, "/2018-06-01/runtime/invocation/next");
}

TEST(RequestTypes, ResponsePostsThePayloadWithItsContentType) {
  InvocationResponse payload{R"({"statusCode":200})", "application/json"};
  const HttpRequest request = ResponseRequest{"id-1", &payload}.to_http();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/2018-06-01/runtime/invocation/id-1/response");
  EXPECT_EQ(request.body, payload.payload);
  ASSERT_EQ(request.headers.size(), 1U);
  EXPECT_EQ(request.headers[0].second, "application/json");
}

TEST(RequestTypes, ErrorCarriesBodyAndErrorTypeHeader) {
  const HttpRequest request = ErrorRequest{"id-2", {"Function.UnhandledException", "boom \"quoted\""}}.to_http();
  EXPECT_EQ(request.path, "/2018-06-01/runtime/invocation/id-2/error");
  bool saw_type = false;
  for (const auto& [name, value] : request.headers) {
    if (name == "Lambda-Runtime-Function-Error-Type") {
      saw_type = true;
      EXPECT_EQ(value, "Function.UnhandledException");
    }
  }
  EXPECT_TRUE(saw_type);
  const auto body = nlohmann::json::parse(request.body);
  EXPECT_EQ(body["errorMessage"], "boom \"quoted\"");
  EXPECT_EQ(body["errorType"], "Function.UnhandledException");
  EXPECT_TRUE(body["stackTrace"].is_array());
  EXPECT_TRUE(body["stackTrace"].empty());
}

TEST(RequestTypes, InitErrorUsesTheInitPath) {
  const HttpRequest request = InitErrorRequest{{"Runtime.InvalidConfig", "DB_POOL_MAX must be..."}}.to_http();
  EXPECT_EQ(request.path, "/2018-06-01/runtime/init/error");
  EXPECT_EQ(nlohmann::json::parse(request.body)["errorType"], "Runtime.InvalidConfig");
}

TEST(ErrorBody, InvalidUtf8InTheMessageStillGivesValidJson) {
  const std::string body = format_error_body({"Function.X", std::string("bad \xff\xfe bytes")});
  EXPECT_TRUE(nlohmann::json::accept(body));
}

}  // namespace
}  // namespace shoppulse::runtime
