#include "api_harness.h"
#include "shoppulse/aws/aws_client.h"
#include "shoppulse/fakes/fake_aws.h"

namespace shoppulse::test {
namespace {

using fakes::FakeAws;
using fakes::FakeFailure;
using fakes::FakeService;

class QuickSightRoutes : public ApiHarness {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fake_.start().ok());
    for (const char* id : {"sales-overview", "marketing-performance", "finance-executive"}) fake_.add_dashboard(id);
    aws::AwsClientOverrides overrides;
    overrides.region = "us-east-1";
    overrides.credentials = aws::AwsCredentials{fake_.options().access_key_id, fake_.options().secret_access_key, ""};
    overrides.endpoint_url = fake_.endpoint_url();
    overrides.retry = aws::RetryPolicy{2, std::chrono::milliseconds(1), std::chrono::milliseconds(2)};
    overrides.request_timeout = std::chrono::milliseconds(1500);
    auto settings = aws::AwsClientSettings::from_env(aws::kQuickSight, overrides, env::MapSource({}));
    ASSERT_TRUE(settings.ok()) << settings.error().message;
    auto client = aws::AwsClient::create(*settings);
    ASSERT_TRUE(client.ok());
    client_ = std::move(client).value();
    ApiHarness::SetUp();
  }

  handlers::Dependencies dependencies() override {
    handlers::Dependencies deps = ApiHarness::dependencies();
    deps.quicksight = client_.get();
    deps.quicksight_settings.account_id = "123456789012";
    deps.quicksight_settings.region = "us-east-1";
    return deps;
  }

  Reply embed(const Who& who, const nlohmann::json& body) { return send("POST", "/quicksight/embed-url", who, body); }
  std::string embed_audits() {
    // The seed has embed history of its own; count only this test's requests.
    return scalar(
        "SELECT count(*) FROM audit_logs WHERE action = 'quicksight.embed_url.generated' AND request_id = "
        "'api-req-v1'");
  }

  FakeAws fake_;
  std::unique_ptr<aws::AwsClient> client_;
};

TEST_F(QuickSightRoutes, RegisteredUserGetsAnEmbedUrlAndAnAuditRowWithoutIt) {
  const Reply reply = embed(acme_analyst(), {{"dashboardId", "sales-overview"}, {"sessionLifetimeMinutes", 30}});
  ASSERT_EQ(reply.status, 200) << reply.raw_body;
  const std::string url = reply.body["embedUrl"];
  EXPECT_EQ(url.rfind("https://", 0), 0U);
  EXPECT_EQ(reply.body["dashboardId"], "sales-overview");
  EXPECT_EQ(reply.body["expiresAt"].get<std::string>().back(), 'Z');
  EXPECT_EQ(reply.headers["Cache-Control"], "no-store");

  const auto request = fake_.last_request(FakeService::kQuickSight);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->target, "/accounts/123456789012/embed-url/registered-user");
  EXPECT_EQ(request->json["UserArn"], "arn:aws:quicksight:us-east-1:123456789012:user/default/acme-analyst");
  EXPECT_EQ(request->json["ExperienceConfiguration"]["Dashboard"]["InitialDashboardId"], "sales-overview");
  EXPECT_EQ(request->json["SessionLifetimeInMinutes"], 30);
  EXPECT_EQ(request->json["AllowedDomains"][0], "http://localhost:3000");
  EXPECT_EQ(fake_.rejected_signature_count(), 0U);

  const auto audit = database_.exec(
      "SELECT resource_id, details::text, actor_sub FROM audit_logs WHERE action = 'quicksight.embed_url.generated' "
      "AND request_id = 'api-req-v1'");
  ASSERT_EQ(audit.rows.size(), 1U);
  EXPECT_EQ(audit.value(0, 0), "sales-overview");
  EXPECT_EQ(audit.value(0, 1).find(url), std::string::npos);
  EXPECT_EQ(audit.value(0, 1).find("https://"), std::string::npos);
  EXPECT_EQ(audit.value(0, 2), "dev-acme-analyst");
}

