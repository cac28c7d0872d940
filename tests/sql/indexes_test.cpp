// The GET /audit-logs filters are index-backed: with a large history, the
// plan for a filtered page reads the filter's index, not every audit row of
// the tenant. The statement is the handler's shape with the filter values
// bound, as PostgreSQL plans the API's unnamed statements.

#include <string>

#include <gtest/gtest.h>

#include "sql_helpers.h"

namespace shoppulse::sqltest {
namespace {

class AuditLogIndexes : public ::testing::Test {
 protected:
  void SetUp() override {
    // 20,000 rows of one action for Acme: the filtered rows are a needle.
    const auto filled = db_.exec(
        "INSERT INTO audit_logs (tenant_id, actor_sub, actor_role, action, resource_type, resource_id) "
        "SELECT $1::uuid, 'bench', 'admin', 'user.created', 'user', gen_random_uuid()::text "
        "FROM generate_series(1, 20000)",
        {std::string(kAcme)});
    ASSERT_TRUE(filled.ok) << filled.error;
    ASSERT_TRUE(db_.exec("ANALYZE audit_logs").ok);
  }

  // The plan of a filtered page, as JSON text.
  std::string plan(const std::string& filter) {
    const auto explained =
        db_.exec("EXPLAIN (FORMAT JSON) SELECT a.id FROM audit_logs a WHERE a.tenant_id = '" + std::string(kAcme) +
                 "'::uuid AND " + filter + " ORDER BY a.created_at DESC, a.id DESC LIMIT 26");
    EXPECT_TRUE(explained.ok) << explained.error;
    return explained.ok ? explained.value() : std::string();
  }

  TestDatabase db_;
};

TEST_F(AuditLogIndexes, AResourceIdFilterReadsTheResourceIndex) {
  const std::string text = plan("a.resource_id = 'a1000000-0000-4000-8000-000000000003'");
  EXPECT_NE(text.find("audit_logs_tenant_resource_id_idx"), std::string::npos) << text;
  EXPECT_EQ(text.find("\"Sort\""), std::string::npos) << text;
}

TEST_F(AuditLogIndexes, AnActionFilterReadsTheActionIndex) {
  const std::string text = plan("a.action = 'user.deleted'");
  EXPECT_NE(text.find("audit_logs_tenant_action_idx"), std::string::npos) << text;
  EXPECT_EQ(text.find("\"Sort\""), std::string::npos) << text;
}

}  // namespace
}  // namespace shoppulse::sqltest
