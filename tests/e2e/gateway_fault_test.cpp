// The local gateway's HTTP <-> Lambda translation and failure handling, with
// a fake function (fake_function.cpp) that misbehaves on request; and what
// it serves itself over real HTTP (/openapi.json, /docs).

#include <algorithm>
#include <future>
#include <thread>

#include "process_harness.h"
#include "shoppulse/core/codec.h"

namespace shoppulse::e2e {
namespace {

using nlohmann::json;

class gateway_faults : public ::testing::Test {
 protected:
  void start(std::vector<std::string> extra = {}) {
    keys_ = std::make_unique<DevKeys>(dir_.path());
    std::vector<std::string> args = {"--bootstrap",     SHOPPULSE_FAKE_FUNCTION, "--jwt-key",
                                     keys_->key_file(), "--concurrency",         "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    gateway_ = GatewayProcess::start(args);
    ASSERT_NE(gateway_, nullptr);
    token_ = keys_->acme_admin();
  }
  void TearDown() override {
    if (HasFailure() && gateway_) std::cerr << "---- local_gateway output ----\n" << gateway_->output();
  }

  httplib::Result get(const std::string& path, httplib::Headers headers = {}) {
    auto client = gateway_->client();
    return client.Get(path, bearer(token_, std::move(headers)));
  }

  // infra/api.tf's gateway responses: the contract's error envelope, the
  // request id the event would have carried.
  static void expect_gateway_error(const httplib::Result& res, int status, const std::string& code,
                                   const std::string& message) {
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, status) << res->body;
    const std::string request_id = res->get_header_value("x-amzn-RequestId");
    EXPECT_FALSE(request_id.empty());
    EXPECT_EQ(body_json(res), (json{{"error", {{"code", code}, {"message", message}, {"requestId", request_id}}}}));
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  }

  TempDir dir_;
  std::unique_ptr<DevKeys> keys_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::string token_;
};

TEST_F(gateway_faults, function_error_is_502_internal_server_error) {
  start();
  auto res = get("/fake/error");
  expect_gateway_error(res, 502, "internal_error", "Internal server error");
  EXPECT_EQ(res->get_header_value("x-amzn-ErrorType"), "InternalServerErrorException");
}

TEST_F(gateway_faults, malformed_function_responses_are_502) {
  start();
  expect_gateway_error(get("/fake/malformed"), 502, "internal_error", "Internal server error");
  expect_gateway_error(get("/fake/bad-shape"), 502, "internal_error", "Internal server error");
  // The sandbox is fine afterwards.
  auto ok = get("/fake/echo");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(gateway_faults, crash_is_502_and_the_next_request_gets_a_new_sandbox) {
  start();
  auto first = get("/fake/echo");
  ASSERT_TRUE(first);
  const std::string pid_before = first->get_header_value("X-Sandbox-Pid");
  expect_gateway_error(get("/fake/crash"), 502, "internal_error", "Internal server error");
  auto after = get("/fake/echo");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
  EXPECT_NE(after->get_header_value("X-Sandbox-Pid"), pid_before);
}

TEST_F(gateway_faults, integration_timeout_is_504_and_the_sandbox_is_reused_once_free) {
  start({"--integration-timeout-ms", "300", "--function-timeout-ms", "10000"});
  auto slow = get("/fake/slow?ms=1500");
  expect_gateway_error(slow, 504, "timeout", "Endpoint request timed out");
  // One sandbox, still busy with the slow invocation: this request waits for
  // it (and may itself time out); a later one is served by the same process.
  const std::string pid = gateway_->ready_line()["sandboxPids"][0].dump();
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto res = get("/fake/echo");
    ASSERT_TRUE(res);
    if (res->status == 200) {
      EXPECT_EQ(res->get_header_value("X-Sandbox-Pid"), pid);
      return;
    }
    EXPECT_EQ(res->status, 504);
  }
  FAIL() << "the sandbox never came back";
}

TEST_F(gateway_faults, lambda_timeout_before_the_integration_timeout_is_502) {
  // As deployed: the function times out (15 s) before API Gateway (29 s), so
  // API Gateway sees a function error, not an integration timeout.
  start({"--function-timeout-ms", "300", "--integration-timeout-ms", "20000"});
  expect_gateway_error(get("/fake/slow?ms=3000"), 502, "internal_error", "Internal server error");
  auto after = get("/fake/echo");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);  // Lambda replaced the timed-out sandbox
}

TEST_F(gateway_faults, rest_responses_keep_multi_value_headers_cookies_and_binary_bodies) {
  start();
  auto res = get("/fake/multi");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->body, std::string("\x00\x01\xfe\xff binary", 11));
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/octet-stream");
  ASSERT_EQ(res->get_header_value_count("X-Multi"), 2U);
  EXPECT_EQ(res->get_header_value("X-Multi", 0), "1");
  EXPECT_EQ(res->get_header_value("X-Multi", 1), "2");
  ASSERT_EQ(res->get_header_value_count("Set-Cookie"), 2U);
  // API Gateway: for a name in both maps, multiValueHeaders wins.
  ASSERT_EQ(res->get_header_value_count("X-Single"), 1U);
  EXPECT_EQ(res->get_header_value("X-Single"), "from-multi");
}

