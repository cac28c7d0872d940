// End to end, as ./run.sh runs it: the local_gateway binary in front of the
// real bootstrap, a database cloned from the seeded template, fake_aws as
// QuickSight; every route over real HTTP.

#include <algorithm>

#include "process_harness.h"
#include "shoppulse/core/codec.h"
#include "test_db.h"

namespace shoppulse::e2e {
namespace {

using nlohmann::json;

// The event files --record wrote into `suite` (not its goldens or
// suite.json), in name order, which is the order of the requests.
std::vector<std::string> recorded_events(const fs::path& suite) {
  std::vector<std::string> events;
  for (const auto& entry : fs::directory_iterator(suite)) {
    const std::string name = entry.path().filename().string();
    if (name != "suite.json" && name.find(".expected.json") == std::string::npos) events.push_back(name);
  }
  std::sort(events.begin(), events.end());
  return events;
}

constexpr const char* kAcmeAnalystId = "a1000000-0000-4000-8000-000000000002";
constexpr const char* kGlobexAdminId = "b2000000-0000-4000-8000-000000000001";
constexpr const char* kAcmeAuditId = "a1a00000-0000-4000-8000-000000000001";
constexpr const char* kGlobexAuditId = "b2a00000-0000-4000-8000-000000000001";
constexpr const char* kOrigin = "http://localhost:5173";

class gateway_e2e : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_ = std::make_unique<DevKeys>(dir_.path());
    fake_aws_ = FakeAwsProcess::start(dir_.path());
    ASSERT_NE(fake_aws_, nullptr);
  }
  void TearDown() override {
    if (HasFailure() && gateway_) std::cerr << "---- local_gateway output ----\n" << gateway_->output();
  }

  void start(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--bootstrap", SHOPPULSE_BOOTSTRAP,
                                     "--jwt-key",   keys_->key_file(),
                                     "--issuer",    gateway::kDevIssuer,
                                     "--pass-env",  "DATABASE_URL",
                                     "--env",       std::string("CORS_ALLOW_ORIGINS=") + kOrigin,
                                     "--env",       "METRICS_ENABLED=false"};
    for (const auto& arg : fake_aws_->gateway_env_args()) args.push_back(arg);
    args.insert(args.end(), extra.begin(), extra.end());
    gateway_ = GatewayProcess::start(args, {"DATABASE_URL=" + database_.app_conninfo()});
    ASSERT_NE(gateway_, nullptr);
    ASSERT_EQ(gateway_->ready_line()["sandboxesReady"], 2);
  }

  httplib::Result get(const std::string& path, const std::string& token, httplib::Headers extra = {}) {
    return gateway_->client().Get(path, bearer(token, std::move(extra)));
  }
  httplib::Result send(const std::string& method, const std::string& path, const std::string& token, const json& body) {
    auto client = gateway_->client();
    const auto headers = bearer(token);
    if (method == "POST") return client.Post(path, headers, body.dump(), "application/json");
    if (method == "PATCH") return client.Patch(path, headers, body.dump(), "application/json");
    return client.Delete(path, headers);
  }
  // infra/api.tf's gateway responses, in the contract's error envelope.
  static void expect_gateway_error(const httplib::Result& res, int status, const std::string& code,
                                   const std::string& message) {
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, status) << res->body;
    EXPECT_EQ(
        body_json(res),
        (json{{"error",
               {{"code", code}, {"message", message}, {"requestId", res->get_header_value("x-amzn-RequestId")}}}}));
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  }
  static void expect_unauthorized(const httplib::Result& res) {
    expect_gateway_error(res, 401, "unauthorized", "Unauthorized");
    EXPECT_EQ(res->get_header_value("x-amzn-ErrorType"), "UnauthorizedException");
  }

  TempDir dir_;
  test::TestDatabase database_;
  std::unique_ptr<DevKeys> keys_;
  std::unique_ptr<FakeAwsProcess> fake_aws_;
  std::unique_ptr<GatewayProcess> gateway_;
};

