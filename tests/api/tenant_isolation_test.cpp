// Lambda's tenant-isolation mode through the API: the platform's tenant
// (Lambda-Runtime-Aws-Tenant-Id) must equal the caller's claim, and a sandbox
// that served one tenant under the header refuses every other.

#include <cstdio>
#include <fstream>
#include <sstream>

#include "api_harness.h"

namespace shoppulse::test {
namespace {

class TenantIsolationRoutes : public ApiHarness {
 protected:
  // The application's log lines, from here on (WARN and above).
  void capture_logs() {
    log_file_ = std::tmpfile();
    ASSERT_NE(log_file_, nullptr);
    logger_ = std::make_unique<Logger>(LogLevel::kWarn, ::fileno(log_file_));
    rebuild_app();
  }
  std::string logs() {
    static_cast<void>(std::fflush(log_file_));
    std::rewind(log_file_);
    std::stringstream text;
    char chunk[4096];
    for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, log_file_)) > 0;) {
      text.write(chunk, static_cast<std::streamsize>(n));
    }
    return text.str();
  }
  void TearDown() override {
    ApiHarness::TearDown();
    if (log_file_ != nullptr) static_cast<void>(std::fclose(log_file_));
  }

  Reply list_users(const Who& who, const std::string& platform_tenant) {
    Call c;
    c.path = "/users";
    c.who = who;
    c.platform_tenant = platform_tenant;
    return call(c);
  }

  std::FILE* log_file_ = nullptr;
};

TEST_F(TenantIsolationRoutes, WithoutTheHeaderNothingChanges) {
  EXPECT_EQ(list_users(acme_admin(), "").status, 200);
  EXPECT_EQ(list_users(globex_admin(), "").status, 200);
}

TEST_F(TenantIsolationRoutes, TheClaimMustMatchThePlatformsTenant) {
  capture_logs();
  const Reply refused = list_users(acme_admin(), kGlobex);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body["error"]["code"], "tenant_mismatch") << refused.raw_body;
  EXPECT_FALSE(refused.raw_body.find(kAcmeAdminId) != std::string::npos) << "no data in a refusal";

  const std::string lines = logs();
  EXPECT_NE(lines.find("tenant isolation refused the request"), std::string::npos) << lines;
  EXPECT_NE(lines.find(std::string("\"platformTenantId\":\"") + kGlobex + "\""), std::string::npos) << lines;
  EXPECT_NE(lines.find(std::string("\"claimTenantId\":\"") + kAcme + "\""), std::string::npos) << lines;
  EXPECT_NE(lines.find("\"route\":\"GET /users\""), std::string::npos) << lines;

  // A refused request binds nothing: the sandbox may still serve Acme.
  const Reply served = list_users(acme_admin(), kAcme);
  EXPECT_EQ(served.status, 200);
  for (const auto& user : served.body["items"])
    EXPECT_EQ(user["email"].get<std::string>().find("@globex"), std::string::npos);
}

TEST_F(TenantIsolationRoutes, ASandboxThatServedOneTenantRefusesAnother) {
  capture_logs();
  ASSERT_EQ(list_users(acme_admin(), kAcme).status, 200);
  ASSERT_EQ(list_users(acme_analyst(), kAcme).status, 200);
  // The platform promises this never happens; the function does not rely on it.
  const Reply switched = list_users(globex_admin(), kGlobex);
  EXPECT_EQ(switched.status, 403);
  EXPECT_EQ(switched.body["error"]["code"], "tenant_mismatch");
  EXPECT_NE(logs().find("sandbox_serves_another_tenant"), std::string::npos);
  // Once bound, another tenant is refused without the header too.
  EXPECT_EQ(list_users(globex_admin(), "").status, 403);
  EXPECT_EQ(list_users(acme_admin(), "").status, 200);
  EXPECT_EQ(list_users(acme_admin(), kAcme).status, 200);
}

}  // namespace
}  // namespace shoppulse::test
