#include "shoppulse/runtime/api_requests.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace shoppulse::runtime {
namespace {

TEST(NextResponse, ReadsEveryInvocationHeader) {
  HttpResponse response;
  response.assign(
      200,
      {
          {"Lambda-Runtime-Aws-Request-Id", "8476a536-e9f4-11e8-9739-2dfe598c3fcd"},
          {"Lambda-Runtime-Deadline-Ms", "1542409706888"},
          {"Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-2:123456789012:function:custom-runtime"},
          {"Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"},
          {"Lambda-Runtime-Client-Context", R"({"client":{}})"},
          {"Lambda-Runtime-Cognito-Identity", R"({"cognitoIdentityId":"x"})"},
          {"Lambda-Runtime-Aws-Tenant-Id", "tenant-7"},
      },
      R"({"hello":"world"})");
  auto parsed = parse_next_response(response);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->request_id, "8476a536-e9f4-11e8-9739-2dfe598c3fcd");
  EXPECT_EQ(parsed->deadline_epoch_ms, 1542409706888);
  EXPECT_EQ(parsed->function_arn, "arn:aws:lambda:us-east-2:123456789012:function:custom-runtime");
  EXPECT_EQ(parsed->trace_id, "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1");
  EXPECT_EQ(parsed->client_context, R"({"client":{}})");
  EXPECT_EQ(parsed->cognito_identity, R"({"cognitoIdentityId":"x"})");
  EXPECT_EQ(parsed->tenant_id, "tenant-7");
  EXPECT_EQ(parsed->payload, R"({"hello":"world"})");
}

TEST(NextResponse, HeaderNamesMatchInAnyCase) {
  HttpResponse response;
  response.assign(200, {{"lambda-runtime-aws-request-id", "abc"}, {"LAMBDA-RUNTIME-DEADLINE-MS", "77"}}, "{}");
  auto parsed = parse_next_response(response);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->request_id, "abc");
  EXPECT_EQ(parsed->deadline_epoch_ms, 77);
}

TEST(NextResponse, OptionalHeadersMayBeAbsent) {
  HttpResponse response;
  response.assign(200, {{"Lambda-Runtime-Aws-Request-Id", "abc-123"}}, "{}");
  auto parsed = parse_next_response(response);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->deadline_epoch_ms, 0);
  EXPECT_TRUE(parsed->trace_id.empty());
  EXPECT_TRUE(parsed->tenant_id.empty());
  EXPECT_EQ(parsed->remaining_time(), kNoDeadline);
}

TEST(NextResponse, UnparseableDeadlineIsTreatedAsAbsent) {
  HttpResponse response;
  response.assign(200, {{"Lambda-Runtime-Aws-Request-Id", "abc"}, {"Lambda-Runtime-Deadline-Ms", "12x"}}, "{}");
  auto parsed = parse_next_response(response);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->deadline_epoch_ms, 0);
}

TEST(NextResponse, MissingOrUnsafeRequestIdIsAnError) {
  HttpResponse response;
  response.assign(200, {}, "{}");
  EXPECT_FALSE(parse_next_response(response).ok());
  response.assign(200, {{"Lambda-Runtime-Aws-Request-Id", "../../init/error"}}, "{}");
  EXPECT_FALSE(parse_next_response(response).ok());
  response.assign(200, {{"Lambda-Runtime-Aws-Request-Id", "a b"}}, "{}");
  EXPECT_FALSE(parse_next_response(response).ok());
  response.assign(200, {{"Lambda-Runtime-Aws-Request-Id", std::string(129, 'a')}}, "{}");
  EXPECT_FALSE(parse_next_response(response).ok());
}

TEST(NextResponse, NonOkStatusIsAnError) {
  HttpResponse response;
  response.assign(500, {{"Lambda-Runtime-Aws-Request-Id", "abc"}}, "");
  auto parsed = parse_next_response(response);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("500"), std::string::npos);
}

TEST(RequestTypes, NextIsAGetOnTheVersionedPath) {
  const HttpRequest request = NextRequest{}.to_http();
  EXPECT_EQ(request.method(), "GET");
  EXPECT_EQ(request.path(), "/2018-06-01/runtime/invocation/next");
  EXPECT_TRUE(request.body().empty());
}

TEST(RequestTypes, ResponsePostsThePayloadWithItsContentTypeAndNoCopy) {
  InvocationResponse payload{std::pmr::string(R"({"statusCode":200})"), "application/json"};
  const HttpRequest request = ResponseRequest{"id-1", &payload}.to_http();
  EXPECT_EQ(request.method(), "POST");
  EXPECT_EQ(request.path(), "/2018-06-01/runtime/invocation/id-1/response");
  EXPECT_EQ(request.body(), payload.payload);
  EXPECT_EQ(request.body().data(), payload.payload.data());  // borrowed, not copied
  EXPECT_EQ(request.header("content-type"), "application/json");
}

TEST(RequestTypes, ErrorCarriesBodyAndErrorTypeHeader) {
  const FunctionError error{"Function.UnhandledException", "boom \"quoted\""};
  const ErrorRequest error_request("id-2", error);
  const HttpRequest request = error_request.to_http();
  EXPECT_EQ(request.path(), "/2018-06-01/runtime/invocation/id-2/error");
  EXPECT_EQ(request.header("Lambda-Runtime-Function-Error-Type"), "Function.UnhandledException");
  EXPECT_EQ(request.header("Content-Type"), "application/json");
  const auto body = nlohmann::json::parse(request.body());
  EXPECT_EQ(body["errorMessage"], "boom \"quoted\"");
  EXPECT_EQ(body["errorType"], "Function.UnhandledException");
  EXPECT_TRUE(body["stackTrace"].is_array());
  EXPECT_TRUE(body["stackTrace"].empty());
}

