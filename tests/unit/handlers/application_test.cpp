#include "shoppulse/handlers/application.h"

#include <gtest/gtest.h>

namespace shoppulse::handlers {
namespace {

struct AppFixture : ::testing::Test {
  Logger logger{LogLevel::kFatal, 2};
  Application app{AppSettings{"1.2.3", false, {}, std::chrono::milliseconds(150)}, Dependencies{}, logger};
  InvocationContext context{"lambda-1", "", "", "", "", 0, true, ""};
};

nlohmann::json v1_get(const std::string& path) {
  return {{"httpMethod", "GET"},
          {"path", path},
          {"resource", "/{proxy+}"},
          {"headers", nullptr},
          {"requestContext", {{"requestId", "api-9"}, {"stage", "prod"}, {"identity", {{"sourceIp", "1.1.1.1"}}}}}};
}

TEST_F(AppFixture, HealthAnswers200InTheEventsFormat) {
  const auto result = app.handle(v1_get("/health").dump(), context);
  ASSERT_TRUE(result.ok);
  const auto response = nlohmann::json::parse(result.payload);
  EXPECT_EQ(response["statusCode"], 200);
  EXPECT_TRUE(response.contains("multiValueHeaders"));
  const auto body = nlohmann::json::parse(response["body"].get<std::string>());
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(body["version"], "1.2.3");
  EXPECT_EQ(body["coldStart"], true);
  EXPECT_EQ(result.route, "GET /health");
}

TEST_F(AppFixture, UnknownRouteIsAJson404WithTheApiRequestId) {
  const auto result = app.handle(v1_get("/nowhere").dump(), context);
  ASSERT_TRUE(result.ok);
  const auto response = nlohmann::json::parse(result.payload);
  EXPECT_EQ(response["statusCode"], 404);
  const auto body = nlohmann::json::parse(response["body"].get<std::string>());
  EXPECT_EQ(body["error"]["code"], "not_found");
  EXPECT_EQ(body["error"]["requestId"], "api-9");
}

TEST_F(AppFixture, WrongMethodIs405WithAllow) {
  auto event = v1_get("/health");
  event["httpMethod"] = "DELETE";
  const auto response = nlohmann::json::parse(app.handle(event.dump(), context).payload);
  EXPECT_EQ(response["statusCode"], 405);
  EXPECT_EQ(response["headers"]["Allow"], "GET");
}

TEST_F(AppFixture, NonJsonAndUnsupportedPayloadsAreFunctionErrors) {
  const auto not_json = app.handle("not json {", context);
  EXPECT_FALSE(not_json.ok);
  EXPECT_EQ(not_json.error_type, "Function.InvalidEvent");
  const auto alb = app.handle(R"({"requestContext":{"elb":{}},"httpMethod":"GET","path":"/health"})", context);
  EXPECT_FALSE(alb.ok);
  EXPECT_EQ(alb.error_type, "Function.UnsupportedEvent");
  const auto unknown_action = app.handle(R"({"action":"drop-everything"})", context);
  EXPECT_FALSE(unknown_action.ok);
  EXPECT_EQ(unknown_action.error_type, "Function.UnknownAction");
}

TEST_F(AppFixture, DiagnosticActionsAreOffByDefault) {
  const auto result = app.handle(R"({"action":"diagnostic.throw"})", context);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error_type, "Function.UnknownAction");
}

TEST_F(AppFixture, MalformedApiEventIsA400NotACrash) {
  auto event = v1_get("/health");
  event["multiValueHeaders"] = "not an object";
  const auto result = app.handle(event.dump(), context);
  ASSERT_TRUE(result.ok);
  EXPECT_EQ(nlohmann::json::parse(result.payload)["statusCode"], 400);
}

}  // namespace
}  // namespace shoppulse::handlers
