// The dev/demo seed: idempotent, and rich enough for every API route.

#include "sql_helpers.h"

namespace shoppulse::sqltest {
namespace {

const char* kCounts =
    "SELECT (SELECT count(*) FROM tenants) || '/' || (SELECT count(*) FROM users) || '/' || "
    "(SELECT count(*) FROM orders) || '/' || (SELECT count(*) FROM fulfillment) || '/' || "
    "(SELECT count(*) FROM marketing_campaigns) || '/' || (SELECT count(*) FROM role_metric_visibility) || '/' || "
    "(SELECT count(*) FROM governance_rules) || '/' || (SELECT count(*) FROM audit_logs)";

TEST(SqlSeed, ReapplyingTheSeedChangesNothing) {
  TestDatabase db;
  const std::string before = db.exec(kCounts).value();
  const CommandResult again = migrate(db, "--seed");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(db.exec(kCounts).value(), before);
  EXPECT_EQ(before, "3/129/260/225/6/55/7/39");
}

TEST(SqlSeed, DocumentedDevUsersExist) {
  TestDatabase db;
  const std::tuple<const char*, const char*, const char*, const char*> users[] = {
      {"a1000000-0000-4000-8000-000000000001", kAcme, "admin", "dev-acme-admin"},
      {"a1000000-0000-4000-8000-000000000002", kAcme, "analyst", "dev-acme-analyst"},
      {"a1000000-0000-4000-8000-000000000003", kAcme, "viewer", "dev-acme-viewer"},
      {"b2000000-0000-4000-8000-000000000001", kGlobex, "admin", "dev-globex-admin"},
      {"b2000000-0000-4000-8000-000000000002", kGlobex, "analyst", "dev-globex-analyst"},
      {"b2000000-0000-4000-8000-000000000003", kGlobex, "viewer", "dev-globex-viewer"},
  };
  for (const auto& [id, tenant, role, sub] : users) {
    SqlOutcome row = db.exec("SELECT tenant_id, role, cognito_sub, status FROM users WHERE id = $1::uuid", {id});
    ASSERT_EQ(row.rows.size(), 1U) << id;
    EXPECT_EQ(row.value(0, 0), tenant);
    EXPECT_EQ(row.value(0, 1), role);
    EXPECT_EQ(row.value(0, 2), sub);
    EXPECT_EQ(row.value(0, 3), "active");
  }
  EXPECT_GT(std::stoi(db.exec("SELECT count(*) FROM users WHERE tenant_id = $1::uuid", {kAcme}).value()), 100)
      << "pagination needs more than 100 users in one tenant";
}

TEST(SqlSeed, VisibilityDistinguishesRoles) {
  TestDatabase db;
  // Per tenant: one dashboard for every role, one for admin+analyst but not viewer.
  for (const char* tenant : {kAcme, kGlobex}) {
    const char* visible_to =
        "SELECT string_agg(role, ',' ORDER BY role) FROM role_metric_visibility WHERE tenant_id = $1::uuid AND "
        "dashboard_id = $2 AND metric_key = '*' AND visible";
    EXPECT_EQ(db.exec(visible_to, {tenant, "sales-overview"}).value(), "admin,analyst,viewer");
    EXPECT_EQ(db.exec(visible_to, {tenant, "marketing-performance"}).value(), "admin,analyst");
  }
  SqlOutcome rules = db.exec(
      "SELECT config->'domains' ? 'http://localhost:3000' FROM governance_rules WHERE tenant_id = $1::uuid AND "
      "rule_type = 'embed_allowed_domains'",
      {kAcme});
  EXPECT_EQ(rules.value(), "t");
  EXPECT_EQ(db.exec("SELECT config->'masked_roles' ? 'viewer' FROM governance_rules WHERE tenant_id = $1::uuid AND "
                    "rule_type = 'pii_masking'",
                    {kAcme})
                .value(),
            "t");
}

TEST(SqlSeed, OrdersAreRecentEnoughForReports) {
  TestDatabase db;
  EXPECT_GT(std::stoi(db.exec("SELECT count(*) FROM orders WHERE tenant_id = $1::uuid AND placed_at > now() - "
                              "interval '30 days'",
                              {kAcme})
                          .value()),
            0);
  EXPECT_EQ(db.exec("SELECT count(*) FROM orders WHERE total <> subtotal - discount_total + tax_total + "
                    "shipping_total")
                .value(),
            "0");
}

}  // namespace
}  // namespace shoppulse::sqltest
