// The api.* functions (sql/migrations/0009, 0010) the handlers call: they keep the
// schema's promises (row-level security, append-only audit, a write with its
// audit row or nothing), refuse writes where they read, and PostgreSQL runs
// their statements with cached plans that use the right index.

#include <libpq-fe.h>

#include <string>
#include <vector>

#include "sql_helpers.h"

namespace shoppulse::sqltest {
namespace {

constexpr const char* kAcmeAdminSub = "dev-acme-admin";
constexpr const char* kAcmeViewer = "a1000000-0000-4000-8000-000000000003";

std::string audit_count(TestDatabase& db, const std::string& action) {
  return db.exec("SELECT count(*) FROM audit_logs WHERE action = $1", {action}).value();
}

TEST(SqlApiFunctions, ReadsSeeOnlyTheTenantSetForTheTransaction) {
  TestDatabase db;
  PgSession acme = app_session(db, kAcme);
  // Acme's app session asking for Globex's users sees none: RLS, not the argument, decides.
  EXPECT_EQ(acme.exec("SELECT count(*) FROM api.list_users($1, 'admin', NULL, NULL, NULL, NULL, NULL, 100)", {kGlobex})
                .value(),
            "0");
  EXPECT_NE(
      acme.exec("SELECT count(*) FROM api.list_users($1, 'admin', NULL, NULL, NULL, NULL, NULL, 100)", {kAcme}).value(),
      "0");
  PgSession nobody = app_session(db, "");
  EXPECT_EQ(nobody.exec("SELECT count(*) FROM api.list_users($1, 'admin', NULL, NULL, NULL, NULL, NULL, 100)", {kAcme})
                .value(),
            "0");
  EXPECT_EQ(
      nobody.exec("SELECT count(*) FROM api.embed_policy($1, 'admin', 'sales-overview', $2)", {kAcme, kAcmeAdminSub})
          .value(),
      "0");
}

TEST(SqlApiFunctions, ReadFunctionsCannotWrite) {
  TestDatabase db;
  for (const char* function : {"list_users", "get_user", "list_audit_logs", "get_audit_log", "embed_policy",
                               "email_masked", "actor_id", "user_audit_fields", "user_audit_details"}) {
    EXPECT_EQ(db.exec("SELECT provolatile FROM pg_proc WHERE oid = ('api.' || $1)::regproc", {function}).value(), "s")
        << function << " must be STABLE: PostgreSQL then refuses any write inside it";
  }
}

TEST(SqlApiFunctions, OnlyTheAppRoleMayCallThem) {
  TestDatabase db;
  const SqlOutcome callable = db.exec(
      "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
      "WHERE n.nspname = 'api' AND (has_function_privilege('public', p.oid, 'EXECUTE') "
      "OR NOT has_function_privilege('shoppulse_app', p.oid, 'EXECUTE'))");
  EXPECT_EQ(callable.value(), "0");
  EXPECT_EQ(db.exec("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                    "WHERE n.nspname = 'api' AND p.prosecdef")
                .value(),
            "0")
      << "SECURITY DEFINER would run them as the owner, outside row-level security";
}

TEST(SqlApiFunctions, CreateWritesTheUserAndItsAuditRowTogether) {
  TestDatabase db;
  PgSession acme = app_session(db, kAcme);
  const SqlOutcome created = acme.exec(
      "SELECT id, email, role FROM api.create_user($1, $2, 'admin', 'new.one@acme.example', 'New One', "
      "'viewer', 'req-1', '203.0.113.9')",
      {kAcme, kAcmeAdminSub});
  ASSERT_EQ(created.rows.size(), 1U);
  const std::string id = created.value(0, 0);
  acme.exec("COMMIT");
  const SqlOutcome audit = db.exec(
      "SELECT actor_sub, actor_role, resource_type, request_id, host(source_ip), details::text, "
      "actor_user_id::text FROM audit_logs WHERE action = 'user.created' AND resource_id = $1",
      {id});
  ASSERT_EQ(audit.rows.size(), 1U);
  EXPECT_EQ(audit.value(0, 0), kAcmeAdminSub);
  EXPECT_EQ(audit.value(0, 1), "admin");
  EXPECT_EQ(audit.value(0, 2), "user");
  EXPECT_EQ(audit.value(0, 3), "req-1");
  EXPECT_EQ(audit.value(0, 4), "203.0.113.9");
  EXPECT_EQ(audit.value(0, 5),
            R"({"after": {"name": "New One", "role": "viewer", "email": "new.one@acme.example", "status": "active"}})");
  EXPECT_EQ(audit.value(0, 6), "a1000000-0000-4000-8000-000000000001");  // the caller's own user
}

TEST(SqlApiFunctions, EmptyRequestIdAndSourceIpAreStoredAsNull) {
  TestDatabase db;
  PgSession acme = app_session(db, kAcme);
  acme.exec("SELECT api.audit_embed($1, 'no-such-user', 'viewer', 'sales-overview', '', '', 'dashboard', 60)", {kAcme});
  acme.exec("COMMIT");
  const SqlOutcome audit = db.exec(
      "SELECT request_id IS NULL, source_ip IS NULL, actor_user_id IS NULL, resource_type, resource_id, "
      "details::text FROM audit_logs WHERE action = 'quicksight.embed_url.generated' AND actor_sub = 'no-such-user'");
  ASSERT_EQ(audit.rows.size(), 1U);
  EXPECT_EQ(audit.value(0, 0), "t");
  EXPECT_EQ(audit.value(0, 1), "t");
  EXPECT_EQ(audit.value(0, 2), "t") << "a caller without a user row has no actor_user_id";
  EXPECT_EQ(audit.value(0, 3), "dashboard");
  EXPECT_EQ(audit.value(0, 4), "sales-overview");
  EXPECT_EQ(audit.value(0, 5), R"({"experience": "dashboard", "sessionLifetimeMinutes": 60})");
}

TEST(SqlApiFunctions, OnlyWriteAuditInsertsAuditRows) {
  TestDatabase db;
  // One way to write an audit row: every other api function calls it.
  EXPECT_EQ(db.exec("SELECT string_agg(p.proname, ',' ORDER BY p.proname) FROM pg_proc p "
                    "JOIN pg_namespace n ON n.oid = p.pronamespace "
                    "WHERE n.nspname = 'api' AND p.prosrc ~* 'insert\\s+into\\s+(public\\.)?audit_logs'")
                .value(),
            "write_audit");
  EXPECT_EQ(db.exec("SELECT string_agg(p.proname, ',' ORDER BY p.proname) FROM pg_proc p "
                    "JOIN pg_namespace n ON n.oid = p.pronamespace "
                    "WHERE n.nspname = 'api' AND p.prosrc LIKE '%api.write_audit(%'")
                .value(),
            "audit_embed,create_user,delete_user,update_user");
}

TEST(SqlApiFunctions, AFailedWriteLeavesNoAuditRow) {
  TestDatabase db;
  const std::string before = audit_count(db, "user.created");
  PgSession acme = app_session(db, kAcme);
  // The seed's admin email, in other case: the per-tenant unique index refuses it.
  EXPECT_TRUE(fails_with(attempt(acme,
                                 "SELECT * FROM api.create_user($1, $2, 'admin', 'ADMIN@acme.example', 'Dup', "
                                 "'viewer', '', '')",
                                 {kAcme, kAcmeAdminSub}),
                         "23505"));
  // The user row is written, then its audit row breaks a constraint (a
  // request id longer than audit_logs keeps): the user must not stay.
  EXPECT_TRUE(fails_with(attempt(acme,
                                 "SELECT * FROM api.create_user($1, $2, 'admin', 'orphan@acme.example', 'Orphan', "
                                 "'viewer', repeat('x', 200), '')",
                                 {kAcme, kAcmeAdminSub}),
                         "23514"));
  acme.exec("COMMIT");
  EXPECT_EQ(audit_count(db, "user.created"), before);
  EXPECT_EQ(db.exec("SELECT count(*) FROM users WHERE email = 'orphan@acme.example'").value(), "0");
}

TEST(SqlApiFunctions, UpdateAuditsOnlyWhatChangedAndHonoursSelfOnly) {
  TestDatabase db;
  PgSession acme = app_session(db, kAcme);
  // A viewer (self only) may not touch another user's row: no row, no audit.
  EXPECT_TRUE(acme.exec("SELECT * FROM api.update_user($1, 'dev-acme-viewer', 'viewer', $2, NULL, 'Hacked', NULL, "
                        "NULL, '', '', true)",
                        {kAcme, "a1000000-0000-4000-8000-000000000002"})
                  .rows.empty());
  const SqlOutcome renamed = acme.exec(
      "SELECT name FROM api.update_user($1, 'dev-acme-viewer', 'viewer', $2, NULL, 'Vera V.', NULL, NULL, '', '', "
      "true)",
      {kAcme, kAcmeViewer});
  ASSERT_EQ(renamed.rows.size(), 1U);
  EXPECT_EQ(renamed.value(), "Vera V.");
  acme.exec("COMMIT");
  const SqlOutcome audit =
      db.exec("SELECT details::text FROM audit_logs WHERE action = 'user.updated' AND resource_id = $1", {kAcmeViewer});
  ASSERT_EQ(audit.rows.size(), 1U);
  EXPECT_EQ(audit.value(), R"({"after": {"name": "Vera V."}, "before": {"name": "Vera Viewer"}})");
}

TEST(SqlApiFunctions, DeleteRefusesTheCallerItself) {
  TestDatabase db;
  PgSession acme = app_session(db, kAcme);
  const SqlOutcome self = acme.exec("SELECT user_found, user_deleted FROM api.delete_user($1, $2, 'admin', $3, '', '')",
                                    {kAcme, kAcmeAdminSub, "a1000000-0000-4000-8000-000000000001"});
  EXPECT_EQ(self.value(0, 0), "t");
  EXPECT_EQ(self.value(0, 1), "f");
  const SqlOutcome missing =
      acme.exec("SELECT user_found, user_deleted FROM api.delete_user($1, $2, 'admin', gen_random_uuid(), '', '')",
                {kAcme, kAcmeAdminSub});
  EXPECT_EQ(missing.value(0, 0), "f");
  const SqlOutcome other =
      acme.exec("SELECT user_found, user_deleted FROM api.delete_user($1, $2, 'admin', $3, '', '')",
                {kAcme, kAcmeAdminSub, kAcmeViewer});
  EXPECT_EQ(other.value(0, 1), "t");
  acme.exec("COMMIT");
  const SqlOutcome audit =
      db.exec("SELECT details::text FROM audit_logs WHERE action = 'user.deleted' AND resource_id = $1", {kAcmeViewer});
  ASSERT_EQ(audit.rows.size(), 1U);
  EXPECT_EQ(
      audit.value(),
      R"({"before": {"name": "Vera Viewer", "role": "viewer", "email": "viewer@acme.example", "status": "active"}})");
}

TEST(SqlApiFunctions, KeysetPagesNeitherOverlapNorSkip) {
  TestDatabase db;
  PgSession acme = app_session(db, kAcme);
  const SqlOutcome all =
      acme.exec("SELECT id::text FROM api.list_users($1, 'admin', NULL, NULL, NULL, NULL, NULL, 1000)", {kAcme});
  std::vector<std::string> paged;
  std::optional<std::string> after_ts;
  std::optional<std::string> after_id;
  while (true) {
    const SqlOutcome page =
        acme.exec("SELECT id::text, created_at::text FROM api.list_users($1, 'admin', NULL, NULL, NULL, $2, $3, 7)",
                  {kAcme, after_ts, after_id});
    if (page.rows.empty()) break;
    for (const auto& row : page.rows) paged.push_back(*row[0]);
    after_ts = *page.rows.back()[1];
    after_id = *page.rows.back()[0];
  }
  ASSERT_GT(all.rows.size(), 100U);
  std::vector<std::string> expected;
  for (const auto& row : all.rows) expected.push_back(*row[0]);
  EXPECT_EQ(paged, expected);
}

// Plans of the statements inside the functions, as PostgreSQL runs them:
// auto_explain's nested plans, sent to this session as notices.
class FunctionPlans : public ::testing::Test {
 protected:
  void SetUp() override {
    PQsetNoticeReceiver(session_.raw(), &FunctionPlans::on_notice, &notices_);
    session_.exec("LOAD 'auto_explain'");
    session_.exec(
        "SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on; "
        "SET auto_explain.log_format = 'json'; SET auto_explain.log_level = 'notice'");
    session_.exec("SET ROLE shoppulse_app");  // row-level security applies, as for the Lambda
  }

  static void on_notice(void* arg, const PGresult* notice) {
    const char* text = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
    if (text != nullptr) static_cast<std::vector<std::string>*>(arg)->emplace_back(text);
  }

  // The nested plan of the call's statement that reads `table`, after enough
  // calls for the plan cache to settle (5 custom plans, then its choice).
  std::string plan_reading(const std::string& call, const std::vector<std::optional<std::string>>& params,
                           const std::string& table) {
    for (int i = 0; i < 8; ++i) {
      notices_.clear();
      session_.exec("BEGIN");
      session_.exec("SELECT set_config('app.tenant_id', $1, true)", {std::string(kAcme)});
      session_.exec(call, params);
      session_.exec("COMMIT");
    }
    for (const std::string& notice : notices_) {
      if (notice.find("\"Relation Name\": \"" + table + "\"") != std::string::npos) return notice;
    }
    return {};
  }

  TestDatabase db_;
  PgSession session_{db_.superuser_conninfo()};
  std::vector<std::string> notices_;
};

TEST_F(FunctionPlans, AnUnfilteredUserPageIsACachedKeysetIndexRange) {
  const std::string plan =
      plan_reading("SELECT * FROM api.list_users($1, 'admin', NULL, NULL, NULL, NULL, NULL, 51)", {kAcme}, "users");
  ASSERT_FALSE(plan.empty());
  EXPECT_NE(plan.find("users_tenant_created_at_idx"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("\"Node Type\": \"Sort\""), std::string::npos) << plan;
  // The generic plan: nothing was planned for this call.
  EXPECT_NE(plan.find('$'), std::string::npos) << "expected a generic plan with parameters: " << plan;
}

TEST_F(FunctionPlans, AResourceIdFilterReadsTheResourceIndex) {
  db_.exec(
      "INSERT INTO audit_logs (tenant_id, actor_sub, actor_role, action, resource_type, resource_id) "
      "SELECT $1::uuid, 'bench', 'admin', 'user.created', 'user', gen_random_uuid()::text "
      "FROM generate_series(1, 20000)",
      {std::string(kAcme)});
  db_.exec("ANALYZE audit_logs");
  const std::string plan =
      plan_reading("SELECT * FROM api.list_audit_logs($1, NULL, NULL, NULL, $2, NULL, NULL, NULL, NULL, 26)",
                   {kAcme, "a1000000-0000-4000-8000-000000000003"}, "audit_logs");
  EXPECT_NE(plan.find("audit_logs_tenant_resource_id_idx"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("\"Node Type\": \"Sort\""), std::string::npos) << plan;
  const std::string by_action = plan_reading(
      "SELECT * FROM api.list_audit_logs($1, 'user.deleted', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 26)", {kAcme},
      "audit_logs");
  EXPECT_NE(by_action.find("audit_logs_tenant_action_idx"), std::string::npos) << by_action;
  EXPECT_EQ(by_action.find("\"Node Type\": \"Sort\""), std::string::npos) << by_action;
}

}  // namespace
}  // namespace shoppulse::sqltest