TEST_F(gateway_faults, rest_event_carries_claims_query_headers_and_body_like_api_gateway) {
  start({"--stage", "dev"});
  auto client = gateway_->client();
  httplib::Headers headers = bearer(token_, {{"X-Repeat", "one"}, {"X-Repeat", "two"}, {"Cookie", "a=1; b=2"}});
  const std::string binary("\x89PNG\x00\xff", 6);
  auto res = client.Post("/fake/echo/a%20b?x=1&x=2&y=hello%20world", headers, binary, "application/octet-stream");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json event = body_json(res);
  EXPECT_EQ(event["resource"], "/{proxy+}");
  EXPECT_EQ(event["path"], "/fake/echo/a b");
  EXPECT_EQ(event["httpMethod"], "POST");
  EXPECT_EQ(event["pathParameters"], (json{{"proxy", "fake/echo/a b"}}));
  EXPECT_EQ(event["queryStringParameters"]["x"], "2");
  EXPECT_EQ(event["multiValueQueryStringParameters"]["x"], (json{"1", "2"}));
  EXPECT_EQ(event["queryStringParameters"]["y"], "hello world");
  EXPECT_EQ(event["multiValueHeaders"]["X-Repeat"], (json{"one", "two"}));
  EXPECT_EQ(event["headers"]["X-Repeat"], "two");
  EXPECT_FALSE(event["headers"].contains("REMOTE_ADDR"));
  EXPECT_EQ(event["headers"]["X-Forwarded-For"], "127.0.0.1");
  EXPECT_TRUE(event["isBase64Encoded"].get<bool>());
  EXPECT_EQ(base64_decode(event["body"].get<std::string>()).value_or(""), binary);
  EXPECT_EQ(event["requestContext"]["stage"], "dev");
  EXPECT_EQ(event["requestContext"]["path"], "/dev/fake/echo/a b");
  EXPECT_EQ(event["requestContext"]["requestId"], res->get_header_value("x-amzn-RequestId"));
  const json& claims = event["requestContext"]["authorizer"]["claims"];
  EXPECT_EQ(claims["sub"], "dev-acme-admin");
  EXPECT_EQ(claims["custom:tenant_id"], kAcme);
  EXPECT_EQ(claims["custom:role"], "admin");
  EXPECT_EQ(claims["email_verified"], "true");
  for (const auto& [name, value] : claims.items()) EXPECT_TRUE(value.is_string()) << name;
  // REST renders exp/iat as Java dates: "Tue Jun 18 15:00:04 UTC 2024".
  EXPECT_NE(claims["exp"].get<std::string>().find(" UTC "), std::string::npos) << claims["exp"];
}

TEST_F(gateway_faults, public_routes_get_no_authorizer_and_need_no_token) {
  start();
  auto client = gateway_->client();
  auto health = client.Get("/health");
  ASSERT_TRUE(health);
  ASSERT_EQ(health->status, 200);
  const json event = body_json(health);
  EXPECT_EQ(event["resource"], "/health");
  EXPECT_TRUE(event["pathParameters"].is_null());
  EXPECT_FALSE(event["requestContext"].contains("authorizer"));
  auto preflight = client.Options("/users/123", {{"Origin", "http://localhost:5173"}});
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 200);
  EXPECT_EQ(body_json(preflight)["httpMethod"], "OPTIONS");
}