TEST_F(gateway_e2e, health_and_preflight_need_no_token) {
  start();
  auto client = gateway_->client();
  auto health = client.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200) << health->body;
  EXPECT_EQ(body_json(health)["status"], "ok");
  EXPECT_EQ(body_json(health)["database"], "ok");
  EXPECT_FALSE(health->get_header_value("x-amzn-RequestId").empty());

  auto preflight = client.Options("/users", {{"Origin", kOrigin}, {"Access-Control-Request-Method", "POST"}});
  ASSERT_TRUE(preflight);
  EXPECT_LT(preflight->status, 300);
  EXPECT_EQ(preflight->get_header_value("Access-Control-Allow-Origin"), kOrigin);
}

TEST_F(gateway_e2e, missing_forged_expired_and_unsigned_tokens_get_401_from_the_gateway) {
  start();
  auto client = gateway_->client();
  auto none = client.Get("/users");
  expect_unauthorized(none);
  // infra/api.tf's gateway responses carry CORS headers for the one origin.
  EXPECT_EQ(none->get_header_value("Access-Control-Allow-Origin"), kOrigin);
  expect_unauthorized(client.Get("/users", {{"Authorization", "Bearer not.a.jwt"}}));
  expect_unauthorized(get("/users", keys_->token("dev-acme-admin", kAcme, "admin", -60)));  // expired

  // Same claims and kid, signed by a key the gateway does not trust.
  const TempDir other_dir;
  DevKeys forger(other_dir.path());
  gateway::TokenSpec forged;
  forged.key = forger.private_pem();
  forged.kid = keys_->kid();
  forged.claims = gateway::cognito_id_claims("dev-acme-admin", kAcme, "admin", "admin@acme.example");
  forged.issued_at = now_epoch_ms() / 1000;
  expect_unauthorized(get("/users", gateway::issue_token(forged).value_or("")));

  // alg "none", and HS256 "signed" with the public key (algorithm confusion).
  const std::string claims64 = base64url_encode(json{
      {"sub", "dev-acme-admin"},
      {"custom:tenant_id", kAcme},
      {"custom:role", "admin"},
      {"exp", now_epoch_ms() / 1000 + 3600},
      {"iss", gateway::kDevIssuer}}.dump());
  expect_unauthorized(get("/users", base64url_encode(R"({"alg":"none"})") + "." + claims64 + "."));
  gateway::TokenSpec confused;
  confused.alg = "HS256";
  confused.key = gateway::public_key_pem(keys_->private_pem()).value_or("x");
  confused.claims = forged.claims;
  confused.issued_at = forged.issued_at;
  expect_unauthorized(get("/users", gateway::issue_token(confused).value_or("")));

  // Wrong issuer (the gateway was started with --issuer).
  gateway::TokenSpec foreign = forged;
  foreign.key = keys_->private_pem();
  foreign.claims["iss"] = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other";
  expect_unauthorized(get("/users", gateway::issue_token(foreign).value_or("")));

  // Control: the same request with a good token works.
  auto ok = get("/users", keys_->acme_admin());
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(gateway_e2e, users_routes_round_trip) {
  start();
  const std::string admin = keys_->acme_admin();
  auto list = get("/users?limit=100", admin);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200) << list->body;
  const json items = body_json(list)["items"];
  const long acme_users = database_.users_in_tenant(kAcme);
  ASSERT_GT(acme_users, 100) << "the seed must give Acme more than one page of 100";
  EXPECT_EQ(items.size(), 100U);  // a full page
  for (const auto& user : items) EXPECT_NE(user["email"].get<std::string>().find("@acme.example"), std::string::npos);

  auto one = get(std::string("/users/") + kAcmeAnalystId, admin);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200);
  EXPECT_EQ(body_json(one)["email"], "analyst@acme.example");

  auto created =
      send("POST", "/users", admin, {{"email", "e2e@acme.example"}, {"name", "E2E User"}, {"role", "viewer"}});
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string id = body_json(created)["id"];
  EXPECT_EQ(created->get_header_value("Location"), "/users/" + id);

  auto patched = send("PATCH", "/users/" + id, admin, {{"name", "Renamed"}});
  ASSERT_TRUE(patched);
  EXPECT_EQ(patched->status, 200) << patched->body;
  EXPECT_EQ(body_json(patched)["name"], "Renamed");

  auto deleted = send("DELETE", "/users/" + id, admin, nullptr);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 204) << deleted->body;
  auto gone = get("/users/" + id, admin);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404);

  // The audit trail saw all three writes, attributed to the token's subject.
  auto audit = get("/audit-logs?resourceId=" + id, admin);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->status, 200) << audit->body;
  EXPECT_EQ(body_json(audit)["items"].size(), 3U);
}

