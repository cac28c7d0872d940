#include "api_harness.h"

namespace shoppulse::test {
namespace {

class AuditRoutes : public ApiHarness {};

TEST_F(AuditRoutes, AdminsOnly) {
  EXPECT_EQ(get("/audit-logs", acme_analyst()).status, 403);
  EXPECT_EQ(get("/audit-logs", acme_viewer()).status, 403);
  EXPECT_EQ(get("/audit-logs", acme_admin()).status, 200);
}

TEST_F(AuditRoutes, NewestFirstOnlyOwnTenantWithTheDocumentedShape) {
  const Reply reply = get("/audit-logs", acme_admin(), {{"limit", {"100"}}});
  ASSERT_EQ(reply.status, 200);
  ASSERT_FALSE(reply.body["items"].empty());
  std::string previous = "9999";
  for (const auto& entry : reply.body["items"]) {
    for (const char* key : {"id", "action", "actorId", "actorSub", "resourceType", "resourceId", "requestId",
                            "sourceIp", "details", "createdAt"}) {
      EXPECT_TRUE(entry.contains(key)) << key;
    }
    EXPECT_LE(entry["createdAt"].get<std::string>(), previous);
    previous = entry["createdAt"];
    EXPECT_EQ(scalar("SELECT tenant_id::text FROM audit_logs WHERE id = $1", {entry["id"].get<std::string>()}), kAcme);
  }
}

TEST_F(AuditRoutes, FiltersNarrowTheResults) {
  ASSERT_EQ(
      send("POST", "/users", acme_admin(), {{"email", "f@acme.example"}, {"name", "F"}, {"role", "viewer"}}).status,
      201);
  const Reply created = get("/audit-logs", acme_admin(), {{"action", {"user.created"}}, {"limit", {"100"}}});
  ASSERT_EQ(created.status, 200);
  ASSERT_FALSE(created.body["items"].empty());
  for (const auto& entry : created.body["items"]) EXPECT_EQ(entry["action"], "user.created");
  const Reply by_actor = get("/audit-logs", acme_admin(), {{"actorId", {kAcmeAdminId}}, {"resourceType", {"user"}}});
  ASSERT_EQ(by_actor.status, 200);
  for (const auto& entry : by_actor.body["items"]) EXPECT_EQ(entry["actorId"], kAcmeAdminId);
  const Reply future = get("/audit-logs", acme_admin(), {{"from", {"2999-01-01T00:00:00Z"}}});
  EXPECT_EQ(future.body["items"].size(), 0U);
  const Reply window =
      get("/audit-logs", acme_admin(), {{"from", {"2000-01-01"}}, {"to", {"2999-12-31T23:59:59.999+02:00"}}});
  EXPECT_EQ(window.status, 200);
}

TEST_F(AuditRoutes, BadFiltersAre400ListingEachField) {
  const Reply reply =
      get("/audit-logs", acme_admin(),
          {{"actorId", {"nope"}}, {"from", {"yesterday"}}, {"to", {"2026-02-30"}}, {"action", {"DROP TABLE"}}});
  ASSERT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"]["details"].size(), 4U);
}

TEST_F(AuditRoutes, PaginationAndForeignIds) {
  const Reply first = get("/audit-logs", acme_admin(), {{"limit", {"1"}}});
  ASSERT_TRUE(first.body["nextCursor"].is_string());
  const Reply second = get("/audit-logs", acme_admin(), {{"limit", {"1"}}, {"cursor", {first.body["nextCursor"]}}});
  ASSERT_EQ(second.status, 200);
  EXPECT_NE(first.body["items"][0]["id"], second.body["items"][0]["id"]);

  const std::string globex_entry = scalar("SELECT id::text FROM audit_logs WHERE tenant_id = $1 LIMIT 1", {kGlobex});
  EXPECT_EQ(get("/audit-logs/" + globex_entry, acme_admin()).status, 404);
  EXPECT_EQ(get("/audit-logs/" + globex_entry, globex_admin()).status, 200);
  const std::string acme_entry = first.body["items"][0]["id"];
  EXPECT_EQ(get("/audit-logs/" + acme_entry, acme_admin()).body["id"], acme_entry);
}

class HealthRoute : public ApiHarness {};

TEST_F(HealthRoute, NeedsNoTokenAndReportsTheDatabase) {
  Call c;
  c.path = "/health";
  const Reply reply = call(c);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["status"], "ok");
  EXPECT_EQ(reply.body["database"], "ok");
  EXPECT_EQ(reply.body["version"], "test");
  EXPECT_TRUE(reply.body["coldStart"].is_boolean());
}

class NoDatabase : public ApiHarness {
 protected:
  handlers::Dependencies dependencies() override {
    handlers::Dependencies deps;  // nothing configured
    return deps;
  }
};

TEST_F(NoDatabase, DatabaseRoutesAnswer503WithRetryAfter) {
  const Reply reply = get("/users", acme_admin());
  EXPECT_EQ(reply.status, 503);
  EXPECT_TRUE(reply.headers.contains("Retry-After"));
  Call health;
  health.path = "/health";
  EXPECT_EQ(call(health).body["database"], "not_configured");
}

}  // namespace
}  // namespace shoppulse::test