TEST_F(gateway_faults, http_api_event_and_response_follow_payload_2_0) {
  start({"--http-api"});
  auto client = gateway_->client();
  auto res = client.Get("/fake/echo?x=1&x=2",
                        bearer(token_, {{"Cookie", "a=1; b=2"}, {"X-Repeat", "one"}, {"X-Repeat", "two"}}));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const json event = body_json(res);
  EXPECT_EQ(event["version"], "2.0");
  EXPECT_EQ(event["routeKey"], "ANY /{proxy+}");
  EXPECT_EQ(event["rawPath"], "/fake/echo");
  EXPECT_EQ(event["rawQueryString"], "x=1&x=2");
  EXPECT_EQ(event["queryStringParameters"]["x"], "1,2");
  EXPECT_EQ(event["cookies"], (json{"a=1", "b=2"}));
  EXPECT_FALSE(event["headers"].contains("cookie"));
  EXPECT_EQ(event["headers"]["x-repeat"], "one,two");
  EXPECT_EQ(event["requestContext"]["http"]["method"], "GET");
  const json& claims = event["requestContext"]["authorizer"]["jwt"]["claims"];
  EXPECT_EQ(claims["custom:tenant_id"], kAcme);
  // HTTP API keeps numeric dates as their decimal text.
  EXPECT_EQ(claims["exp"].get<std::string>().find_first_not_of("0123456789"), std::string::npos);

  auto multi = client.Get("/fake/multi", bearer(token_));
  ASSERT_TRUE(multi);
  EXPECT_EQ(multi->status, 201);
  EXPECT_EQ(multi->get_header_value_count("Set-Cookie"), 2U);
  EXPECT_EQ(multi->body, std::string("\x00\x01\xfe\xff binary", 11));

  auto bare = client.Get("/fake/bare", bearer(token_));
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->status, 200);
  EXPECT_EQ(bare->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(body_json(bare), (json{{"hello", "world"}}));
}

TEST_F(gateway_faults, requests_wait_for_a_free_sandbox) {
  start();  // one sandbox
  auto a = std::async(std::launch::async, [&] { return get("/fake/slow?ms=400"); });
  auto b = std::async(std::launch::async, [&] { return get("/fake/slow?ms=400"); });
  auto ra = a.get();
  auto rb = b.get();
  ASSERT_TRUE(ra);
  ASSERT_TRUE(rb);
  EXPECT_EQ(ra->status, 200);
  EXPECT_EQ(rb->status, 200);
  EXPECT_EQ(ra->get_header_value("X-Sandbox-Pid"), rb->get_header_value("X-Sandbox-Pid"));
}

TEST_F(gateway_faults, concurrent_requests_use_separate_sandboxes) {
  start({"--concurrency", "2"});
  EXPECT_EQ(gateway_->ready_line()["sandboxesReady"], 2);
  // Each invocation waits for the other to have started: both can only
  // finish "met" if they ran at the same time, in different sandboxes.
  const std::string base = "/fake/rendezvous?dir=" + dir_.path().string();
  auto a = std::async(std::launch::async, [&] { return get(base + "&me=a&other=b"); });
  auto b = std::async(std::launch::async, [&] { return get(base + "&me=b&other=a"); });
  auto ra = a.get();
  auto rb = b.get();
  ASSERT_TRUE(ra);
  ASSERT_TRUE(rb);
  EXPECT_EQ(ra->get_header_value("X-Rendezvous"), "met");
  EXPECT_EQ(rb->get_header_value("X-Rendezvous"), "met");
  EXPECT_NE(ra->get_header_value("X-Sandbox-Pid"), rb->get_header_value("X-Sandbox-Pid"));
}

