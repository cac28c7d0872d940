// Hostile and malformed input through the real bootstrap: every case gets
// its documented 4xx with the error envelope, never a 5xx or a crash, no
// header can be split, and the database is unchanged.

#include "bootstrap_harness.h"

namespace shoppulse::test {
namespace {

struct Case {
  std::string name;
  Call call;
  int status;
};

// A raw NUL inside a JSON string is invalid JSON; inside the name it must never reach SQL.
constexpr char kNulBody[] = "{\"email\":\"a@b.co\",\"name\":\"a\0b\",\"role\":\"viewer\"}";

std::vector<Case> matrix() {
  const Who admin = acme_admin();
  const auto body = [&](std::string method, std::string path, std::string raw) {
    Call c = api_call(std::move(method), std::move(path), admin);
    c.body = std::move(raw);
    return c;
  };
  const auto query = [&](std::string path, std::string key, std::string value) {
    Call c = api_call("GET", std::move(path), admin);
    c.query[key] = {std::move(value)};
    return c;
  };
  const std::string sql = "x'); DROP TABLE users; --";
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  std::vector<Case> cases = {
      {"invalid json", body("POST", "/users", "{\"email\": \"a@b.co\","), 400},
      {"json array", body("POST", "/users", "[]"), 400},
      {"wrong types", body("POST", "/users", R"({"email":1,"name":[],"role":{}})"), 400},
      {"huge strings",
       body("POST", "/users",
            nlohmann::json{
                {"email", std::string(100000, 'a') + "@x.co"}, {"name", std::string(100000, 'n')}, {"role", "viewer"}}
                .dump()),
       400},
      {"2 MiB body", body("POST", "/users", std::string(2 * 1024 * 1024, ' ')), 413},
      {"deep nesting", body("POST", "/users", deep), 400},
      {"invalid utf-8", body("POST", "/users", "{\"email\":\"a@b.co\",\"name\":\"\xff\xfe\",\"role\":\"viewer\"}"),
       400},
      {"nul bytes", body("POST", "/users", std::string(kNulBody, sizeof kNulBody - 1)), 400},
      {"sql in email", body("POST", "/users", nlohmann::json{{"email", sql}, {"name", "x"}, {"role", "viewer"}}.dump()),
       400},
      {"sql in name",
       body("POST", "/users", nlohmann::json{{"email", "ok@acme.example"}, {"name", sql}, {"role", sql}}.dump()), 400},
      {"sql in path", api_call("GET", "/users/" + sql, admin), 404},
      {"sql in query", query("/users", "role", sql), 400},
      {"sql in audit filter", query("/audit-logs", "resourceType", sql), 400},
      {"negative limit", query("/users", "limit", "-5"), 400},
      {"huge limit", query("/users", "limit", "99999999999999999999"), 400},
      {"forged cursor",
       query("/users", "cursor",
             "eyJ2IjoxLCJ0IjoiMjIyMjIyMjItMjIyMi00MjIyLTgyMjItMjIyMjIyMjIyMjIyIn0.AAAAAAAAAAAAAAAAAAAAAA"),
       400},
      {"tenant in body",
       body("POST", "/users",
            nlohmann::json{{"email", "t@acme.example"}, {"name", "T"}, {"role", "viewer"}, {"tenant_id", kGlobex}}
                .dump()),
       400},
      {"tenant in path", api_call("GET", std::string("/users/") + kGlobexAdminId, admin), 404},
      {"missing claims", api_call("GET", "/users", std::nullopt), 401},
      {"forged tenant claim", api_call("GET", "/users", Who{"'; SELECT 1; --", "dev-acme-admin", "admin"}), 401},
      {"unknown route", api_call("GET", "/../../etc/passwd", admin), 404},
      {"embed sql dashboard", body("POST", "/quicksight/embed-url", nlohmann::json{{"dashboardId", sql}}.dump()), 400},
  };
  Call crlf = api_call("GET", "/users", admin);
  crlf.headers["Origin"] = "http://localhost:3000\r\nSet-Cookie: pwned=1";
  cases.push_back({"crlf header", crlf, 200});
  Call text = body("POST", "/users", R"({"email":"a@b.co","name":"x","role":"viewer"})");
  text.headers["Content-Type"] = "text/xml";
  cases.push_back({"not json content type", text, 415});
  // A query filter for another tenant's id is just a filter inside ours.
  cases.push_back({"tenant in query", query("/users", "tenant_id", kGlobex), 200});
  return cases;
}

TEST(BadInput, EveryCaseGetsItsDocumented4xxAndNothingChanges) {
  TestDatabase database;
  const std::string url =
      "postgresql://shoppulse_lambda:lambda-test-password@127.0.0.1:" + std::to_string(database.server().port()) + "/" +
      database.name();
  auto sandbox = start_bootstrap({{"DATABASE_URL", url}, {"CORS_ALLOW_ORIGINS", "http://localhost:3000"}});
  ASSERT_NE(sandbox, nullptr);
  const auto count = [&](const char* table) {
    return database.exec(std::string("SELECT count(*) FROM ") + table).value();
  };
  const std::string users_before = count("users");
  const std::string audit_before = count("audit_logs");
  const pid_t pid = sandbox->pid();

  for (const auto& c : matrix()) {
    SCOPED_TRACE(c.name);
    const HttpReply reply = invoke_api(*sandbox, c.call);
    ASSERT_EQ(reply.raw.outcome, emulator::InvocationResult::Outcome::kResponse);
    EXPECT_EQ(reply.status, c.status);
    if (c.status >= 400) {
      ASSERT_TRUE(reply.body.is_object()) << reply.body_text;
      EXPECT_TRUE(reply.body["error"]["code"].is_string());
      EXPECT_TRUE(reply.body["error"]["message"].is_string());
      EXPECT_EQ(reply.body["error"]["requestId"], "api-req-v1");
    }
    for (const auto& [name, value] : reply.headers.items()) {
      const std::string text = value.get<std::string>();
      EXPECT_EQ(text.find_first_of("\r\n"), std::string::npos) << name;
    }
    if (c.name == "tenant in query") {
      for (const auto& user : reply.body["items"])
        EXPECT_EQ(user["email"].get<std::string>().find("globex"), std::string::npos);
    }
  }
  EXPECT_EQ(sandbox->pid(), pid);  // never restarted: no crash
  EXPECT_TRUE(sandbox->running());
  EXPECT_EQ(count("users"), users_before);
  EXPECT_EQ(count("audit_logs"), audit_before);
  EXPECT_EQ(database.exec("SELECT count(*) FROM pg_tables WHERE tablename = 'users'").value(), "1");
  expect_all_lines_json(*sandbox);
}

// Tokens of tenant A with ids and cursors of tenant B, on every route.
TEST(TenantIsolation, TenantATokensNeverReadOrChangeTenantBRows) {
  TestDatabase database;
  const std::string url =
      "postgresql://shoppulse_lambda:lambda-test-password@127.0.0.1:" + std::to_string(database.server().port()) + "/" +
      database.name();
  auto sandbox = start_bootstrap({{"DATABASE_URL", url}});
  ASSERT_NE(sandbox, nullptr);
  const auto snapshot = [&] {
    return database
               .exec(
                   "SELECT string_agg(id::text || email || name || role || status || updated_at::text, '|' ORDER BY "
                   "id) "
                   "FROM users WHERE tenant_id = $1",
                   {kGlobex})
               .value() +
           database.exec("SELECT count(*) FROM audit_logs WHERE tenant_id = $1", {kGlobex}).value();
  };
  const std::string before = snapshot();
  const std::string globex_audit =
      database.exec("SELECT id::text FROM audit_logs WHERE tenant_id = $1 LIMIT 1", {kGlobex}).value();
  const HttpReply globex_page = invoke_api(*sandbox, [&] {
    Call c = api_call("GET", "/users", globex_admin());
    c.query["limit"] = {"1"};
    return c;
  }());
  ASSERT_TRUE(globex_page.body["nextCursor"].is_string());

  const std::string b_user = std::string("/users/") + kGlobexAnalystId;
  const std::vector<std::pair<Call, int>> attacks = {
      {api_call("GET", b_user, acme_admin()), 404},
      {api_call("PATCH", b_user, acme_admin(), nlohmann::json{{"name", "owned"}}), 404},
      {api_call("DELETE", b_user, acme_admin()), 404},
      {api_call("GET", "/audit-logs/" + globex_audit, acme_admin()), 404},
      {[&] {
         Call c = api_call("GET", "/users", acme_admin());
         c.query["cursor"] = {globex_page.body["nextCursor"].get<std::string>()};
         return c;
       }(),
       400},
      {[&] {
         Call c = api_call("GET", "/audit-logs", acme_admin());
         c.query["resourceId"] = {kGlobexAnalystId};
         return c;
       }(),
       200},
  };
  for (const auto& [call, status] : attacks) {
    SCOPED_TRACE(call.method + " " + call.path);
    const HttpReply reply = invoke_api(*sandbox, call);
    EXPECT_EQ(reply.status, status);
    EXPECT_EQ(reply.body_text.find("globex"), std::string::npos);
    EXPECT_EQ(reply.body_text.find(kGlobexAnalystId), std::string::npos);
  }
  EXPECT_EQ(snapshot(), before);
}

}  // namespace
}  // namespace shoppulse::test
