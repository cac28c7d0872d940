// Endpoint resolution precedence and URL handling, as the AWS SDKs define it.

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "shoppulse/aws/endpoint.h"

namespace shoppulse::aws {
namespace {

TEST(AwsEndpoint, ServiceEnvVarNameFollowsTheServiceId) {
  EXPECT_EQ(service_endpoint_env_var(kSecretsManager.service_id), "AWS_ENDPOINT_URL_SECRETS_MANAGER");
  EXPECT_EQ(service_endpoint_env_var(kQuickSight.service_id), "AWS_ENDPOINT_URL_QUICKSIGHT");
}

struct ResolutionCase {
  std::string name;
  std::optional<std::string> constructor_url;
  std::map<std::string, std::string, std::less<>> env;
  EndpointSource source;
  std::string url;  // for operation path "/"
};

// Readable ctest names (gtest_discover_tests appends the parameter).
void PrintTo(const ResolutionCase& c, std::ostream* os) {
  *os << c.name;
}

class AwsEndpointResolution : public testing::TestWithParam<ResolutionCase> {};

TEST_P(AwsEndpointResolution, PicksTheRightSource) {
  const auto& c = GetParam();
  auto resolved = resolve_endpoint(kSecretsManager, "eu-west-1", c.constructor_url, env::MapSource(c.env));
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(resolved->source, c.source);
  EXPECT_EQ(resolved->endpoint.url("/", ""), c.url);
}

const std::string kService = "AWS_ENDPOINT_URL_SECRETS_MANAGER";

INSTANTIATE_TEST_SUITE_P(
    AwsMatrix, AwsEndpointResolution,
    testing::Values(
        ResolutionCase{
            "default", std::nullopt, {}, EndpointSource::kDefault, "https://secretsmanager.eu-west-1.amazonaws.com/"},
        ResolutionCase{"global",
                       std::nullopt,
                       {{"AWS_ENDPOINT_URL", "http://127.0.0.1:4566"}},
                       EndpointSource::kGlobalEnv,
                       "http://127.0.0.1:4566/"},
        ResolutionCase{"service_beats_global",
                       std::nullopt,
                       {{"AWS_ENDPOINT_URL", "http://127.0.0.1:1"}, {kService, "http://localhost:2/sm"}},
                       EndpointSource::kServiceEnv,
                       "http://localhost:2/sm"},
        ResolutionCase{"other_service_var_ignored",
                       std::nullopt,
                       {{"AWS_ENDPOINT_URL_QUICKSIGHT", "http://127.0.0.1:3"}},
                       EndpointSource::kDefault,
                       "https://secretsmanager.eu-west-1.amazonaws.com/"},
        ResolutionCase{"constructor_beats_env",
                       std::string("https://vpce-1.secretsmanager.eu-west-1.vpce.amazonaws.com"),
                       {{"AWS_ENDPOINT_URL", "http://127.0.0.1:1"}, {kService, "http://127.0.0.1:2"}},
                       EndpointSource::kConstructor,
                       "https://vpce-1.secretsmanager.eu-west-1.vpce.amazonaws.com/"},
        ResolutionCase{"empty_env_is_unset",
                       std::nullopt,
                       {{kService, ""}},
                       EndpointSource::kDefault,
                       "https://secretsmanager.eu-west-1.amazonaws.com/"},
        ResolutionCase{"ignore_configured_endpoints",
                       std::nullopt,
                       {{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"}, {kService, "http://127.0.0.1:2"}},
                       EndpointSource::kDefault,
                       "https://secretsmanager.eu-west-1.amazonaws.com/"}),
    [](const testing::TestParamInfo<ResolutionCase>& case_info) { return case_info.param.name; });

TEST(AwsEndpoint, QuickSightDefaultAndChinaPartition) {
  auto qs = resolve_endpoint(kQuickSight, "us-east-1", std::nullopt, env::MapSource({}));
  ASSERT_TRUE(qs.ok());
  EXPECT_EQ(qs->endpoint.url("/accounts/123456789012/embed-url/anonymous-user", ""),
            "https://quicksight.us-east-1.amazonaws.com/accounts/123456789012/embed-url/anonymous-user");
  auto cn = resolve_endpoint(kSecretsManager, "cn-north-1", std::nullopt, env::MapSource({}));
  ASSERT_TRUE(cn.ok());
  EXPECT_EQ(cn->endpoint.host, "secretsmanager.cn-north-1.amazonaws.com.cn");
}

TEST(AwsEndpoint, DefaultNeedsAValidRegion) {
  EXPECT_EQ(resolve_endpoint(kSecretsManager, "", std::nullopt, env::MapSource({})).error().code, "missing_config");
  EXPECT_FALSE(resolve_endpoint(kSecretsManager, "evil.com/x", std::nullopt, env::MapSource({})).ok());
  // An override does not need the region to build a host name.
  EXPECT_TRUE(resolve_endpoint(kSecretsManager, "", std::string("http://127.0.0.1:9"), env::MapSource({})).ok());
}

TEST(AwsEndpoint, InvalidOverrideNamesTheVariable) {
  auto bad = resolve_endpoint(kSecretsManager, "us-east-1", std::nullopt, env::MapSource({{kService, "ftp://x"}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find(kService), std::string::npos);
}

TEST(AwsEndpoint, HostHeaderKeepsOnlyNonDefaultPorts) {
  EXPECT_EQ(parse_endpoint_url("https://h.example:443").value().host_header(), "h.example");
  EXPECT_EQ(parse_endpoint_url("http://h.example:80/").value().host_header(), "h.example");
  EXPECT_EQ(parse_endpoint_url("https://h.example:8443").value().host_header(), "h.example:8443");
  EXPECT_EQ(parse_endpoint_url("http://127.0.0.1:4566").value().host_header(), "127.0.0.1:4566");
  EXPECT_EQ(parse_endpoint_url("http://[::1]:4566/p").value().host_header(), "[::1]:4566");
  EXPECT_EQ(parse_endpoint_url("HTTPS://h.example").value().scheme, "https");
}

TEST(AwsEndpoint, JoinsPathPrefixLikeBotocore) {
  const auto prefixed = parse_endpoint_url("http://127.0.0.1:4566/aws").value();
  EXPECT_EQ(prefixed.request_path("/"), "/aws");
  EXPECT_EQ(prefixed.request_path("/accounts/1/embed-url/anonymous-user"), "/aws/accounts/1/embed-url/anonymous-user");
  const auto slashed = parse_endpoint_url("http://127.0.0.1:4566/aws/").value();
  EXPECT_EQ(slashed.request_path("/"), "/aws/");
  EXPECT_EQ(slashed.request_path("/x"), "/aws/x");
  EXPECT_EQ(parse_endpoint_url("http://127.0.0.1:4566").value().request_path("/"), "/");
  EXPECT_EQ(prefixed.url("/x", "a=1"), "http://127.0.0.1:4566/aws/x?a=1");
}

TEST(AwsEndpoint, RejectsMalformedUrls) {
  for (const char* url : {"127.0.0.1:4566", "ftp://h", "http://", "http://:80", "http://h:0", "http://h:65536",
                          "http://h:12ab", "http://user:pw@h", "http://h/?q=1", "http://h#f", "http://[::1"}) {
    EXPECT_FALSE(parse_endpoint_url(url).ok()) << url;
  }
}

}  // namespace
}  // namespace shoppulse::aws