TEST_F(gateway_faults, sigterm_stops_the_gateway_and_its_sandboxes) {
  start({"--concurrency", "2"});
  std::vector<pid_t> sandboxes;
  for (const auto& pid : gateway_->ready_line()["sandboxPids"]) sandboxes.push_back(pid.get<pid_t>());
  ASSERT_EQ(sandboxes.size(), 2U);
  const auto exit = gateway_->process().stop();
  EXPECT_TRUE(exit.success()) << exit.describe();
  for (const pid_t pid : sandboxes) EXPECT_NE(::kill(pid, 0), 0) << "sandbox " << pid << " still running";
}

TEST_F(gateway_faults, serves_the_contract_and_docs_without_a_token_and_nothing_more) {
  const fs::path docs = dir_.path() / "swagger-ui-dist";
  fs::create_directories(docs);
  write_file(docs / "swagger-ui-bundle.js", "bundle");
  write_file(dir_.path() / "secret.txt", "outside the docs folder");
  // The gateway's routes come from this document too: /users and /fake/echo only.
  const std::string document =
      R"({"openapi":"3.1.0","security":[{"CognitoUserPool":[]}],"paths":{"/users":{"get":{}},"/fake/echo":{"get":{}}}})";
  write_file(dir_.path() / "openapi.json", document);
  const std::string docs_token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkb2NzIn0.ZG9jcy10b2tlbg";
  write_file(dir_.path() / "docs-token", docs_token + "\n");
  start({"--openapi", (dir_.path() / "openapi.json").string(), "--docs-dir", docs.string(), "--docs-token-file",
         (dir_.path() / "docs-token").string(), "--env", "CORS_ALLOW_ORIGINS=https://app.example"});
  auto client = gateway_->client();
  client.set_url_encode(false);  // the paths below go out byte for byte

  auto contract = client.Get("/openapi.json");  // no Authorization header
  ASSERT_TRUE(contract);
  EXPECT_EQ(contract->status, 200);
  EXPECT_EQ(contract->body, document);
  EXPECT_EQ(contract->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(contract->get_header_value("Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_FALSE(contract->get_header_value("x-amzn-RequestId").empty());

  auto page = client.Get("/docs");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_FALSE(page->has_header("Access-Control-Allow-Origin"));
  EXPECT_NE(page->body.find(docs_token), std::string::npos);  // Host is 127.0.0.1:<port>

  auto asset = client.Get("/docs/swagger-ui-bundle.js");
  ASSERT_TRUE(asset);
  EXPECT_EQ(asset->status, 200);
  EXPECT_EQ(asset->body, "bundle");
  for (const char* path : {"/docs/../secret.txt", "/docs/%2e%2e/secret.txt", "/docs/%2E%2E%2Fsecret.txt",
                           "/docs/..%2f..%2fsecret.txt", "/docs/sub/../../secret.txt"}) {
    auto escaped = client.Get(path);
    ASSERT_TRUE(escaped) << path;
    EXPECT_EQ(escaped->status, 404) << path;
    EXPECT_EQ(escaped->body.find("outside"), std::string::npos) << path;
  }
  // The API itself still needs a token.
  expect_gateway_error(client.Get("/users"), 401, "unauthorized", "Unauthorized");
  EXPECT_EQ(get("/fake/echo")->status, 200);
  // The access log names what was served locally; no line holds the token.
  const std::string output = gateway_->output();
  EXPECT_NE(output.find(R"("served":"openapi")"), std::string::npos) << output;
  EXPECT_NE(output.find(R"("served":"docs")"), std::string::npos) << output;
  EXPECT_EQ(output.find(docs_token), std::string::npos);
}

// The contract's operations as the gateway's resources (infra/api.tf
// imports the REST API from the same document).
constexpr const char* kRoutedContract = R"({
  "openapi": "3.1.0",
  "security": [{"CognitoUserPool": []}],
  "paths": {
    "/health": {"get": {"security": []}},
    "/fake/echo/{id}": {"get": {}, "options": {"security": []}},
    "/fake/error": {"get": {}}
  }})";

// Event files --record wrote (one per invocation).
std::vector<std::string> recorded_events(const fs::path& dir) {
  std::vector<std::string> events;
  if (!fs::exists(dir)) return events;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name != "suite.json" && name.find(".expected.json") == std::string::npos) events.push_back(name);
  }
  std::sort(events.begin(), events.end());
  return events;
}

