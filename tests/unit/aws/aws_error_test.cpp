// AWS error parsing, the Error mapping callers rely on, and the retry policy's
// pure parts (classification and jittered backoff bounds).

#include <gtest/gtest.h>

#include <chrono>

#include "shoppulse/aws/aws_error.h"
#include "shoppulse/aws/http_client.h"
#include "shoppulse/aws/retry.h"

namespace shoppulse::aws {
namespace {

using std::chrono::milliseconds;

TEST(AwsErrorParsing, JsonTypeWithAndWithoutNamespacePrefix) {
  auto plain = parse_aws_error(std::nullopt, R"({"__type":"ResourceNotFoundException","message":"no such secret"})");
  EXPECT_EQ(plain.type, "ResourceNotFoundException");
  EXPECT_EQ(plain.message, "no such secret");

  auto prefixed = parse_aws_error(
      std::nullopt, R"({"__type":"com.amazonaws.secretsmanager#DecryptionFailure","Message":"kms says no"})");
  EXPECT_EQ(prefixed.type, "DecryptionFailure");
  EXPECT_EQ(prefixed.message, "kms says no");
}

TEST(AwsErrorParsing, HeaderFormWinsAndDropsTheUrlSuffix) {
  auto info = parse_aws_error(
      std::string_view("AccessDeniedException:http://internal.amazon.com/coral/com.amazonaws.quicksight/"),
      R"({"__type":"SomethingElse","Message":"denied"})");
  EXPECT_EQ(info.type, "AccessDeniedException");
  EXPECT_EQ(info.message, "denied");
  EXPECT_EQ(parse_aws_error(std::string_view("ThrottlingException"), "").type, "ThrottlingException");
}

TEST(AwsErrorParsing, NonJsonBodiesYieldNoType) {
  auto info = parse_aws_error(std::nullopt, "<html>502 Bad Gateway</html>");
  EXPECT_TRUE(info.type.empty());
  EXPECT_TRUE(info.message.empty());
  EXPECT_TRUE(parse_aws_error(std::nullopt, "").type.empty());
  EXPECT_EQ(parse_aws_error(std::nullopt, R"({"code":"ValidationException"})").type, "ValidationException");
}

struct MappingCase {
  long status;
  std::string type;
  ErrorKind kind;
  std::string code;
};

// Readable ctest names (gtest_discover_tests appends the parameter).
void PrintTo(const MappingCase& c, std::ostream* os) {
  *os << std::to_string(c.status) + " " + c.type;
}

class AwsErrorMapping : public testing::TestWithParam<MappingCase> {};

TEST_P(AwsErrorMapping, MapsStatusAndTypeToKindKeepingTheAwsCode) {
  const auto& c = GetParam();
  const Error error = to_error("QuickSight", c.status, AwsErrorInfo{c.type, "secret detail arn:aws:iam::1:role/x"});
  EXPECT_EQ(error.kind, c.kind);
  EXPECT_EQ(error.code, c.code);
  // AWS message text can name accounts and roles; it must not leak into the message.
  EXPECT_EQ(error.message.find("secret detail"), std::string::npos);
  EXPECT_NE(error.message.find("QuickSight"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    AwsTable, AwsErrorMapping,
    testing::Values(
        MappingCase{429, "ThrottlingException", ErrorKind::kThrottled, "ThrottlingException"},
        MappingCase{429, "", ErrorKind::kThrottled, "http_429"},
        MappingCase{400, "ThrottlingException", ErrorKind::kThrottled, "ThrottlingException"},
        MappingCase{400, "TooManyRequestsException", ErrorKind::kThrottled, "TooManyRequestsException"},
        MappingCase{400, "Throttling", ErrorKind::kThrottled, "Throttling"},
        MappingCase{400, "RequestLimitExceeded", ErrorKind::kThrottled, "RequestLimitExceeded"},
        MappingCase{404, "ResourceNotFoundException", ErrorKind::kNotFound, "ResourceNotFoundException"},
        MappingCase{400, "ResourceNotFoundException", ErrorKind::kNotFound, "ResourceNotFoundException"},
        MappingCase{401, "AccessDeniedException", ErrorKind::kBadGateway, "AccessDeniedException"},
        MappingCase{403, "UnsupportedUserEditionException", ErrorKind::kBadGateway, "UnsupportedUserEditionException"},
        MappingCase{403, "UnsupportedPricingPlanException", ErrorKind::kBadGateway, "UnsupportedPricingPlanException"},
        MappingCase{400, "InvalidParameterValueException", ErrorKind::kBadGateway, "InvalidParameterValueException"},
        MappingCase{404, "QuickSightUserNotFoundException", ErrorKind::kBadGateway, "QuickSightUserNotFoundException"},
        MappingCase{500, "InternalFailureException", ErrorKind::kUnavailable, "InternalFailureException"},
        MappingCase{503, "", ErrorKind::kUnavailable, "http_503"}));

TEST(AwsRetryPolicy, RetriesThrottlingAnd5xxOnly) {
  EXPECT_TRUE(is_retryable_status(429, ""));
  EXPECT_TRUE(is_retryable_status(400, "ThrottlingException"));
  EXPECT_TRUE(is_retryable_status(500, "InternalServiceError"));
  EXPECT_TRUE(is_retryable_status(503, ""));
  EXPECT_FALSE(is_retryable_status(400, "InvalidParameterException"));
  EXPECT_FALSE(is_retryable_status(401, "AccessDeniedException"));
  EXPECT_FALSE(is_retryable_status(403, "UnsupportedUserEditionException"));
  EXPECT_FALSE(is_retryable_status(404, "ResourceNotFoundException"));
}

TEST(AwsRetryPolicy, RetriesConnectionFailuresAndTimeoutsOnly) {
  EXPECT_TRUE(is_retryable_transport_error(Error::make(ErrorKind::kUnavailable, std::string(kErrConnectFailed), "")));
  EXPECT_TRUE(is_retryable_transport_error(Error::make(ErrorKind::kTimeout, std::string(kErrTimeout), "")));
  EXPECT_FALSE(is_retryable_transport_error(Error::make(ErrorKind::kUnavailable, std::string(kErrTlsFailed), "")));
  EXPECT_FALSE(
      is_retryable_transport_error(Error::make(ErrorKind::kBadGateway, std::string(kErrResponseTooLarge), "")));
}

TEST(AwsRetryPolicy, BackoffIsJitteredWithinExponentialBounds) {
  const RetryPolicy policy{5, milliseconds(100), milliseconds(1000)};
  EXPECT_EQ(backoff_delay(policy, 1, 0.0), milliseconds(50));
  EXPECT_EQ(backoff_delay(policy, 1, 1.0), milliseconds(100));
  EXPECT_EQ(backoff_delay(policy, 2, 0.0), milliseconds(100));
  EXPECT_EQ(backoff_delay(policy, 2, 1.0), milliseconds(200));
  EXPECT_EQ(backoff_delay(policy, 3, 0.5), milliseconds(300));
  // Capped.
  EXPECT_EQ(backoff_delay(policy, 10, 1.0), milliseconds(1000));
  EXPECT_EQ(backoff_delay(policy, 10, 0.0), milliseconds(500));
  EXPECT_EQ(backoff_delay(policy, 1000, 1.0), milliseconds(1000));
  for (int retry = 1; retry <= 6; ++retry) {
    for (double r = 0.0; r < 1.0; r += 0.05) {
      const auto delay = backoff_delay(policy, retry, r);
      const long long ceiling = std::min(1000LL, 100LL << (retry - 1));
      EXPECT_GE(delay.count(), ceiling / 2) << retry << " " << r;
      EXPECT_LE(delay.count(), ceiling) << retry << " " << r;
    }
  }
}

TEST(AwsRetryPolicy, DefaultsAreThreeAttemptsWithASmallBase) {
  const RetryPolicy policy;
  EXPECT_EQ(policy.max_attempts, 3);
  EXPECT_GE(backoff_delay(policy, 1, 0.0), milliseconds(50));
  EXPECT_LE(backoff_delay(policy, 1, 1.0), milliseconds(100));
}

}  // namespace
}  // namespace shoppulse::aws
