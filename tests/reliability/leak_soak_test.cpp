// Many invocations through the sanitizer build of bootstrap, then a clean
// SIGTERM: LeakSanitizer runs at exit and any leak makes the exit non-zero.
// SHOPPULSE_SOAK_INVOCATIONS sets the count (./test.sh --long: 10,000).

#include <cstdlib>

#include "bootstrap_harness.h"

namespace shoppulse::test {
namespace {

TEST(LeakSoak, ManyInvocationsThenACleanExitWithNoLeaks) {
  const char* configured = std::getenv("SHOPPULSE_SOAK_INVOCATIONS");
  const int invocations = configured != nullptr ? std::atoi(configured) : 500;
  TestDatabase database;
  const std::string url =
      "postgresql://shoppulse_lambda:lambda-test-password@127.0.0.1:" + std::to_string(database.server().port()) + "/" +
      database.name();
  auto sandbox = start_bootstrap({{"DATABASE_URL", url}, {"METRICS_ENABLED", "true"}});
  ASSERT_NE(sandbox, nullptr);
  const std::vector<Call> mix = {api_call("GET", "/health", std::nullopt),
                                 api_call("GET", "/users", acme_admin()),
                                 api_call("GET", std::string("/users/") + kAcmeAdminId, acme_admin()),
                                 api_call("GET", "/audit-logs", acme_admin()),
                                 api_call("GET", "/nope", acme_admin()),
                                 api_call("POST", "/users", acme_admin(), nlohmann::json{{"email", "bad"}})};
  for (int i = 0; i < invocations; ++i) {
    const HttpReply reply = invoke_api(*sandbox, mix[static_cast<std::size_t>(i) % mix.size()]);
    ASSERT_TRUE(reply.raw.ok()) << i;
    ASSERT_LT(reply.status, 500) << i;
    if (i % 100 == 0) sandbox->clear_logs();  // keep the captured output small
  }
  const auto exit = sandbox->stop();
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(exit->success()) << exit->describe() << "\n" << all_output(*sandbox);
}

}  // namespace
}  // namespace shoppulse::test