TEST_F(gateway_faults, contract_routes_answer_404_themselves_and_name_the_template_in_rest_events) {
  write_file(dir_.path() / "openapi.json", kRoutedContract);
  const fs::path recorded = dir_.path() / "recorded";
  start({"--openapi", (dir_.path() / "openapi.json").string(), "--record", recorded.string(), "--env",
         "CORS_ALLOW_ORIGINS=https://app.example"});
  auto client = gateway_->client();
  std::vector<json> answers;

  // Not in the document: 404 from the gateway, token or not, never the function.
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{{"GET", "/"},
                                                                                     {"GET", "/fake/other"},
                                                                                     {"GET", "/fake/echo/a/b"},
                                                                                     {"POST", "/fake/echo/abc"},
                                                                                     {"DELETE", "/health"},
                                                                                     {"GET", "/fake/nope"}}) {
    auto res = method == "GET"    ? client.Get(path, bearer(token_))
               : method == "POST" ? client.Post(path, bearer(token_), "{}", "application/json")
                                  : client.Delete(path, bearer(token_));
    expect_gateway_error(res, 404, "not_found", "No route for this path");
    EXPECT_EQ(res->get_header_value("x-amzn-ErrorType"), "MissingAuthenticationTokenException");
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), "https://app.example");
    answers.push_back(gateway_answer(method, path, res));
  }
  EXPECT_TRUE(recorded_events(recorded).empty()) << "a 404 route reached the function";

  // Authorised per the document: no token is the gateway's 401.
  auto no_token = client.Get("/fake/echo/abc");
  expect_gateway_error(no_token, 401, "unauthorized", "Unauthorized");
  answers.push_back(gateway_answer("GET", "/fake/echo/abc", no_token, "GET /users/{id}"));

  auto echo = client.Get("/fake/echo/a%2Fb%20c", bearer(token_));
  ASSERT_TRUE(echo);
  ASSERT_EQ(echo->status, 200) << echo->body;
  const json event = body_json(echo);
  EXPECT_EQ(event["resource"], "/fake/echo/{id}");
  EXPECT_EQ(event["requestContext"]["resourcePath"], "/fake/echo/{id}");
  EXPECT_EQ(event["path"], "/fake/echo/a/b c");
  EXPECT_EQ(event["pathParameters"], (json{{"id", "a/b c"}}));
  EXPECT_EQ(event["requestContext"]["authorizer"]["claims"]["custom:tenant_id"], kAcme);

  // Public per the document (`security: []`): no token, no authorizer.
  auto health = client.Get("/health");
  ASSERT_TRUE(health);
  ASSERT_EQ(health->status, 200);
  EXPECT_EQ(body_json(health)["resource"], "/health");
  EXPECT_TRUE(body_json(health)["pathParameters"].is_null());
  EXPECT_FALSE(body_json(health)["requestContext"].contains("authorizer"));
  auto preflight = client.Options("/fake/echo/abc", {{"Origin", "https://app.example"}});
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 200);
  EXPECT_EQ(body_json(preflight)["resource"], "/fake/echo/{id}");

  auto failed = client.Get("/fake/error", bearer(token_));
  expect_gateway_error(failed, 502, "internal_error", "Internal server error");
  answers.push_back(gateway_answer("GET", "/fake/error", failed, "GET /users"));

  // Exactly the invocations reached the function; the recorded event names the template.
  const auto events = recorded_events(recorded);
  ASSERT_EQ(events.size(), 4U) << gateway_->output();
  const json first = json::parse(read_file(recorded / events[0]));
  EXPECT_EQ(first["resource"], "/fake/echo/{id}");
  EXPECT_EQ(first["pathParameters"], (json{{"id", "a/b c"}}));
  // The access log says why, and the 404s never had a sandbox.
  const std::string output = gateway_->output();
  EXPECT_NE(output.find(R"("gatewayError":"no such resource")"), std::string::npos) << output;
  EXPECT_NE(output.find(R"("gatewayError":"no such method on /fake/echo/{id}")"), std::string::npos) << output;
  EXPECT_NE(output.find(R"("operations":4)"), std::string::npos) << output;

  EXPECT_EQ(contract_violations(dir_.path(), answers), "");
}