TEST_F(gateway_e2e, one_tenants_token_cannot_see_another_tenants_rows) {
  start();
  const std::string acme = keys_->acme_admin();
  auto user = get(std::string("/users/") + kGlobexAdminId, acme);
  ASSERT_TRUE(user);
  EXPECT_EQ(user->status, 404);
  auto patch = send("PATCH", std::string("/users/") + kGlobexAdminId, acme, {{"name", "Hijacked"}});
  ASSERT_TRUE(patch);
  EXPECT_EQ(patch->status, 404);
  auto audit = get(std::string("/audit-logs/") + kGlobexAuditId, acme);
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->status, 404);

  auto globex = get("/users?limit=100", keys_->globex_admin());
  ASSERT_TRUE(globex);
  ASSERT_EQ(globex->status, 200);
  const json globex_users = body_json(globex)["items"];
  EXPECT_EQ(globex_users.size(), static_cast<std::size_t>(database_.users_in_tenant(kGlobex)));  // Globex's only
  for (const auto& row : globex_users) {
    EXPECT_EQ(row["email"].get<std::string>().find("@acme.example"), std::string::npos);
  }
  EXPECT_EQ(database_.exec("SELECT name FROM users WHERE id = $1", {std::string(kGlobexAdminId)}).value(),
            "Gina Admin");
}

TEST_F(gateway_e2e, audit_log_routes_are_admin_only) {
  start();
  auto list = get("/audit-logs", keys_->acme_admin());
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200) << list->body;
  EXPECT_FALSE(body_json(list)["items"].empty());
  auto one = get(std::string("/audit-logs/") + kAcmeAuditId, keys_->acme_admin());
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200);
  EXPECT_EQ(body_json(one)["action"], "user.created");
  auto viewer = get("/audit-logs", keys_->acme_viewer());
  ASSERT_TRUE(viewer);
  EXPECT_EQ(viewer->status, 403);
}