TEST(RequestTypes, InitErrorUsesTheInitPath) {
  const FunctionError error{"Runtime.InvalidConfig", "DB_POOL_MAX must be..."};
  const InitErrorRequest init_error(error);
  const HttpRequest request = init_error.to_http();
  EXPECT_EQ(request.path(), "/2018-06-01/runtime/init/error");
  EXPECT_EQ(nlohmann::json::parse(request.body())["errorType"], "Runtime.InvalidConfig");
}

TEST(RequestTypes, APathThatDoesNotFitMakesAnInvalidRequest) {
  InvocationResponse payload{std::pmr::string("{}"), "application/json"};
  const std::string long_id(HttpRequest::kMaxPath, 'a');
  const ResponseRequest too_long{long_id, &payload};
  EXPECT_FALSE(too_long.to_http().valid());
  const std::string longest_id(128, 'a');
  const ResponseRequest longest{longest_id, &payload};
  EXPECT_TRUE(longest.to_http().valid());
}

TEST(ErrorBody, InvalidUtf8InTheMessageStillGivesValidJson) {
  const std::string body = format_error_body({"Function.X", std::string("bad \xff\xfe bytes")});
  EXPECT_TRUE(nlohmann::json::accept(body));
}

}  // namespace
}  // namespace shoppulse::runtime

namespace shoppulse::runtime {
namespace {

TEST(XRayErrorCause, ErrorPostsCarryTheCauseAsCompactJson) {
  const FunctionError error{"Function.UnhandledException", "line one\nline two"};
  const ErrorRequest error_request("id-3", error, "/var/task");
  const HttpRequest request = error_request.to_http();
  const std::string_view cause = request.header("Lambda-Runtime-Function-XRay-Error-Cause");
  ASSERT_FALSE(cause.empty());
  EXPECT_EQ(cause.find('\n'), std::string_view::npos);
  EXPECT_EQ(cause, R"({"working_directory":"/var/task","paths":[],)"
                   R"("exceptions":[{"type":"Function.UnhandledException","message":"line one\nline two"}]})");
  // The existing error type header and body are unchanged.
  EXPECT_EQ(request.header("Lambda-Runtime-Function-Error-Type"), "Function.UnhandledException");
  EXPECT_EQ(nlohmann::json::parse(request.body())["errorMessage"], "line one\nline two");
}

TEST(XRayErrorCause, InitErrorsCarryItToo) {
  const FunctionError error{"Runtime.InvalidConfig", "DB_POOL_MAX must be an integer from 1 to 100"};
  const InitErrorRequest init_error(error, "/var/task");
  const auto cause = nlohmann::json::parse(init_error.to_http().header("Lambda-Runtime-Function-XRay-Error-Cause"));
  EXPECT_EQ(cause["exceptions"][0]["type"], "Runtime.InvalidConfig");
  EXPECT_EQ(cause["exceptions"][0]["message"], error.message);
  EXPECT_EQ(cause["working_directory"], "/var/task");
}

TEST(XRayErrorCause, NonAsciiTextIsEscapedSoTheHeaderStaysAscii) {
  const std::string cause =
      format_xray_error_cause({"Function.X", "caf\xc3\xa9 \xf0\x9f\x98\x80 \xff"}, "/t\xc3\xa4sk");
  for (const char c : cause) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << cause;
  const auto parsed = nlohmann::json::parse(cause);
  EXPECT_EQ(parsed["exceptions"][0]["message"], "caf\xc3\xa9 \xf0\x9f\x98\x80 \xef\xbf\xbd");
  EXPECT_EQ(parsed["working_directory"], "/t\xc3\xa4sk");
}

TEST(XRayErrorCause, ALongMessageIsTruncatedToTheCap) {
  const std::string message = std::string(3000, 'a') + std::string(3000, '"') + "\xc3\xa9\xc3\xa9";
  const std::string cause = format_xray_error_cause({"Function.X", message}, "/var/task");
  EXPECT_LE(cause.size(), kMaxErrorCauseBytes);
  EXPECT_GT(cause.size(), kMaxErrorCauseBytes - 64);  // truncated, not dropped
  const auto parsed = nlohmann::json::parse(cause);
  const std::string kept = parsed["exceptions"][0]["message"];
  EXPECT_TRUE(kept.ends_with("...(truncated)"));
  EXPECT_TRUE(message.starts_with(kept.substr(0, kept.size() - 14)));

  // At the header's own default cap too, with a multi-byte message cut
  // somewhere inside a character.
  std::string accents;
  for (int i = 0; i < 2000; ++i) accents.append("\xc3\xa9");
  const std::string small = format_xray_error_cause({"Function.X", accents}, "/", 200);
  EXPECT_LE(small.size(), 200U);
  const std::string small_kept = nlohmann::json::parse(small)["exceptions"][0]["message"];
  EXPECT_TRUE(small_kept.starts_with("\xc3\xa9\xc3\xa9"));
  EXPECT_EQ(small_kept.find("\xef\xbf\xbd"), std::string::npos);  // no character cut in half
}

TEST(XRayErrorCause, NothingIsSentWhenEvenAnEmptyMessageDoesNotFit) {
  const FunctionError error{"Function.X", "message"};
  EXPECT_EQ(format_xray_error_cause(error, std::string(5000, 'd')), "");
  const ErrorRequest error_request("id-4", error, std::string(5000, 'd'));
  EXPECT_EQ(error_request.to_http().header("Lambda-Runtime-Function-XRay-Error-Cause"), "");
  EXPECT_EQ(error_request.to_http().header("Lambda-Runtime-Function-Error-Type"), "Function.X");
}

}  // namespace
}  // namespace shoppulse::runtime