TEST_F(QuickSightRoutes, CallerWithoutQuickSightIdentityEmbedsAnonymouslyWithTheTenantTag) {
  const Reply reply = embed({kAcme, "sub-without-row", "analyst"}, {{"dashboardId", "marketing-performance"}});
  ASSERT_EQ(reply.status, 200) << reply.raw_body;
  const auto request = fake_.last_request(FakeService::kQuickSight);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->target, "/accounts/123456789012/embed-url/anonymous-user");
  EXPECT_EQ(request->json["Namespace"], "default");
  EXPECT_EQ(request->json["AuthorizedResourceArns"][0],
            "arn:aws:quicksight:us-east-1:123456789012:dashboard/marketing-performance");
  EXPECT_EQ(request->json["SessionTags"][0]["Key"], "tenant_id");
  EXPECT_EQ(request->json["SessionTags"][0]["Value"], kAcme);
  EXPECT_EQ(request->json["SessionLifetimeInMinutes"], 60);  // the tenant's governance rule
}

TEST_F(QuickSightRoutes, RolesWithoutVisibilityGet403AndQuickSightIsNotCalled) {
  EXPECT_EQ(embed(acme_viewer(), {{"dashboardId", "marketing-performance"}}).status, 403);
  EXPECT_EQ(embed(acme_analyst(), {{"dashboardId", "finance-executive"}}).status, 403);
  EXPECT_EQ(embed(acme_admin(), {{"dashboardId", "no-such-dashboard-in-tenant"}}).status, 403);
  EXPECT_EQ(fake_.request_count(FakeService::kQuickSight), 0U);
  EXPECT_EQ(embed_audits(), "0");
}

TEST_F(QuickSightRoutes, BadBodiesAre400) {
  for (const nlohmann::json& body :
       {nlohmann::json::object(), nlohmann::json{{"dashboardId", "../../etc"}},
        nlohmann::json{{"dashboardId", "sales-overview"}, {"sessionLifetimeMinutes", 5}},
        nlohmann::json{{"dashboardId", "sales-overview"}, {"sessionLifetimeMinutes", "60"}},
        nlohmann::json{{"dashboardId", "sales-overview"}, {"extra", true}}}) {
    EXPECT_EQ(embed(acme_admin(), body).status, 400) << body.dump();
  }
}

TEST_F(QuickSightRoutes, QuickSightErrorsMapToClearStatuses) {
  fake_.fail_next(FakeService::kQuickSight, FakeFailure::throttling(FakeService::kQuickSight), 5);
  const Reply throttled = embed(acme_admin(), {{"dashboardId", "sales-overview"}});
  EXPECT_EQ(throttled.status, 429);
  EXPECT_TRUE(throttled.headers.contains("Retry-After"));
  fake_.clear_failures();

  fake_.fail_next(FakeService::kQuickSight, FakeFailure::not_found(FakeService::kQuickSight));
  EXPECT_EQ(embed(acme_admin(), {{"dashboardId", "sales-overview"}}).status, 404);

  fake_.fail_next(FakeService::kQuickSight, FakeFailure::unsupported_user_edition());
  const Reply edition = embed(acme_admin(), {{"dashboardId", "sales-overview"}});
  EXPECT_EQ(edition.status, 502);
  EXPECT_EQ(edition.body["error"]["details"]["awsErrorCode"], "UnsupportedUserEditionException");
  EXPECT_EQ(edition.raw_body.find("stack"), std::string::npos);

  fake_.fail_next(FakeService::kQuickSight, FakeFailure::access_denied(FakeService::kQuickSight));
  EXPECT_EQ(embed(acme_admin(), {{"dashboardId", "sales-overview"}}).status, 502);
  EXPECT_EQ(embed_audits(), "0");  // nothing generated, nothing audited
}

TEST_F(QuickSightRoutes, ASlowQuickSightTimesOutAndOtherRoutesStillWork) {
  fake_.set_delay(FakeService::kQuickSight, std::chrono::milliseconds(2500));
  const Reply slow = embed(acme_admin(), {{"dashboardId", "sales-overview"}});
  EXPECT_TRUE(slow.status == 504 || slow.status == 502) << slow.status;
  fake_.set_delay(FakeService::kQuickSight, std::chrono::milliseconds(0));
  EXPECT_EQ(get("/users", acme_admin()).status, 200);
}

}  // namespace
}  // namespace shoppulse::test
