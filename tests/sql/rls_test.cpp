// Row-level security and append-only audit, as the Lambda's login role.

#include "sql_helpers.h"

namespace shoppulse::sqltest {
namespace {

struct TenantTable {
  const char* name;
  const char* tenant_column;
};
constexpr TenantTable kTables[] = {
    {"tenants", "id"},
    {"users", "tenant_id"},
    {"orders", "tenant_id"},
    {"fulfillment", "tenant_id"},
    {"marketing_campaigns", "tenant_id"},
    {"role_metric_visibility", "tenant_id"},
    {"governance_rules", "tenant_id"},
    {"audit_logs", "tenant_id"},
};

std::string count_sql(const TenantTable& table, const char* condition) {
  return std::string("SELECT count(*) FROM ") + table.name + " WHERE " + table.tenant_column + " " + condition;
}

TEST(SqlRls, TenantSeesOnlyItsOwnRowsInEveryTable) {
  TestDatabase db;
  PgSession app = app_session(db, kAcme);
  for (const TenantTable& table : kTables) {
    EXPECT_EQ(app.exec(count_sql(table, "<> $1::uuid"), {kAcme}).value(), "0") << table.name;
    EXPECT_NE(app.exec(count_sql(table, "= $1::uuid"), {kAcme}).value(), "0") << table.name << ": Acme has rows";
    // The other tenant's rows exist (superuser sees them) but are invisible.
    EXPECT_NE(db.exec(count_sql(table, "= $1::uuid"), {kGlobex}).value(), "0") << table.name;
    EXPECT_EQ(app.exec(count_sql(table, "= $1::uuid"), {kGlobex}).value(), "0") << table.name;
  }
}

TEST(SqlRls, OtherTenantRowsCannotBeInsertedUpdatedOrDeleted) {
  TestDatabase db;
  PgSession app = app_session(db, kAcme);
  EXPECT_TRUE(fails_with(attempt(app,
                                 "INSERT INTO users (tenant_id, email, name, role) VALUES ($1::uuid, "
                                 "'spy@globex.example', 'Spy', 'admin')",
                                 {kGlobex}),
                         "42501"));
  EXPECT_TRUE(fails_with(attempt(app,
                                 "INSERT INTO audit_logs (tenant_id, action, resource_type) VALUES ($1::uuid, "
                                 "'user.created', 'user')",
                                 {kGlobex}),
                         "42501"));
  EXPECT_TRUE(fails_with(attempt(app,
                                 "INSERT INTO governance_rules (tenant_id, rule_type, config) VALUES ($1::uuid, "
                                 "'data_retention', '{\"audit_log_days\": 90}')",
                                 {kGlobex}),
                         "42501"));

  SqlOutcome update = attempt(app, "UPDATE users SET name = 'pwned' WHERE tenant_id = $1::uuid", {kGlobex});
  ASSERT_TRUE(succeeds(update));
  EXPECT_EQ(update.affected, 0);
  SqlOutcome remove = attempt(app, "DELETE FROM users WHERE tenant_id = $1::uuid", {kGlobex});
  ASSERT_TRUE(succeeds(remove));
  EXPECT_EQ(remove.affected, 0);
  SqlOutcome rules = attempt(app, "UPDATE governance_rules SET enabled = false WHERE tenant_id = $1::uuid", {kGlobex});
  ASSERT_TRUE(succeeds(rules));
  EXPECT_EQ(rules.affected, 0);

  // Moving an own row into another tenant: tenant_id is not updatable at all.
  EXPECT_TRUE(fails_with(
      attempt(app, "UPDATE users SET tenant_id = $1::uuid WHERE tenant_id = $2::uuid", {kGlobex, kAcme}), "42501"));
  app.exec("COMMIT");
  EXPECT_EQ(db.exec("SELECT count(*) FROM users WHERE name = 'pwned'").value(), "0");
  EXPECT_EQ(db.exec("SELECT count(*) FROM users WHERE tenant_id = $1::uuid", {kGlobex}).value(), "4");
}

TEST(SqlRls, OwnTenantWritesWork) {
  TestDatabase db;
  PgSession app = app_session(db, kAcme);
  EXPECT_TRUE(succeeds(attempt(app,
                               "INSERT INTO users (tenant_id, email, name, role) VALUES ($1::uuid, "
                               "'fresh@acme.example', 'Fresh', 'analyst')",
                               {kAcme})));
  EXPECT_TRUE(succeeds(attempt(app, "UPDATE users SET role = 'viewer' WHERE email = 'fresh@acme.example'")));
  EXPECT_TRUE(succeeds(attempt(app,
                               "INSERT INTO audit_logs (tenant_id, action, resource_type, details) VALUES "
                               "($1::uuid, 'user.updated', 'user', '{\"role\": \"viewer\"}')",
                               {kAcme})));
  app.exec("COMMIT");
  EXPECT_EQ(db.exec("SELECT role FROM users WHERE email = 'fresh@acme.example'").value(), "viewer");
}

TEST(SqlRls, WithoutTenantNothingIsVisibleAndInsertsFail) {
  TestDatabase db;
  for (const std::string& tenant_setting : {std::string(), std::string("''")}) {
    PgSession app = app_session(db, "");
    if (!tenant_setting.empty()) app.exec("SET LOCAL app.tenant_id = " + tenant_setting);
    for (const TenantTable& table : kTables) {
      EXPECT_EQ(app.exec(std::string("SELECT count(*) FROM ") + table.name).value(), "0")
          << table.name << " with app.tenant_id " << (tenant_setting.empty() ? "unset" : "empty");
    }
    EXPECT_TRUE(fails_with(attempt(app,
                                   "INSERT INTO users (tenant_id, email, name, role) VALUES ($1::uuid, "
                                   "'nobody@acme.example', 'Nobody', 'viewer')",
                                   {kAcme}),
                           "42501"));
    EXPECT_TRUE(fails_with(attempt(app,
                                   "INSERT INTO audit_logs (tenant_id, action, resource_type) VALUES "
                                   "($1::uuid, 'user.created', 'user')",
                                   {kAcme}),
                           "42501"));
  }
}

TEST(SqlRls, TenantSettingIsTransactionLocal) {
  TestDatabase db;
  const long acme_users = db.users_in_tenant(kAcme);
  ASSERT_GT(acme_users, 0);
  PgSession app(db.app_conninfo());
  app.exec("BEGIN");
  app.exec("SELECT set_config('app.tenant_id', $1, true)", {kAcme});
  EXPECT_EQ(app.exec("SELECT count(*) FROM users").value(), std::to_string(acme_users));
  app.exec("COMMIT");
  EXPECT_EQ(app.exec("SELECT count(*) FROM users").value(), "0");
}

TEST(SqlRls, AuditLogsAreAppendOnlyForTheApplication) {
  TestDatabase db;
  PgSession app = app_session(db, kAcme);
  EXPECT_TRUE(fails_with(attempt(app, "UPDATE audit_logs SET action = 'user.forged'"), "42501"));
  EXPECT_TRUE(fails_with(attempt(app, "DELETE FROM audit_logs"), "42501"));
  EXPECT_TRUE(fails_with(attempt(app, "TRUNCATE audit_logs"), "42501"));
  EXPECT_TRUE(succeeds(attempt(app,
                               "INSERT INTO audit_logs (tenant_id, actor_sub, action, resource_type, resource_id, "
                               "source_ip) VALUES ($1::uuid, 'dev-acme-admin', 'quicksight.embed_url.generated', "
                               "'dashboard', 'sales-overview', '10.0.0.1')",
                               {kAcme})));
  EXPECT_NE(app.exec("SELECT count(*) FROM audit_logs").value(), "0");
  app.exec("COMMIT");
}

TEST(SqlRls, AuditLogsResistEvenTheOwner) {
  TestDatabase db;
  // Superuser bypasses privileges and RLS; the trigger still refuses.
  for (const char* sql :
       {"UPDATE audit_logs SET action = 'user.forged'", "DELETE FROM audit_logs", "TRUNCATE audit_logs"}) {
    PgSession owner(db.superuser_conninfo());
    const SqlOutcome outcome = owner.run(sql);
    EXPECT_FALSE(outcome.ok) << sql;
    EXPECT_NE(outcome.error.find("append-only"), std::string::npos) << sql << ": " << outcome.error;
  }
  EXPECT_EQ(db.exec("SELECT count(*) FROM audit_logs WHERE action = 'user.forged'").value(), "0");
  EXPECT_EQ(db.exec("SELECT count(*) FROM audit_logs").value(), "39");
}

}  // namespace
}  // namespace shoppulse::sqltest
