#include <set>

#include "api_harness.h"

namespace shoppulse::test {
namespace {

using nlohmann::json;

class UsersRoutes : public ApiHarness {};

TEST_F(UsersRoutes, MissingOrMalformedClaimsAre401) {
  Call no_claims;
  no_claims.path = "/users";
  EXPECT_EQ(call(no_claims).status, 401);
  EXPECT_EQ(get("/users", {"not-a-uuid", "dev-acme-admin", "admin"}).status, 401);
  EXPECT_EQ(get("/users", {kAcme, "", "admin"}).status, 401);
  EXPECT_EQ(get("/users", {kAcme, "dev-acme-admin", "superuser"}).status, 401);
  const Reply reply = get("/users", {"", "dev-acme-admin", "admin"});
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(error_code(reply), "unauthorized");
  EXPECT_EQ(reply.body["error"]["requestId"], "api-req-v1");
}

TEST_F(UsersRoutes, ListPagesThroughEveryUserOfTheTenantExactlyOnce) {
  std::set<std::string> seen;
  std::optional<std::string> cursor;
  int pages = 0;
  do {
    std::map<std::string, std::vector<std::string>> query{{"limit", {"50"}}};
    if (cursor) query["cursor"] = {*cursor};
    const Reply page = get("/users", acme_admin(), query);
    ASSERT_EQ(page.status, 200) << page.raw_body;
    ASSERT_LE(page.body["items"].size(), 50U);
    for (const auto& user : page.body["items"]) {
      EXPECT_TRUE(seen.insert(user["id"].get<std::string>()).second) << "duplicate " << user["id"];
      EXPECT_EQ(user["email"].get<std::string>().find("globex"), std::string::npos);
      for (const char* key : {"id", "email", "name", "role", "status", "createdAt", "updatedAt"}) {
        EXPECT_TRUE(user.contains(key)) << key;
      }
    }
    cursor = page.body["nextCursor"].is_string() ? std::optional<std::string>(page.body["nextCursor"]) : std::nullopt;
    ++pages;
  } while (cursor && pages < 10);
  const std::size_t acme_users = std::stoul(scalar("SELECT count(*) FROM users WHERE tenant_id = $1", {kAcme}));
  ASSERT_GT(acme_users, 50U) << "the seed must give Acme more than one page";
  EXPECT_EQ(seen.size(), acme_users);
  EXPECT_EQ(pages, static_cast<int>((acme_users + 49) / 50));
}

TEST_F(UsersRoutes, DefaultPageIs25NewestFirstWithRfc3339Timestamps) {
  const Reply page = get("/users", acme_admin());
  ASSERT_EQ(page.status, 200);
  ASSERT_EQ(page.body["items"].size(), 25U);
  std::string previous = "9999";
  for (const auto& user : page.body["items"]) {
    const std::string created = user["createdAt"];
    EXPECT_EQ(created.size(), 24U) << created;  // 2026-11-23T10:15:30.123Z
    EXPECT_EQ(created.back(), 'Z');
    EXPECT_LE(created, previous);
    previous = created;
  }
  EXPECT_TRUE(page.body["nextCursor"].is_string());
}

TEST_F(UsersRoutes, BadLimitsAre400WithTheEnvelope) {
  for (const char* limit : {"0", "101", "-1", "abc", "1.5", "99999999999", ""}) {
    // "limit 1..100, anything else -> 400": an empty value is not a number either.
    const Reply reply = get("/users", acme_admin(), {{"limit", {limit}}});
    EXPECT_EQ(reply.status, 400) << limit;
    EXPECT_EQ(error_code(reply), "invalid_limit") << limit;
  }
  EXPECT_EQ(get("/users", acme_admin(), {{"limit", {"1", "2"}}}).status, 400);
}

TEST_F(UsersRoutes, ForeignOrTamperedCursorsAre400) {
  const Reply globex_page = get("/users", globex_admin(), {{"limit", {"1"}}});
  ASSERT_TRUE(globex_page.body["nextCursor"].is_string());
  const std::string globex_cursor = globex_page.body["nextCursor"];
  EXPECT_EQ(error_code(get("/users", acme_admin(), {{"cursor", {globex_cursor}}})), "invalid_cursor");

  const Reply acme_page = get("/users", acme_admin(), {{"limit", {"1"}}});
  std::string tampered = acme_page.body["nextCursor"];
  tampered[3] = tampered[3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(get("/users", acme_admin(), {{"cursor", {tampered}}}).status, 400);
  EXPECT_EQ(get("/users", acme_admin(), {{"cursor", {"garbage"}}}).status, 400);
  EXPECT_EQ(get("/users", acme_admin(), {{"cursor", {std::string(5000, 'A')}}}).status, 400);
  // A genuine cursor of another listing is refused too.
  const Reply audit = get("/audit-logs", acme_admin(), {{"limit", {"1"}}});
  ASSERT_TRUE(audit.body["nextCursor"].is_string());
  EXPECT_EQ(get("/users", acme_admin(), {{"cursor", {audit.body["nextCursor"].get<std::string>()}}}).status, 400);
}

TEST_F(UsersRoutes, FiltersByRoleStatusAndPrefix) {
  const Reply admins = get("/users", acme_admin(), {{"role", {"admin"}}, {"limit", {"100"}}});
  ASSERT_EQ(admins.status, 200);
  for (const auto& user : admins.body["items"]) EXPECT_EQ(user["role"], "admin");
  const Reply disabled = get("/users", acme_admin(), {{"status", {"disabled"}}});
  ASSERT_EQ(disabled.status, 200);
  ASSERT_GE(disabled.body["items"].size(), 1U);
  for (const auto& user : disabled.body["items"]) EXPECT_EQ(user["status"], "disabled");
  const Reply prefix = get("/users", acme_admin(), {{"q", {"ADA"}}});
  ASSERT_EQ(prefix.status, 200);
  ASSERT_GE(prefix.body["items"].size(), 1U);
  EXPECT_EQ(prefix.body["items"][0]["name"], "Ada Admin");
  // LIKE metacharacters match literally.
  EXPECT_EQ(get("/users", acme_admin(), {{"q", {"%"}}}).body["items"].size(), 0U);
  EXPECT_EQ(get("/users", acme_admin(), {{"role", {"root"}}}).status, 400);
  EXPECT_EQ(get("/users", acme_admin(), {{"status", {"gone"}}}).status, 400);
}

TEST_F(UsersRoutes, ViewersSeeMaskedEmailsUnderThePiiRule) {
  const Reply reply = get(std::string("/users/") + kAcmeAdminId, acme_viewer());
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["email"], "a***@acme.example");
  EXPECT_EQ(get(std::string("/users/") + kAcmeAdminId, acme_analyst()).body["email"], "admin@acme.example");
  // A masked role cannot recover emails by prefix search either.
  EXPECT_EQ(get("/users", acme_viewer(), {{"q", {"admin@"}}}).body["items"].size(), 0U);
}

TEST_F(UsersRoutes, AnotherTenantsUserIsExactlyLikeAMissingOne) {
  const Reply foreign = get(std::string("/users/") + kGlobexAdminId, acme_admin());
  const Reply missing = get("/users/00000000-0000-4000-8000-000000000000", acme_admin());
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(foreign.body["error"]["code"], missing.body["error"]["code"]);
  EXPECT_EQ(foreign.body["error"]["message"], missing.body["error"]["message"]);
  EXPECT_EQ(get("/users/not-a-uuid", acme_admin()).status, 404);
  EXPECT_EQ(get("/users/' OR 1=1 --", acme_admin()).status, 404);
}

TEST_F(UsersRoutes, CreateReturns201WithLocationAndWritesItsAuditRow) {
  const Reply created = send("POST", "/users", acme_admin(),
                             {{"email", "New.Person@Acme.example"}, {"name", "  New Person "}, {"role", "analyst"}});
  ASSERT_EQ(created.status, 201) << created.raw_body;
  const std::string id = created.body["id"];
  EXPECT_EQ(created.headers["Location"], "/users/" + id);
  EXPECT_EQ(created.body["name"], "New Person");
  EXPECT_EQ(created.body["status"], "active");
  EXPECT_EQ(scalar("SELECT tenant_id::text FROM users WHERE id = $1", {id}), kAcme);
  // What the route hands to the audit row: the caller from the claims, the
  // request id and source IP from the event. The row itself is
  // tests/sql/api_functions_test.cpp's.
  EXPECT_EQ(scalar("SELECT string_agg(concat_ws(' ', actor_user_id, actor_sub, action, request_id, host(source_ip)), "
                   "' | ') FROM audit_logs WHERE resource_id = $1",
                   {id}),
            std::string(kAcmeAdminId) + " dev-acme-admin user.created api-req-v1 198.51.100.7");
}

TEST_F(UsersRoutes, AdminWithoutAUserRowCanProvisionTheFirstUsers) {
  const Reply created = send("POST", "/users", {kAcme, "bootstrap-admin-sub", "admin"},
                             {{"email", "first@acme.example"}, {"name", "First"}, {"role", "admin"}});
  ASSERT_EQ(created.status, 201);
  const auto audit = database_.exec("SELECT actor_user_id IS NULL, actor_sub FROM audit_logs WHERE resource_id = $1",
                                    {created.body["id"].get<std::string>()});
  EXPECT_EQ(audit.value(0, 0), "t");
  EXPECT_EQ(audit.value(0, 1), "bootstrap-admin-sub");
}

TEST_F(UsersRoutes, DuplicateEmailDifferingInCaseIs409) {
  const Reply duplicate =
      send("POST", "/users", acme_admin(), {{"email", "ADMIN@acme.example"}, {"name", "Copy"}, {"role", "viewer"}});
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(error_code(duplicate), "email_taken");
  // Emails are unique per tenant, not globally.
  EXPECT_EQ(send("POST", "/users", globex_admin(), {{"email", "admin@acme.example"}, {"name", "X"}, {"role", "viewer"}})
                .status,
            201);
}

TEST_F(UsersRoutes, ValidationListsEveryFailingField) {
  const Reply reply = send("POST", "/users", acme_admin(),
                           {{"email", "not-an-email"}, {"name", std::string(51, 'n')}, {"role", "owner"}, {"x", 1}});
  ASSERT_EQ(reply.status, 400);
  EXPECT_EQ(error_code(reply), "validation_failed");
  std::set<std::string> fields;
  for (const auto& detail : reply.body["error"]["details"]) fields.insert(detail["field"].get<std::string>());
  EXPECT_EQ(fields, (std::set<std::string>{"email", "name", "role", "x"}));
  const Reply missing = send("POST", "/users", acme_admin(), json::object());
  EXPECT_EQ(missing.body["error"]["details"].size(), 3U);
  EXPECT_EQ(send("POST", "/users", acme_admin(), {{"email", 7}, {"name", true}, {"role", nullptr}}).status, 400);
}

TEST_F(UsersRoutes, MalformedBodiesGetClear4xx) {
  Call c;
  c.method = "POST";
  c.path = "/users";
  c.who = acme_admin();
  c.body = "{\"email\": ";
  EXPECT_EQ(error_code(call(c)), "malformed_json");
  c.body = "[1,2,3]";
  EXPECT_EQ(call(c).status, 400);
  c.body = R"({"email":"a@b.co","name":"x","role":"viewer"})";
  c.headers["Content-Type"] = "text/plain";
  EXPECT_EQ(call(c).status, 415);
  c.headers["Content-Type"] = "application/json; charset=utf-8";
  c.body = std::string(1024 * 1024 + 10, ' ');
  EXPECT_EQ(call(c).status, 413);
}

TEST_F(UsersRoutes, OnlyAdminsCreateOrDelete) {
  EXPECT_EQ(
      send("POST", "/users", acme_analyst(), {{"email", "x@acme.example"}, {"name", "X"}, {"role", "admin"}}).status,
      403);
  Call del;
  del.method = "DELETE";
  del.path = std::string("/users/") + kAcmeViewerId;
  del.who = acme_viewer();
  EXPECT_EQ(call(del).status, 403);
  del.who = Who{kAcme, "dev-acme-viewer", ""};  // no role claim: viewer
  EXPECT_EQ(call(del).status, 403);
}

TEST_F(UsersRoutes, SelfMayRenameButNothingElse) {
  const std::string me = std::string("/users/") + kAcmeAnalystId;
  const Reply renamed = send("PATCH", me, acme_analyst(), {{"name", "Andy A."}});
  ASSERT_EQ(renamed.status, 200) << renamed.raw_body;
  EXPECT_EQ(renamed.body["name"], "Andy A.");
  EXPECT_EQ(send("PATCH", me, acme_analyst(), {{"role", "admin"}}).status, 403);
  EXPECT_EQ(send("PATCH", std::string("/users/") + kAcmeViewerId, acme_analyst(), {{"name", "Hacked"}}).status, 403);
  EXPECT_EQ(scalar("SELECT role FROM users WHERE id = $1", {kAcmeAnalystId}), "analyst");
  EXPECT_EQ(scalar("SELECT name FROM users WHERE id = $1", {kAcmeViewerId}), "Vera Viewer");
  const auto audit = database_.exec(
      "SELECT details->'before'->>'name', details->'after'->>'name', details->'after' ? 'role' FROM audit_logs "
      "WHERE action = 'user.updated' AND resource_id = $1",
      {kAcmeAnalystId});
  ASSERT_EQ(audit.rows.size(), 1U);
  EXPECT_EQ(audit.value(0, 0), "Andy Analyst");
  EXPECT_EQ(audit.value(0, 1), "Andy A.");
  EXPECT_EQ(audit.value(0, 2), "f");  // unchanged fields are not recorded
}

TEST_F(UsersRoutes, AdminCannotTouchAnotherTenantsUser) {
  const std::string path = std::string("/users/") + kGlobexAnalystId;
  EXPECT_EQ(send("PATCH", path, acme_admin(), {{"role", "admin"}}).status, 404);
  Call del;
  del.method = "DELETE";
  del.path = path;
  del.who = acme_admin();
  EXPECT_EQ(call(del).status, 404);
  EXPECT_EQ(scalar("SELECT role FROM users WHERE id = $1", {kGlobexAnalystId}), "analyst");
  EXPECT_EQ(
      scalar("SELECT count(*) FROM audit_logs WHERE resource_id = $1", {kGlobexAnalystId}),
      scalar("SELECT count(*) FROM audit_logs WHERE resource_id = $1 AND tenant_id = $2", {kGlobexAnalystId, kGlobex}));
}

TEST_F(UsersRoutes, DeleteIs204AuditedAndSelfDeleteIsRefused) {
  Call del;
  del.method = "DELETE";
  del.path = std::string("/users/") + kAcmeViewerId;
  del.who = acme_admin();
  const Reply deleted = call(del);
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(scalar("SELECT count(*) FROM users WHERE id = $1", {kAcmeViewerId}), "0");
  EXPECT_EQ(
      scalar("SELECT count(*) FROM audit_logs WHERE action = 'user.deleted' AND resource_id = $1", {kAcmeViewerId}),
      "1");
  EXPECT_EQ(call(del).status, 404);
  del.path = std::string("/users/") + kAcmeAdminId;
  const Reply self = call(del);
  EXPECT_EQ(self.status, 409);
  EXPECT_EQ(error_code(self), "cannot_delete_self");
}

TEST_F(UsersRoutes, AWriteWhoseAuditRowFailsIsRolledBack) {
  database_.exec(
      "ALTER TABLE audit_logs ADD CONSTRAINT test_refuse_created CHECK (action <> 'user.created') NOT VALID");
  const Reply reply =
      send("POST", "/users", acme_admin(), {{"email", "ghost@acme.example"}, {"name", "Ghost"}, {"role", "viewer"}});
  EXPECT_GE(reply.status, 400);
  EXPECT_EQ(scalar("SELECT count(*) FROM users WHERE email = 'ghost@acme.example'"), "0");
}

TEST_F(UsersRoutes, ReadsAndWritesAreOneRoundTrip) {
  static_cast<void>(get("/users", acme_admin()));  // warm the connection
  auto before = pool_->stats().round_trips;
  ASSERT_EQ(get("/users", acme_admin(), {{"limit", {"50"}}}).status, 200);
  EXPECT_EQ(pool_->stats().round_trips - before, 1U);
  before = pool_->stats().round_trips;
  ASSERT_EQ(
      send("POST", "/users", acme_admin(), {{"email", "rt@acme.example"}, {"name", "RT"}, {"role", "viewer"}}).status,
      201);
  EXPECT_EQ(pool_->stats().round_trips - before, 1U);
}

TEST_F(UsersRoutes, HttpApiEventsWithAStagePrefixRouteAndAnswerInV2Shape) {
  Call c;
  c.http_api = true;
  c.path = "/users";
  c.who = acme_admin();
  c.query = {{"limit", {"2"}}};
  const Reply reply = call(c);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["items"].size(), 2U);
  EXPECT_TRUE(reply.envelope.contains("cookies"));
  EXPECT_FALSE(reply.envelope.contains("multiValueHeaders"));
}

TEST_F(UsersRoutes, LargeBodiesAreGzippedWhenTheClientAcceptsIt) {
  Call c;
  c.path = "/users";
  c.who = acme_admin();
  c.query = {{"limit", {"50"}}};
  c.headers["Accept-Encoding"] = "br, gzip;q=0.8";
  const Reply zipped = call(c);
  ASSERT_EQ(zipped.status, 200);
  EXPECT_TRUE(zipped.envelope["isBase64Encoded"].get<bool>());
  EXPECT_EQ(zipped.headers["Content-Encoding"], "gzip");
  EXPECT_EQ(zipped.body["items"].size(), 50U);
  c.headers["Accept-Encoding"] = "gzip;q=0";
  EXPECT_FALSE(call(c).envelope["isBase64Encoded"].get<bool>());
}

TEST_F(UsersRoutes, CorsHeadersAndPreflight) {
  Call c;
  c.path = "/users";
  c.who = acme_admin();
  c.headers["Origin"] = "https://app.shoppulse.example";
  EXPECT_EQ(call(c).headers["Access-Control-Allow-Origin"], "https://app.shoppulse.example");
  c.headers["Origin"] = "https://evil.example";
  EXPECT_FALSE(call(c).headers.contains("Access-Control-Allow-Origin"));
  Call preflight;
  preflight.method = "OPTIONS";
  preflight.path = "/users/123";
  preflight.headers["Origin"] = "https://app.shoppulse.example";
  const Reply reply = call(preflight);  // no token needed
  EXPECT_EQ(reply.status, 204);
  EXPECT_EQ(reply.headers["Access-Control-Allow-Methods"], "GET, PATCH, DELETE, OPTIONS");
}

TEST_F(UsersRoutes, UnknownPathsAnd405) {
  EXPECT_EQ(get("/nope", acme_admin()).status, 404);
  const Reply reply = send("PUT", "/users", acme_admin(), json::object());
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.headers["Allow"], "GET, POST");
}

TEST_F(UsersRoutes, AnExpiredDeadlineAnswers504WithoutTouchingTheDatabase) {
  Call c;
  c.path = "/users";
  c.who = acme_admin();
  const auto before = pool_->stats().round_trips;
  const Reply reply = call(c, now_epoch_ms() + 50);
  EXPECT_EQ(reply.status, 504);
  EXPECT_EQ(pool_->stats().round_trips, before);
}

}  // namespace
}  // namespace shoppulse::test