TEST_F(gateway_e2e, responses_are_gzipped_when_the_client_accepts_it) {
  start();
  auto zipped = get("/users?limit=100", keys_->acme_admin(), {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(zipped);
  ASSERT_EQ(zipped->status, 200);
  EXPECT_EQ(zipped->get_header_value("Content-Encoding"), "gzip");
  auto inflated = gzip_decompress(zipped->body, 16 << 20);
  ASSERT_TRUE(inflated.ok()) << "body is not gzip";
  EXPECT_EQ(json::parse(*inflated)["items"].size(), 100U);

  auto plain = get("/users?limit=100", keys_->acme_admin());
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->has_header("Content-Encoding"));
  EXPECT_EQ(plain->body, *inflated);
}

TEST_F(gateway_e2e, embed_url_comes_from_the_local_quicksight_stand_in) {
  start();
  auto res = send("POST", "/quicksight/embed-url", keys_->acme_analyst(), {{"dashboardId", "sales-overview"}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const std::string url = body_json(res)["embedUrl"];
  EXPECT_EQ(url.rfind("https://us-east-1.quicksight.aws.amazon.com/embed/", 0), 0U) << url;
  const json stats = fake_aws_->stats();
  EXPECT_EQ(stats["quicksight"]["requests"], 1);
  EXPECT_TRUE(stats["signatureRejections"].empty()) << stats.dump();

  auto forbidden = send("POST", "/quicksight/embed-url", keys_->acme_viewer(), {{"dashboardId", "finance-executive"}});
  ASSERT_TRUE(forbidden);
  EXPECT_EQ(forbidden->status, 403);
}

TEST_F(gateway_e2e, without_the_contract_resources_api_gateway_lacks_are_404_and_other_paths_reach_the_function) {
  start();
  auto client = gateway_->client();
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/"}, {"POST", "/health"}}) {
    auto res = method == "GET" ? client.Get(path) : client.Post(path, "{}", "application/json");
    expect_gateway_error(res, 404, "not_found", "No route for this path");
    EXPECT_EQ(res->get_header_value("x-amzn-ErrorType"), "MissingAuthenticationTokenException") << path;
  }
  auto unknown = get("/no-such-route", keys_->acme_admin());
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(body_json(unknown)["error"]["code"], "not_found");  // the function's envelope
  EXPECT_FALSE(unknown->has_header("x-amzn-ErrorType"));
}

// As ./run.sh serves it: the gateway's resources are openapi/openapi.yaml's
// operations, like the REST API infra/api.tf imports from it.
TEST_F(gateway_e2e, with_the_contract_only_its_operations_reach_the_function) {
  const fs::path suite = dir_.path() / "recorded";
  start({"--openapi", contract_json(dir_.path()).string(), "--record", suite.string()});
  auto client = gateway_->client();
  const std::string admin = keys_->acme_admin();
  std::vector<json> answers;

  // Paths and methods the document lacks: the gateway's 404 (the function
  // would have said 405 method_not_allowed for the methods).
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/"},
                                                        {"GET", "/no-such-route"},
                                                        {"GET", std::string("/users/") + kAcmeAnalystId + "/roles"},
                                                        {"POST", "/health"},
                                                        {"PUT", std::string("/users/") + kAcmeAnalystId},
                                                        {"DELETE", std::string("/audit-logs/") + kAcmeAuditId},
                                                        {"GET", "/quicksight/embed-url"}}) {
    httplib::Result res = method == "GET"    ? client.Get(path, bearer(admin))
                          : method == "POST" ? client.Post(path, bearer(admin), "{}", "application/json")
                          : method == "PUT"  ? client.Put(path, bearer(admin), "{}", "application/json")
                                             : client.Delete(path, bearer(admin));
    expect_gateway_error(res, 404, "not_found", "No route for this path");
    EXPECT_EQ(res->get_header_value("x-amzn-ErrorType"), "MissingAuthenticationTokenException") << method << path;
    EXPECT_EQ(res->get_header_value("Access-Control-Allow-Origin"), kOrigin);
    answers.push_back(gateway_answer(method, path, res));
  }

  // Public and authorised exactly as the document says.
  auto health = client.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200) << health->body;
  auto preflight = client.Options(std::string("/users/") + kAcmeAnalystId,
                                  {{"Origin", kOrigin}, {"Access-Control-Request-Method", "PATCH"}});
  ASSERT_TRUE(preflight);
  EXPECT_LT(preflight->status, 300);
  for (const char* path : {"/users", "/audit-logs"}) {
    auto res = client.Get(path);
    expect_unauthorized(res);
    answers.push_back(gateway_answer("GET", path, res));
  }
  auto no_token_post = client.Post("/quicksight/embed-url", R"({"dashboardId":"sales-overview"})", "application/json");
  expect_unauthorized(no_token_post);
  answers.push_back(gateway_answer("POST", "/quicksight/embed-url", no_token_post));

  // The function still routes these events (it reads the path).
  auto one = get(std::string("/users/") + kAcmeAnalystId, admin);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200) << one->body;
  EXPECT_EQ(body_json(one)["email"], "analyst@acme.example");
  auto audit = get(std::string("/audit-logs/") + kAcmeAuditId, admin);
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->status, 200) << audit->body;
  auto other = get(std::string("/users/") + kGlobexAdminId, admin);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  EXPECT_EQ(body_json(other)["error"]["code"], "not_found");
  EXPECT_FALSE(other->has_header("x-amzn-ErrorType"));  // the function's 404, not the gateway's

  const auto exit = gateway_->process().stop();
  EXPECT_TRUE(exit.success()) << exit.describe();
  // Only the invocations were recorded; their events carry the template.
  const std::vector<std::string> events = recorded_events(suite);
  ASSERT_EQ(events.size(), 5U);  // health, preflight, two users, one audit log
  const json user_event = json::parse(read_file(suite / events[2]));
  EXPECT_EQ(user_event["resource"], "/users/{id}");
  EXPECT_EQ(user_event["requestContext"]["resourcePath"], "/users/{id}");
  EXPECT_EQ(user_event["pathParameters"], (json{{"id", kAcmeAnalystId}}));
  const json audit_event = json::parse(read_file(suite / events[3]));
  EXPECT_EQ(audit_event["resource"], "/audit-logs/{id}");
  EXPECT_EQ(audit_event["pathParameters"], (json{{"id", kAcmeAuditId}}));

  EXPECT_EQ(contract_violations(dir_.path(), answers), "");
}

