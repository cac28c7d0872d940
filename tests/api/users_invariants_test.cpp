// Issue 19's two invariants, through the real routes and database:
// a request body that repeats a member name is refused (400 malformed_json)
// before anything is written, and a tenant never loses its last active admin
// (409 last_active_admin, nothing changed, no audit row), even when two
// admins demote or delete each other at the same moment.

#include <chrono>
#include <string>
#include <thread>

#include "api_harness.h"

namespace shoppulse::test {
namespace {

using nlohmann::json;

// The seeded analyst, once promoted: the tenant's second admin. Tokens carry
// the role claim; the database decides who is an active admin.
Who acme_second_admin() {
  return {kAcme, "dev-acme-analyst", "admin"};
}

// An admin token without a users row (the API allows it: the claim decides).
Who acme_outside_admin() {
  return {kAcme, "dev-acme-outside-admin", "admin"};
}

class UsersInvariants : public ApiHarness {
 protected:
  Reply raw(const std::string& method, const std::string& path, const Who& who, const std::string& body) {
    Call c;
    c.method = method;
    c.path = path;
    c.who = who;
    c.body = body;
    return call(c);
  }
  Reply remove(const std::string& id, const Who& who) {
    Call c;
    c.method = "DELETE";
    c.path = "/users/" + id;
    c.who = who;
    return call(c);
  }
  std::string audit_rows() { return scalar("SELECT count(*) FROM audit_logs"); }
  std::string active_admins() {
    return scalar(
        "SELECT string_agg(id::text, ',' ORDER BY id) FROM users "
        "WHERE tenant_id = $1 AND role = 'admin' AND status = 'active'",
        {kAcme});
  }
  void promote_analyst() {
    const Reply promoted = send("PATCH", std::string("/users/") + kAcmeAnalystId, acme_admin(), {{"role", "admin"}});
    ASSERT_EQ(promoted.status, 200) << promoted.raw_body;
  }
};

void expect_duplicate_refused(const Reply& reply, const std::string& member) {
  EXPECT_EQ(reply.status, 400) << reply.raw_body;
  EXPECT_EQ(error_code(reply), "malformed_json");
  EXPECT_EQ(reply.body["error"]["message"], "Request body repeats a member name");
  ASSERT_EQ(reply.body["error"]["details"].size(), 1U) << reply.raw_body;
  EXPECT_EQ(reply.body["error"]["details"][0]["field"], member);
  EXPECT_EQ(reply.raw_body.find("secret"), std::string::npos) << "values are never echoed: " << reply.raw_body;
}

TEST_F(UsersInvariants, ARepeatedMemberAtAnyLevelIs400MalformedJsonAndWritesNothing) {
  const std::string users = scalar("SELECT count(*) FROM users");
  const std::string audits = audit_rows();
  expect_duplicate_refused(raw("POST", "/users", acme_admin(),
                               R"({"email":"dup@acme.example","name":"Dup","role":"viewer","role":"secret"})"),
                           "role");
  // PATCH: the first value alone would be valid; the body still is not.
  expect_duplicate_refused(
      raw("PATCH", std::string("/users/") + kAcmeViewerId, acme_admin(), R"({"role":"admin","role":"secret"})"),
      "role");
  // Nested (an unknown field, so only the duplicate can refuse it first).
  expect_duplicate_refused(raw("PATCH", std::string("/users/") + kAcmeViewerId, acme_admin(),
                               R"({"name":"Vera","meta":{"a":1,"a":"secret"}})"),
                           "a");
  // An escape spells the same name.
  expect_duplicate_refused(
      raw("PATCH", std::string("/users/") + kAcmeAnalystId, acme_analyst(), R"({"name":"A","n\u0061me":"secret"})"),
      "name");
  expect_duplicate_refused(raw("POST", "/quicksight/embed-url", acme_analyst(),
                               R"({"dashboardId":"sales-overview","dashboardId":"secret"})"),
                           "dashboardId");
  // The same member name in different objects is fine.
  const Reply distinct =
      raw("PATCH", std::string("/users/") + kAcmeViewerId, acme_admin(), R"({"name":"Vera","x":{"name":1}})");
  EXPECT_EQ(distinct.status, 400);
  EXPECT_EQ(error_code(distinct), "validation_failed");

  EXPECT_EQ(scalar("SELECT count(*) FROM users"), users);
  EXPECT_EQ(scalar("SELECT role || ',' || name FROM users WHERE id = $1", {kAcmeViewerId}), "viewer,Vera Viewer");
  EXPECT_EQ(scalar("SELECT name FROM users WHERE id = $1", {kAcmeAnalystId}), "Andy Analyst");
  EXPECT_EQ(audit_rows(), audits);
}

TEST_F(UsersInvariants, TheLastActiveAdminCannotBeDemotedDisabledOrDeleted) {
  ASSERT_EQ(active_admins(), kAcmeAdminId) << "the seed gives Acme one active admin";
  const std::string audits = audit_rows();
  const std::string me = std::string("/users/") + kAcmeAdminId;
  for (const json& change :
       {json{{"role", "viewer"}}, json{{"role", "analyst"}}, json{{"status", "disabled"}},
        json{{"role", "admin"}, {"status", "disabled"}}, json{{"name", "Ada"}, {"role", "viewer"}}}) {
    for (const Who& who : {acme_admin(), acme_outside_admin()}) {
      const Reply refused = send("PATCH", me, who, change);
      EXPECT_EQ(refused.status, 409) << change.dump() << " " << refused.raw_body;
      EXPECT_EQ(error_code(refused), "last_active_admin") << change.dump();
      EXPECT_EQ(refused.body["error"]["message"], "A tenant must keep at least one active admin");
    }
  }
  const Reply deleted = remove(kAcmeAdminId, acme_outside_admin());
  EXPECT_EQ(deleted.status, 409) << deleted.raw_body;
  EXPECT_EQ(error_code(deleted), "last_active_admin");
  // Deleting yourself keeps its own answer, whoever else is an admin.
  EXPECT_EQ(error_code(remove(kAcmeAdminId, acme_admin())), "cannot_delete_self");

  EXPECT_EQ(active_admins(), kAcmeAdminId);
  EXPECT_EQ(scalar("SELECT name FROM users WHERE id = $1", {kAcmeAdminId}), "Ada Admin");
  EXPECT_EQ(audit_rows(), audits) << "a refused write leaves no audit row";

  // What keeps the admin an active admin is still allowed.
  const Reply renamed = send("PATCH", me, acme_admin(), {{"name", "Ada A."}, {"role", "admin"}, {"status", "active"}});
  EXPECT_EQ(renamed.status, 200) << renamed.raw_body;
  // Other tenants are counted apart: Globex's admin is not Acme's.
  EXPECT_EQ(send("PATCH", std::string("/users/") + kGlobexAdminId, globex_admin(), {{"role", "viewer"}}).status, 409);
}

TEST_F(UsersInvariants, WithTwoAdminsOneDemotesTheOtherThenTheLastCannotLeave) {
  promote_analyst();
  // A disabled admin does not count.
  const std::string dana = "a1000000-0000-4000-8000-000000000004";
  ASSERT_EQ(send("PATCH", "/users/" + dana, acme_admin(), {{"role", "admin"}}).status, 200);
  const Reply demoted = send("PATCH", std::string("/users/") + kAcmeAdminId, acme_second_admin(), {{"role", "viewer"}});
  ASSERT_EQ(demoted.status, 200) << demoted.raw_body;
  EXPECT_EQ(demoted.body["role"], "viewer");
  EXPECT_EQ(active_admins(), kAcmeAnalystId);

  const std::string audits = audit_rows();
  const std::string self = std::string("/users/") + kAcmeAnalystId;
  EXPECT_EQ(error_code(send("PATCH", self, acme_second_admin(), {{"role", "viewer"}})), "last_active_admin");
  EXPECT_EQ(error_code(send("PATCH", self, acme_second_admin(), {{"status", "disabled"}})), "last_active_admin");
  // Ada's token still says admin; the database no longer does, and the
  // remaining admin is the last one.
  EXPECT_EQ(error_code(remove(kAcmeAnalystId, acme_admin())), "last_active_admin");
  EXPECT_EQ(active_admins(), kAcmeAnalystId);
  EXPECT_EQ(audit_rows(), audits);

  // Re-enabling the disabled admin gives the tenant a second active admin again.
  ASSERT_EQ(send("PATCH", "/users/" + dana, acme_second_admin(), {{"status", "active"}}).status, 200);
  EXPECT_EQ(remove(kAcmeAnalystId, acme_admin()).status, 204);
  EXPECT_EQ(active_admins(), dana);
}

// Two admins, each removing the other, from two connections at once. A third
// session holds the lowest admin row, so both requests are inside their
// transactions and waiting before either can go on; then it lets go. Exactly
// one may succeed, whichever it is, and one active admin must remain.
class ConcurrentLastAdmin : public UsersInvariants {
 protected:
  void race(const Call& first, const Call& second) {
    promote_analyst();
    const std::string audits = audit_rows();
    db::DbCredentials credentials;
    credentials.conninfo = database_.app_conninfo();
    auto other_pool =
        db::Pool::create(db::PoolSettings{}, [credentials](bool) -> Result<db::DbCredentials> { return credentials; });
    ASSERT_TRUE(other_pool.ok()) << other_pool.error().message;
    handlers::Dependencies deps = dependencies();
    deps.pool = other_pool->get();
    handlers::Application other_app(handlers::AppSettings{"test", false, {}, std::chrono::milliseconds(150)}, deps,
                                    *logger_);

    PgSession blocker(database_.superuser_conninfo());
    blocker.exec("BEGIN");
    blocker.exec("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", {std::string(kAcmeAdminId)});
    Reply replies[2];
    std::thread one([&] { replies[0] = call_on(*app_, first); });
    std::thread two([&] { replies[1] = call_on(other_app, second); });
    // Until both wait on a lock (5 s at most: code that does not lock the
    // admins lets one through, and the assertions below catch it).
    int waiting = 0;
    for (int i = 0; i < 500 && waiting < 2; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      waiting =
          std::stoi(scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock'"));
    }
    EXPECT_EQ(waiting, 2) << "both requests should be waiting for the admins' rows";
    blocker.exec("COMMIT");
    one.join();
    two.join();

    int succeeded = 0;
    int refused = 0;
    for (const Reply& reply : replies) {
      if (reply.status == 200 || reply.status == 204) {
        ++succeeded;
      } else if (reply.status == 409 && error_code(reply) == "last_active_admin") {
        ++refused;
      } else {
        ADD_FAILURE() << "unexpected answer " << reply.status << " " << reply.raw_body;
      }
    }
    EXPECT_EQ(succeeded, 1);
    EXPECT_EQ(refused, 1);
    const std::string left = active_admins();
    EXPECT_TRUE(left == kAcmeAdminId || left == kAcmeAnalystId) << left;
    EXPECT_EQ(std::stoi(audit_rows()), std::stoi(audits) + 1) << "only the write that happened is audited";
  }
};

TEST_F(ConcurrentLastAdmin, TwoAdminsDemotingEachOtherAtOnceLeaveOneActiveAdmin) {
  Call first;
  first.method = "PATCH";
  first.path = std::string("/users/") + kAcmeAnalystId;
  first.who = acme_admin();
  first.body = R"({"role":"viewer"})";
  Call second;
  second.method = "PATCH";
  second.path = std::string("/users/") + kAcmeAdminId;
  second.who = acme_second_admin();
  second.body = R"({"status":"disabled"})";
  race(first, second);
}

TEST_F(ConcurrentLastAdmin, TwoAdminsDeletingEachOtherAtOnceLeaveOneActiveAdmin) {
  Call first;
  first.method = "DELETE";
  first.path = std::string("/users/") + kAcmeAnalystId;
  first.who = acme_admin();
  Call second;
  second.method = "DELETE";
  second.path = std::string("/users/") + kAcmeAdminId;
  second.who = acme_second_admin();
  race(first, second);
}

}  // namespace
}  // namespace shoppulse::test
