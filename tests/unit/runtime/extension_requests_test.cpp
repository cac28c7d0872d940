// The Extensions API requests on the wire, and the answers' parsing, without
// a socket.

#include "shoppulse/runtime/extension_requests.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace shoppulse::runtime {
namespace {

TEST(ExtensionRequests, RegisterNamesTheExtensionAndSubscribesToNoEvents) {
  const HttpRequest request = ExtensionRegisterRequest{"shoppulse-runtime"}.to_http();
  ASSERT_TRUE(request.valid());
  EXPECT_EQ(request.method(), "POST");
  EXPECT_EQ(request.path(), "/2020-01-01/extension/register");
  EXPECT_EQ(request.header("Lambda-Extension-Name"), "shoppulse-runtime");
  EXPECT_EQ(request.header("Content-Type"), "application/json");
  // No SHUTDOWN (refused for internal extensions) and no INVOKE (nothing to do per invocation).
  EXPECT_EQ(nlohmann::json::parse(request.body()), nlohmann::json::parse(R"({"events":[]})"));
}

TEST(ExtensionRequests, NextCarriesTheIdentifierAndNoBody) {
  const HttpRequest request = ExtensionNextRequest{"7c2dc5a8-52a4-4b8e-9d3c-0f6a4d3e2b10"}.to_http();
  ASSERT_TRUE(request.valid());
  EXPECT_EQ(request.method(), "GET");
  EXPECT_EQ(request.path(), "/2020-01-01/extension/event/next");
  EXPECT_EQ(request.header("Lambda-Extension-Identifier"), "7c2dc5a8-52a4-4b8e-9d3c-0f6a4d3e2b10");
  EXPECT_TRUE(request.body().empty());
}

TEST(ExtensionRequests, RegisterAnswerGivesTheIdentifier) {
  HttpResponse response;
  response.assign(200, {{"lambda-extension-identifier", "7c2dc5a8-52a4-4b8e-9d3c-0f6a4d3e2b10"}},
                  R"({"functionName":"f","functionVersion":"$LATEST","handler":"bootstrap"})");
  auto id = parse_register_response(response);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, "7c2dc5a8-52a4-4b8e-9d3c-0f6a4d3e2b10");
}

TEST(ExtensionRequests, RegisterRefusalsAndBadIdentifiersAreErrors) {
  HttpResponse not_found;
  not_found.assign(404, {}, "404 page not found");
  auto absent = parse_register_response(not_found);
  ASSERT_FALSE(absent.ok());
  EXPECT_NE(absent.error().message.find("404"), std::string::npos);

  HttpResponse forbidden;
  forbidden.assign(403, {{"Lambda-Extension-Identifier", "7c2dc5a8-52a4-4b8e-9d3c-0f6a4d3e2b10"}},
                   R"({"errorType":"Extension.RegistrationClosed"})");
  EXPECT_FALSE(parse_register_response(forbidden).ok());

  HttpResponse missing;
  missing.assign(200, {}, "{}");
  EXPECT_FALSE(parse_register_response(missing).ok());

  // It is sent back in a header: nothing that could end the header line.
  HttpResponse injected;
  injected.assign(200, {{"Lambda-Extension-Identifier", "abc\r\nX-Evil: 1"}}, "{}");
  EXPECT_FALSE(parse_register_response(injected).ok());
}

TEST(ExtensionRequests, EventTypesAreRead) {
  HttpResponse invoke;
  invoke.assign(200, {},
                R"({"eventType":"INVOKE","deadlineMs":1,"requestId":"r","invokedFunctionArn":"a",)"
                R"("tracing":{"type":"X-Amzn-Trace-Id","value":"Root=1-2-3"}})");
  EXPECT_EQ(parse_extension_event(invoke).value(), ExtensionEventType::kInvoke);

  HttpResponse shutdown;
  shutdown.assign(200, {}, R"({"eventType":"SHUTDOWN","shutdownReason":"spindown","deadlineMs":1})");
  EXPECT_EQ(parse_extension_event(shutdown).value(), ExtensionEventType::kShutdown);

  HttpResponse other;
  other.assign(200, {}, R"({"eventType":"RESTORE"})");
  EXPECT_EQ(parse_extension_event(other).value(), ExtensionEventType::kOther);
}

TEST(ExtensionRequests, EventErrorsAreErrors) {
  HttpResponse forbidden;
  forbidden.assign(403, {}, R"({"errorType":"Extension.UnknownExtensionIdentifier"})");
  EXPECT_FALSE(parse_extension_event(forbidden).ok());

  HttpResponse garbage;
  garbage.assign(200, {}, "not json");
  EXPECT_FALSE(parse_extension_event(garbage).ok());
}

}  // namespace
}  // namespace shoppulse::runtime