TEST_F(gateway_faults, contract_routes_give_http_api_events_the_route_key_and_path_parameters) {
  write_file(dir_.path() / "openapi.json", kRoutedContract);
  start({"--http-api", "--openapi", (dir_.path() / "openapi.json").string()});
  auto client = gateway_->client();
  auto echo = client.Get("/fake/echo/abc?x=1", bearer(token_));
  ASSERT_TRUE(echo);
  ASSERT_EQ(echo->status, 200) << echo->body;
  const json event = body_json(echo);
  EXPECT_EQ(event["routeKey"], "GET /fake/echo/{id}");
  EXPECT_EQ(event["requestContext"]["routeKey"], "GET /fake/echo/{id}");
  EXPECT_EQ(event["pathParameters"], (json{{"id", "abc"}}));
  auto health = client.Get("/health");
  ASSERT_TRUE(health);
  ASSERT_EQ(health->status, 200);
  EXPECT_EQ(body_json(health)["routeKey"], "GET /health");
  EXPECT_FALSE(body_json(health).contains("pathParameters"));
  expect_gateway_error(client.Get("/fake/other", bearer(token_)), 404, "not_found", "No route for this path");
}

TEST_F(gateway_faults, gateway_answers_in_proxy_mode_obey_the_contract_too) {
  start({"--integration-timeout-ms", "300", "--function-timeout-ms", "10000"});
  auto client = gateway_->client();
  std::vector<json> answers;
  answers.push_back(gateway_answer("GET", "/", client.Get("/", bearer(token_))));
  answers.push_back(gateway_answer("POST", "/health", client.Post("/health", "{}", "application/json")));
  answers.push_back(gateway_answer("GET", "/users", client.Get("/users")));
  answers.push_back(gateway_answer("GET", "/fake/error", get("/fake/error"), "GET /users"));
  answers.push_back(gateway_answer("GET", "/fake/slow", get("/fake/slow?ms=1500"), "GET /users"));
  EXPECT_EQ(answers[0]["status"], 404);
  EXPECT_EQ(answers[1]["status"], 404);
  EXPECT_EQ(answers[2]["status"], 401);
  EXPECT_EQ(answers[3]["status"], 502);
  EXPECT_EQ(answers[4]["status"], 504);
  EXPECT_EQ(contract_violations(dir_.path(), answers), "");
}

// What the HTTP server refuses before any handler (here: gzip it cannot
// inflate) is answered in the envelope too, as DEFAULT_4XX would, and never
// reaches the function.
TEST_F(gateway_faults, requests_the_server_cannot_read_get_the_envelope_not_an_empty_body) {
  start();
  auto client = gateway_->client();
  auto headers = bearer(token_, {{"Content-Encoding", "gzip"}});
  const auto res = client.Post("/users", headers, "this is not gzip", "application/json");
  expect_gateway_error(res, 400, "bad_request", "Bad Request");
  EXPECT_EQ(res->get_header_value("x-amzn-ErrorType"), "BadRequestException");
  EXPECT_EQ(gateway_->output().find("/users"), std::string::npos) << "the function must not be invoked";
}

TEST_F(gateway_faults, a_contract_that_is_not_json_stops_the_start) {
  keys_ = std::make_unique<DevKeys>(dir_.path());
  write_file(dir_.path() / "openapi.yaml", "openapi: 3.1.0\n");
  auto process = Spawned::start(SHOPPULSE_LOCAL_GATEWAY,
                                {"--bootstrap", SHOPPULSE_FAKE_FUNCTION, "--jwt-key", keys_->key_file(), "--port", "0",
                                 "--die-with-parent", "--openapi", (dir_.path() / "openapi.yaml").string()},
                                base_env());
  ASSERT_NE(process, nullptr);
  const auto line =
      process->wait_for_line([](const std::string& l) { return l.find("is not JSON") != std::string::npos; }, 30s);
  EXPECT_TRUE(line.has_value()) << GatewayProcess::joined(process->lines());
  for (int i = 0; i < 200 && process->running(); ++i) std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(process->running());
}

}  // namespace
}  // namespace shoppulse::e2e
