// The one authority parser (AWS endpoint URLs, the HTTPS client,
// AWS_LAMBDA_RUNTIME_API).

#include "shoppulse/core/authority.h"

#include <gtest/gtest.h>

namespace shoppulse::net {
namespace {

TEST(Authority, SplitsHostsPortsAndBracketedIpv6) {
  auto plain = split_authority("secretsmanager.us-east-1.amazonaws.com");
  EXPECT_EQ(plain.problem, AuthorityProblem::kNone);
  EXPECT_EQ(plain.host, "secretsmanager.us-east-1.amazonaws.com");
  EXPECT_TRUE(plain.port.empty());

  auto with_port = split_authority("127.0.0.1:9001");
  EXPECT_EQ(with_port.problem, AuthorityProblem::kNone);
  EXPECT_EQ(with_port.host, "127.0.0.1");
  EXPECT_EQ(with_port.port, "9001");
  EXPECT_EQ(with_port.port_number, 9001);

  auto v6 = split_authority("[::1]:65535");
  EXPECT_EQ(v6.problem, AuthorityProblem::kNone);
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port_number, 65535);
  EXPECT_EQ(split_authority("[fe80::1]").host, "fe80::1");
}

TEST(Authority, NamesWhatIsWrong) {
  EXPECT_EQ(split_authority("[::1").problem, AuthorityProblem::kUnterminatedIpv6);
  EXPECT_EQ(split_authority("[::1]x").problem, AuthorityProblem::kTextAfterIpv6);
  EXPECT_EQ(split_authority("").problem, AuthorityProblem::kMissingHost);
  EXPECT_EQ(split_authority(":80").problem, AuthorityProblem::kMissingHost);
  for (const char* bad : {"host:", "host:0", "host:65536", "host:8x", "host:-1", "[::1]:"}) {
    EXPECT_EQ(split_authority(bad).problem, AuthorityProblem::kBadPort) << bad;
  }
}

}  // namespace
}  // namespace shoppulse::net