TEST_F(gateway_e2e, http_api_mode_serves_the_same_api) {
  start({"--http-api"});
  auto client = gateway_->client();
  EXPECT_EQ(gateway_->ready_line()["format"], "http-2.0");
  auto health = client.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  expect_unauthorized(client.Get("/users"));
  auto users = get("/users?limit=5", keys_->acme_admin());
  ASSERT_TRUE(users);
  ASSERT_EQ(users->status, 200) << users->body;
  EXPECT_EQ(body_json(users)["items"].size(), 5U);
  auto other = get(std::string("/users/") + kGlobexAdminId, keys_->acme_admin());
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  auto zipped = get("/users?limit=100", keys_->acme_admin(), {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(zipped);
  EXPECT_EQ(zipped->get_header_value("Content-Encoding"), "gzip");
  auto embed = send("POST", "/quicksight/embed-url", keys_->acme_admin(), {{"dashboardId", "sales-overview"}});
  ASSERT_TRUE(embed);
  EXPECT_EQ(embed->status, 200) << embed->body;
}

TEST_F(gateway_e2e, http_api_mode_with_the_contract_sends_route_keys_and_path_parameters) {
  const fs::path suite = dir_.path() / "recorded";
  start({"--http-api", "--openapi", contract_json(dir_.path()).string(), "--record", suite.string()});
  auto user = get(std::string("/users/") + kAcmeAnalystId, keys_->acme_admin());
  ASSERT_TRUE(user);
  ASSERT_EQ(user->status, 200) << user->body;
  EXPECT_EQ(body_json(user)["email"], "analyst@acme.example");
  auto missing = get("/no-such-route", keys_->acme_admin());
  expect_gateway_error(missing, 404, "not_found", "No route for this path");
  const auto exit = gateway_->process().stop();
  EXPECT_TRUE(exit.success()) << exit.describe();
  const json event = json::parse(read_file(suite / "0001-get-users-a1000000-0000-4000-8000-000000000002.json"));
  EXPECT_EQ(event["routeKey"], "GET /users/{id}");
  EXPECT_EQ(event["pathParameters"], (json{{"id", kAcmeAnalystId}}));
}

TEST_F(gateway_e2e, recorded_requests_replay_green_with_the_replay_tool) {
  const fs::path suite = dir_.path() / "recorded";
  start({"--record", suite.string()});
  const std::string admin = keys_->acme_admin();
  auto client = gateway_->client();
  ASSERT_TRUE(client.Get("/health"));
  ASSERT_TRUE(get("/users?limit=3", admin));
  ASSERT_TRUE(get(std::string("/users/") + kAcmeAnalystId, admin));
  ASSERT_TRUE(get(std::string("/users/") + kGlobexAdminId, admin));  // 404
  ASSERT_TRUE(get("/audit-logs?limit=2", admin, {{"Accept-Encoding", "gzip"}}));
  ASSERT_TRUE(client.Get("/users"));  // 401 from the gateway: nothing to record
  const auto exit = gateway_->process().stop();
  EXPECT_TRUE(exit.success()) << exit.describe();

  const std::vector<std::string> events = recorded_events(suite);
  EXPECT_EQ(events.size(), 5U);
  const std::string users_event = read_file(suite / "0002-get-users.json");
  EXPECT_EQ(users_event.find(admin), std::string::npos) << "the token must not be recorded";
  const json golden = json::parse(read_file(suite / "0001-get-health.expected.json"));
  EXPECT_EQ(golden["response"]["statusCode"], 200);
  EXPECT_NE(std::find(golden["$masked"].begin(), golden["$masked"].end(), "body.coldStart"), golden["$masked"].end());

  // The replay suite clones the same seeded template, so the goldens hold.
  const auto replay = test::run_command(std::string(SHOPPULSE_REPLAY) + " --bootstrap " + SHOPPULSE_BOOTSTRAP +
                                        " --events " + test::shell_quote(suite.string()));
  EXPECT_EQ(replay.exit_code, 0) << replay.output;
  EXPECT_NE(replay.output.find("5 passed, 0 failed"), std::string::npos) << replay.output;
}

}  // namespace
}  // namespace shoppulse::e2e
