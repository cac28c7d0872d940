#include <gtest/gtest.h>

#include <chrono>
#include <tuple>

#include "shoppulse/handlers/api_response.h"
#include "shoppulse/handlers/router.h"

namespace shoppulse::handlers {
namespace {

// A handler that answers `status`, so a test can tell which route's handler
// a match carries.
RouteHandler answers(int status) {
  return [status](const RequestContext&) -> HandlerResult { return json_response(status); };
}

Router make_router() {
  Router router;
  router.add("GET", "/health", RouteAccess::kPublic, answers(200));
  router.add("GET", "/users", RouteAccess::kTenant, answers(201));
  router.add("POST", "/users", RouteAccess::kTenant, answers(202));
  router.add("GET", "/users/{id}", RouteAccess::kTenant, answers(203));
  router.add("PATCH", "/users/{id}", RouteAccess::kTenant, answers(204));
  router.add("DELETE", "/users/{id}", RouteAccess::kTenant, answers(205));
  return router;
}

// The status the matched route's own handler answers.
int handler_status(const RouteMatch& match) {
  const ApiRequest request;
  const Caller caller;
  const InvocationContext invocation;
  RequestStats stats;
  const RequestContext context{
      request, match, caller, invocation, std::chrono::steady_clock::now(), *std::pmr::get_default_resource(), stats};
  auto handled = match.route->handler(context);
  return handled ? handled->status : -1;
}

TEST(Router, EachMatchCarriesItsOwnRoutesHandlerAndAccess) {
  const Router router = make_router();
  const std::vector<std::tuple<const char*, const char*, int>> cases = {
      {"GET", "/health", 200},  {"GET", "/users", 201},      {"POST", "/users", 202},
      {"GET", "/users/7", 203}, {"PATCH", "/users/7/", 204}, {"DELETE", "/users/7", 205}};
  for (const auto& [method, path, status] : cases) {
    const auto match = router.match(method, path);
    ASSERT_EQ(match.kind, RouteMatch::Kind::kFound) << method << " " << path;
    ASSERT_NE(match.route, nullptr);
    EXPECT_EQ(handler_status(match), status) << method << " " << path;
    EXPECT_EQ(match.route->name, match.route_name);
  }
  EXPECT_EQ(router.match("GET", "/health").route->access, RouteAccess::kPublic);
  EXPECT_EQ(router.match("GET", "/users").route->access, RouteAccess::kTenant);
  EXPECT_EQ(router.match("PUT", "/users").route, nullptr);  // 405: no route
  EXPECT_EQ(router.match("GET", "/nope").route, nullptr);   // 404: no route
}

TEST(Router, MatchesTemplatesAndExtractsParams) {
  const Router router = make_router();
  const auto match = router.match("GET", "/users/42");
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.route_name, "GET /users/{id}");
  EXPECT_EQ(match.param("id"), "42");
  EXPECT_EQ(match.param("missing"), "");
  EXPECT_EQ(router.match("GET", "/users/").kind, RouteMatch::Kind::kFound);  // trailing slash tolerated
  EXPECT_EQ(router.match("GET", "/users/").route_name, "GET /users");
}

TEST(Router, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  const Router router = make_router();
  EXPECT_EQ(router.match("GET", "/nope").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router.match("GET", "/users/1/extra").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router.match("GET", "/users//x").kind, RouteMatch::Kind::kNotFound);
  const auto wrong = router.match("PUT", "/users/1");
  ASSERT_EQ(wrong.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(wrong.allowed_methods, (std::vector<std::string_view>{"GET", "PATCH", "DELETE"}));
  EXPECT_EQ(router.methods_for("/users"), (std::vector<std::string_view>{"GET", "POST"}));
}

TEST(Router, PathsLongerThanAnyTemplateNeverMatch) {
  const Router router = make_router();
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "/users";
  EXPECT_EQ(router.match("GET", deep).kind, RouteMatch::Kind::kNotFound);
  EXPECT_TRUE(router.methods_for(deep).empty());
}

TEST(Serialize, RestV1HasMultiValueHeadersAndIntegerStatus) {
  ApiResponse response = json_response(201, {{"id", "x"}});
  response.headers.emplace_back("Vary", "Origin");
  response.headers.emplace_back("Vary", "Accept-Encoding");
  response.cookies.push_back("a=1; Path=/");
  const auto out = nlohmann::json::parse(serialize_response(response, EventFormat::kRestV1));
  EXPECT_TRUE(out["statusCode"].is_number_integer());
  EXPECT_EQ(out["statusCode"], 201);
  EXPECT_EQ(out["multiValueHeaders"]["Vary"], nlohmann::json::array({"Origin", "Accept-Encoding"}));
  EXPECT_EQ(out["multiValueHeaders"]["Set-Cookie"], nlohmann::json::array({"a=1; Path=/"}));
  EXPECT_EQ(out["headers"]["Content-Type"], kJsonContentType);
  EXPECT_FALSE(out.contains("cookies"));
  EXPECT_EQ(nlohmann::json::parse(out["body"].get<std::string>())["id"], "x");
  EXPECT_EQ(out["isBase64Encoded"], false);
}

TEST(Serialize, HttpV2JoinsRepeatedHeadersAndUsesCookiesArray) {
  ApiResponse response = json_response(200, nlohmann::json::object());
  response.headers.emplace_back("Vary", "Origin");
  response.headers.emplace_back("Vary", "Accept-Encoding");
  response.cookies.push_back("a=1");
  const auto out = nlohmann::json::parse(serialize_response(response, EventFormat::kHttpV2));
  EXPECT_EQ(out["headers"]["Vary"], "Origin,Accept-Encoding");
  EXPECT_EQ(out["cookies"], nlohmann::json::array({"a=1"}));
  EXPECT_FALSE(out.contains("multiValueHeaders"));
  std::vector<std::string> keys;
  for (const auto& [key, value] : out.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"body", "cookies", "headers", "isBase64Encoded", "statusCode"}));
}

TEST(Serialize, HeaderValuesCannotBeSplitByInput) {
  ApiResponse response;
  response.set_header("Location", "/users/1\r\nSet-Cookie: evil=1");
  const auto out = nlohmann::json::parse(serialize_response(response, EventFormat::kRestV1));
  const std::string location = out["headers"]["Location"];
  EXPECT_EQ(location.find('\r'), std::string::npos);
  EXPECT_EQ(location.find('\n'), std::string::npos);
}

TEST(ErrorEnvelope, CarriesCodeMessageRequestIdAndDetails) {
  const ApiResponse response =
      error_response(Error::make(ErrorKind::kInvalidInput, "validation_failed", "Request body is invalid"), "api-1",
                     nlohmann::json::array({{{"field", "email"}, {"problem", "required"}}}));
  EXPECT_EQ(response.status, 400);
  const auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["error"]["code"], "validation_failed");
  EXPECT_EQ(body["error"]["message"], "Request body is invalid");
  EXPECT_EQ(body["error"]["requestId"], "api-1");
  EXPECT_EQ(body["error"]["details"][0]["field"], "email");
  EXPECT_EQ(*response.header("content-type"), kJsonContentType);
}

}  // namespace
}  // namespace shoppulse::handlers
