#pragma once
// Shared set-up for tests that talk to the fake AWS endpoints.

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "shoppulse/aws/aws_client.h"
#include "shoppulse/fakes/fake_aws.h"

namespace shoppulse::aws::testing_support {

inline AwsCredentials credentials_for(const fakes::FakeAws& fake) {
  return {fake.options().access_key_id, fake.options().secret_access_key, fake.options().session_token};
}

inline AwsClientOverrides overrides_for(const fakes::FakeAws& fake) {
  AwsClientOverrides overrides;
  overrides.region = fake.options().region;
  overrides.credentials = credentials_for(fake);
  overrides.endpoint_url = fake.endpoint_url();
  overrides.request_timeout = std::chrono::milliseconds(3000);
  overrides.retry = RetryPolicy{3, std::chrono::milliseconds(2), std::chrono::milliseconds(8)};
  return overrides;
}

// Records backoff sleeps instead of sleeping.
struct SleepRecorder {
  std::mutex mutex;
  std::vector<std::chrono::milliseconds> sleeps;

  AwsClientHooks hooks() {
    AwsClientHooks h;
    h.sleep = [this](std::chrono::milliseconds delay) {
      const std::lock_guard<std::mutex> lock(mutex);
      sleeps.push_back(delay);
    };
    return h;
  }
};

// For assertion messages: why the fake refused a signature, if it did.
inline std::string first_rejection(const fakes::FakeAws& fake) {
  const auto rejections = fake.signature_rejections();
  return rejections.empty() ? std::string("(no signature rejections)") : rejections.front();
}

inline std::unique_ptr<AwsClient> make_client(const ServiceInfo& service, const AwsClientOverrides& overrides,
                                              AwsClientHooks hooks = {}, const Logger* logger = nullptr) {
  auto settings = AwsClientSettings::from_env(service, overrides, env::MapSource({}));
  if (!settings) return nullptr;
  auto client = AwsClient::create(std::move(*settings), logger, std::move(hooks));
  if (!client) return nullptr;
  return std::move(*client);
}

inline nlohmann::json anonymous_embed_request(const std::string& dashboard_id = "dash-1") {
  return {
      {"Namespace", "default"},
      {"AuthorizedResourceArns",
       nlohmann::json::array({"arn:aws:quicksight:us-east-1:123456789012:dashboard/" + dashboard_id})},
      {"ExperienceConfiguration", {{"Dashboard", {{"InitialDashboardId", dashboard_id}}}}},
      {"SessionLifetimeInMinutes", 60},
      {"SessionTags", nlohmann::json::array({{{"Key", "tenant_id"}, {"Value", "t-42"}}})},
      {"AllowedDomains", nlohmann::json::array({"https://app.example.com"})},
  };
}

inline const std::string kAnonymousPath = "/accounts/123456789012/embed-url/anonymous-user";
inline const std::string kRegisteredPath = "/accounts/123456789012/embed-url/registered-user";

}  // namespace shoppulse::aws::testing_support
