// Constraints that keep bad or cross-tenant data out, whoever writes it.
// Run as superuser (no RLS) so only the constraints are being tested.

#include "sql_helpers.h"

namespace shoppulse::sqltest {
namespace {

constexpr const char* kInsertUser =
    "INSERT INTO users (tenant_id, email, name, role, status, cognito_sub) VALUES ($1::uuid, $2, $3, $4, $5, $6)";

class SqlConstraints : public ::testing::Test {
 protected:
  SqlOutcome insert_user(const std::string& email, const std::string& name = "Some One",
                         const std::string& role = "viewer", const std::string& status = "active",
                         std::optional<std::string> sub = std::nullopt, const char* tenant = kAcme) {
    return owner_.run(kInsertUser, {tenant, email, name, role, status, std::move(sub)});
  }

  TestDatabase db_;
  PgSession owner_{db_.superuser_conninfo()};
};

TEST_F(SqlConstraints, UserRoleStatusAndLengths) {
  EXPECT_TRUE(succeeds(insert_user("ok@acme.example")));
  EXPECT_TRUE(fails_with(insert_user("r@acme.example", "Role", "owner"), "23514"));
  EXPECT_TRUE(fails_with(insert_user("s@acme.example", "Status", "viewer", "suspended"), "23514"));
  EXPECT_TRUE(succeeds(insert_user("n50@acme.example", std::string(50, 'n'))));
  EXPECT_TRUE(fails_with(insert_user("n51@acme.example", std::string(51, 'n')), "23514"));
  EXPECT_TRUE(fails_with(insert_user("blank@acme.example", "   "), "23514"));
  const std::string local_part(100 - std::string("@acme.example").size(), 'e');
  EXPECT_TRUE(succeeds(insert_user(local_part + "@acme.example")));
  EXPECT_TRUE(fails_with(insert_user(local_part + "x@acme.example"), "23514")) << "101 characters";
  EXPECT_TRUE(fails_with(insert_user("not-an-email"), "23514"));
  EXPECT_TRUE(fails_with(owner_.run("INSERT INTO users (tenant_id, email, name) VALUES ($1::uuid, 'x@acme.example', "
                                    "'No Role')",
                                    {kAcme}),
                         "23502"));
}

TEST_F(SqlConstraints, EmailIsUniquePerTenantIgnoringCase) {
  EXPECT_TRUE(fails_with(insert_user("ADMIN@ACME.EXAMPLE"), "23505"));
  EXPECT_TRUE(fails_with(insert_user("Admin@Acme.Example"), "23505"));
  // The same address in another tenant is a different person.
  EXPECT_TRUE(succeeds(insert_user("admin@acme.example", "Other Tenant", "viewer", "active", std::nullopt, kGlobex)));
}

TEST_F(SqlConstraints, CognitoSubIsUniquePerTenantWhenSet) {
  EXPECT_TRUE(fails_with(insert_user("dup-sub@acme.example", "Dup", "viewer", "active", "dev-acme-admin"), "23505"));
  EXPECT_TRUE(succeeds(insert_user("nosub1@acme.example")));
  EXPECT_TRUE(succeeds(insert_user("nosub2@acme.example")));
  EXPECT_TRUE(succeeds(insert_user("same-sub@globex.example", "Sub", "viewer", "active", "dev-acme-admin", kGlobex)));
}

TEST_F(SqlConstraints, ForeignKeysNeverCrossTenants) {
  // Globex's order / campaign / user referenced from an Acme row.
  const std::string globex_order =
      db_.exec("SELECT id FROM orders WHERE tenant_id = $1::uuid LIMIT 1", {kGlobex}).value();
  const std::string globex_campaign = "b2ca0000-0000-4000-8000-000000000001";
  const std::string globex_admin = "b2000000-0000-4000-8000-000000000001";

  EXPECT_TRUE(fails_with(owner_.run("INSERT INTO fulfillment (tenant_id, order_id, warehouse_code) VALUES ($1::uuid, "
                                    "$2::uuid, 'WH-EAST-1')",
                                    {kAcme, globex_order}),
                         "23503"));
  EXPECT_TRUE(fails_with(owner_.run("INSERT INTO orders (tenant_id, order_number, customer_ref, subtotal, total, "
                                    "campaign_id) VALUES ($1::uuid, 'X-1', 'c1', 10, 10, $2::uuid)",
                                    {kAcme, globex_campaign}),
                         "23503"));
  EXPECT_TRUE(fails_with(owner_.run("INSERT INTO marketing_campaigns (tenant_id, name, channel, created_by) VALUES "
                                    "($1::uuid, 'Stolen', 'email', $2::uuid)",
                                    {kAcme, globex_admin}),
                         "23503"));
  EXPECT_TRUE(fails_with(
      owner_.run("UPDATE governance_rules SET updated_by = $2::uuid WHERE tenant_id = $1::uuid", {kAcme, globex_admin}),
      "23503"));
  // The same references within the tenant work.
  const std::string acme_order = db_.exec("SELECT id FROM orders WHERE tenant_id = $1::uuid LIMIT 1", {kAcme}).value();
  EXPECT_TRUE(
      succeeds(owner_.run("INSERT INTO fulfillment (tenant_id, order_id, warehouse_code) VALUES ($1::uuid, "
                          "$2::uuid, 'WH-EAST-1')",
                          {kAcme, acme_order})));
}

TEST_F(SqlConstraints, CommerceStatusesAndAmounts) {
  const char* insert_order =
      "INSERT INTO orders (tenant_id, order_number, status, customer_ref, subtotal, discount_total, tax_total, "
      "shipping_total, total) VALUES ($1::uuid, $2, $3, 'c1', $4::numeric, $5::numeric, 1.00, 0, $6::numeric)";
  EXPECT_TRUE(succeeds(owner_.run(insert_order, {kAcme, "T-1", "paid", "10.00", "2.00", "9.00"})));
  EXPECT_TRUE(fails_with(owner_.run(insert_order, {kAcme, "T-2", "lost", "10.00", "0", "11.00"}), "23514"));
  EXPECT_TRUE(fails_with(owner_.run(insert_order, {kAcme, "T-3", "paid", "10.00", "0", "99.00"}), "23514"))
      << "total must equal its parts";
  EXPECT_TRUE(fails_with(owner_.run(insert_order, {kAcme, "T-4", "paid", "-1.00", "0", "0.00"}), "23514"));
  EXPECT_TRUE(fails_with(owner_.run(insert_order, {kAcme, "T-1", "paid", "10.00", "2.00", "9.00"}), "23505"))
      << "order numbers are unique per tenant";
  EXPECT_TRUE(fails_with(owner_.run("INSERT INTO marketing_campaigns (tenant_id, name, channel, impressions, clicks) "
                                    "VALUES ($1::uuid, 'Funnel', 'email', 10, 20)",
                                    {kAcme}),
                         "23514"))
      << "clicks cannot exceed impressions";
  EXPECT_TRUE(fails_with(owner_.run("UPDATE fulfillment SET status = 'delivered', delivered_at = NULL WHERE tenant_id "
                                    "= $1::uuid",
                                    {kAcme}),
                         "23514"));
}

TEST_F(SqlConstraints, GovernanceConfigIsTyped) {
  const char* upsert =
      "INSERT INTO governance_rules (tenant_id, rule_type, config) VALUES ($1::uuid, $2, $3::jsonb) "
      "ON CONFLICT (tenant_id, rule_type) DO UPDATE SET config = EXCLUDED.config";
  EXPECT_TRUE(succeeds(owner_.run(upsert, {kAcme, "embed_session", R"({"session_lifetime_minutes": 120})"})));
  EXPECT_TRUE(fails_with(owner_.run(upsert, {kAcme, "embed_session", R"({"session_lifetime_minutes": 5})"}), "23514"));
  EXPECT_TRUE(
      fails_with(owner_.run(upsert, {kAcme, "embed_session", R"({"session_lifetime_minutes": "60"})"}), "23514"));
  EXPECT_TRUE(fails_with(owner_.run(upsert, {kAcme, "embed_allowed_domains",
                                             R"({"domains": ["https://a.example", "https://b.example", )"
                                             R"("https://c.example", "https://d.example"]})"}),
                         "23514"))
      << "QuickSight allows at most 3 domains";
  EXPECT_TRUE(fails_with(
      owner_.run(upsert, {kAcme, "embed_allowed_domains", R"j({"domains": ["javascript:alert(1)"]})j"}), "23514"));
  EXPECT_TRUE(
      fails_with(owner_.run(upsert, {kAcme, "pii_masking", R"({"masked_roles": ["root"], "fields": []})"}), "23514"));
  EXPECT_TRUE(fails_with(owner_.run(upsert, {kAcme, "sso_everything", R"({})"}), "23514"));
  EXPECT_TRUE(fails_with(owner_.run(upsert, {kAcme, "embed_session", R"([1, 2])"}), "23514"));
}

TEST_F(SqlConstraints, VisibilityRowsAreValidated) {
  const char* insert =
      "INSERT INTO role_metric_visibility (tenant_id, role, dashboard_id, metric_key, visible) VALUES ($1::uuid, $2, "
      "$3, $4, true)";
  EXPECT_TRUE(succeeds(owner_.run(insert, {kAcme, "viewer", "new-dashboard", "*"})));
  EXPECT_TRUE(fails_with(owner_.run(insert, {kAcme, "viewer", "new-dashboard", "*"}), "23505"));
  EXPECT_TRUE(fails_with(owner_.run(insert, {kAcme, "guest", "new-dashboard", "*"}), "23514"));
  EXPECT_TRUE(fails_with(owner_.run(insert, {kAcme, "viewer", "bad id!", "*"}), "23514"));
  EXPECT_TRUE(fails_with(owner_.run(insert, {kAcme, "viewer", "new-dashboard", "Revenue!"}), "23514"));
}

TEST_F(SqlConstraints, UpdatedAtIsMaintainedByTrigger) {
  owner_.exec("UPDATE users SET updated_at = '2000-01-01' WHERE email = 'viewer@acme.example'");
  owner_.exec("UPDATE users SET name = 'Vera Renamed' WHERE email = 'viewer@acme.example'");
  EXPECT_EQ(
      db_.exec("SELECT updated_at > now() - interval '1 hour' FROM users WHERE email = 'viewer@acme.example'").value(),
      "t");
  // Even an explicit attempt to backdate it is overridden.
  owner_.exec(
      "UPDATE governance_rules SET updated_at = '2000-01-01', enabled = false WHERE rule_type = "
      "'data_retention' AND tenant_id = '" +
      std::string(kAcme) + "'");
  EXPECT_EQ(db_.exec("SELECT updated_at > '2001-01-01' FROM governance_rules WHERE rule_type = 'data_retention' AND "
                     "tenant_id = $1::uuid",
                     {kAcme})
                .value(),
            "t");
  EXPECT_EQ(db_.exec("SELECT count(*) FROM information_schema.columns WHERE table_name = 'audit_logs' AND column_name "
                     "= 'updated_at'")
                .value(),
            "0");
}

TEST_F(SqlConstraints, TenantNeedsOnlyIdAndName) {
  const std::string id = "44444444-4444-4444-8444-444444444444";
  ASSERT_TRUE(succeeds(owner_.run("INSERT INTO tenants (id, name) VALUES ($1::uuid, 'Minimal Co')", {id})));
  SqlOutcome row = db_.exec("SELECT status, quicksight_namespace FROM tenants WHERE id = $1::uuid", {id});
  EXPECT_EQ(row.value(0, 0), "active");
  EXPECT_EQ(row.value(0, 1), "default");
  EXPECT_TRUE(fails_with(owner_.run("INSERT INTO tenants (name, status) VALUES ('Bad', 'paused')"), "23514"));
  EXPECT_TRUE(fails_with(owner_.run("INSERT INTO tenants (name) VALUES ('')"), "23514"));
}

TEST_F(SqlConstraints, DeletingAUserKeepsTheirCampaignsInTheTenant) {
  owner_.exec("DELETE FROM users WHERE id = 'a1000000-0000-4000-8000-000000000002'");
  SqlOutcome campaign = db_.exec(
      "SELECT tenant_id, created_by IS NULL FROM marketing_campaigns WHERE id = "
      "'a1ca0000-0000-4000-8000-000000000002'");
  EXPECT_EQ(campaign.value(0, 0), kAcme);
  EXPECT_EQ(campaign.value(0, 1), "t");
}

}  // namespace
}  // namespace shoppulse::sqltest
