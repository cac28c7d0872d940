// SigV4 behaviour the suites do not pin down: double encoding of wire paths,
// query edge cases, what is and is not signed, and re-signing.

#include <gtest/gtest.h>

#include <chrono>

#include "shoppulse/crypto/crypto.h"
#include "shoppulse/aws/sigv4.h"
#include "shoppulse/core/ascii.h"

namespace shoppulse::aws {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

const system_clock::time_point kTime{seconds(1440938160)};  // 2015-08-30T12:36:00Z
const AwsCredentials kCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};

sigv4::SigningParams params(system_clock::time_point time = kTime) {
  sigv4::SigningParams p;
  p.region = "us-east-1";
  p.service = "secretsmanager";
  p.time = time;
  return p;
}

sigv4::RequestToSign post_request(std::string_view body = "{}") {
  sigv4::RequestToSign request;
  request.method = "POST";
  request.path = "/";
  request.headers = {{"Host", "secretsmanager.us-east-1.amazonaws.com"},
                     {"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", "secretsmanager.GetSecretValue"}};
  request.payload = body;
  return request;
}

TEST(AwsCrypto, MatchesPublishedDigests) {
  EXPECT_EQ(crypto::sha256_hex("").value(), sigv4::kEmptyPayloadSha256);
  EXPECT_EQ(crypto::sha256_hex("abc").value(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  EXPECT_EQ(crypto::hex_encode(crypto::hmac_sha256("Jefe", "what do ya want for nothing?").value()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// The HMAC is built on the SHA-256 block functions: every key-length branch
// against published (RFC 4231) or independently computed (Python hmac) values.
TEST(AwsCrypto, HmacCoversEveryKeyLength) {
  struct Case {
    std::string key;
    std::string data;
    const char* expected;
  };
  const Case cases[] = {
      // RFC 4231 test case 1: a 20-byte key.
      {std::string(20, '\x0b'), "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      // RFC 4231 test case 6: a key longer than the block is hashed first.
      {std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      // Exactly one block of key, and the empty key.
      {std::string(64, 'k'), "exactly one block of key",
       "baa93ea4ccc7062ed6870c5e7937dbd35ad7791df4e29df9addeb429ff491acf"},
      {"", "", "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(crypto::hex_encode(crypto::hmac_sha256(c.key, c.data).value()), c.expected) << c.data;
    // A prepared key gives the same MAC, and can be used again.
    const crypto::HmacSha256Key key(c.key);
    EXPECT_EQ(crypto::hex_encode(key.mac(c.data)), c.expected) << c.data;
    EXPECT_EQ(crypto::hex_encode(key.mac(c.data)), c.expected) << c.data;
  }
}

TEST(AwsSigV4, FormatsAmzDateInUtc) {
  EXPECT_EQ(sigv4::format_amz_date(kTime), "20150830T123600Z");
  EXPECT_EQ(sigv4::format_amz_date(system_clock::time_point(seconds(0))), "19700101T000000Z");
  // A leap day's last second (1709251199), and sub-second time truncated, not rounded.
  EXPECT_EQ(sigv4::format_amz_date(system_clock::time_point(seconds(1709251199)) + std::chrono::milliseconds(999)),
            "20240229T235959Z");
  EXPECT_EQ(sigv4::format_amz_date(system_clock::time_point(seconds(4102444800))), "21000101T000000Z");
}

TEST(AwsSigV4, EncodesWirePathsOnceMore) {
  // Non-S3 services sign the percent-encoded wire path encoded again.
  EXPECT_EQ(sigv4::canonical_uri("/accounts/123/a%20b", true), "/accounts/123/a%2520b");
  EXPECT_EQ(sigv4::canonical_uri("", true), "/");
  EXPECT_EQ(sigv4::canonical_uri("/a/b/../c/./d//", true), "/a/c/d/");
  EXPECT_EQ(sigv4::canonical_uri("/a/b/../c", false), "/a/b/../c");
}

TEST(AwsSigV4, CanonicalQueryDecodesThenEncodesAndSorts) {
  EXPECT_EQ(sigv4::canonical_query_string(""), "");
  EXPECT_EQ(sigv4::canonical_query_string("b=2&a=1"), "a=1&b=2");
  EXPECT_EQ(sigv4::canonical_query_string("flag"), "flag=");
  EXPECT_EQ(sigv4::canonical_query_string("a=x+y&a=%2F&&"), "a=%2F&a=x%2By");
  EXPECT_EQ(sigv4::canonical_query_string("k=a b"), "k=a%20b");
}

TEST(AwsSigV4, SignsSessionTokenHeaderAndSkipsVolatileHeaders) {
  AwsCredentials credentials = kCredentials;
  credentials.session_token = "token/with+chars==";
  auto request = post_request();
  request.headers.push_back({"User-Agent", "shoppulse-api"});
  auto signed_request = sigv4::sign(request, credentials, params());
  ASSERT_TRUE(signed_request.ok());
  EXPECT_NE(signed_request->authorization.find(
                "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,"),
            std::string::npos)
      << signed_request->authorization;
  EXPECT_EQ(find_header(signed_request->headers, "X-Amz-Security-Token").value_or(""), credentials.session_token);
  EXPECT_NE(signed_request->canonical_request.find("x-amz-security-token:token/with+chars==\n"), std::string::npos);
  EXPECT_EQ(signed_request->canonical_request.find("user-agent"), std::string::npos);
  EXPECT_EQ(signed_request->authorization.rfind(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/secretsmanager/aws4_request, ", 0),
            0u);
}

TEST(AwsSigV4, UnsignedTokenModeStillSendsTheToken) {
  AwsCredentials credentials = kCredentials;
  credentials.session_token = "abc";
  auto p = params();
  p.sign_session_token = false;
  auto signed_request = sigv4::sign(post_request(), credentials, p);
  ASSERT_TRUE(signed_request.ok());
  EXPECT_EQ(signed_request->authorization.find("x-amz-security-token"), std::string::npos);
  EXPECT_EQ(find_header(signed_request->headers, "X-Amz-Security-Token").value_or(""), "abc");
}

TEST(AwsSigV4, ResigningReplacesStaleSignatureHeaders) {
  auto first = sigv4::sign(post_request(), kCredentials, params());
  ASSERT_TRUE(first.ok());
  // Feed the signed headers back in, as a retry would, at a later time.
  auto retry = post_request();
  retry.headers = first->headers;
  auto second = sigv4::sign(retry, kCredentials, params(kTime + seconds(1)));
  ASSERT_TRUE(second.ok());
  EXPECT_NE(first->signature, second->signature);
  std::size_t dates = 0;
  std::size_t authorizations = 0;
  for (const auto& header : second->headers) {
    dates += ascii::iequals(header.name, "X-Amz-Date") ? 1u : 0u;
    authorizations += ascii::iequals(header.name, "Authorization") ? 1u : 0u;
  }
  EXPECT_EQ(dates, 1u);
  EXPECT_EQ(authorizations, 1u);
  EXPECT_EQ(find_header(second->headers, "X-Amz-Date").value_or(""), "20150830T123601Z");

  // Same inputs, same time: deterministic.
  auto again = sigv4::sign(retry, kCredentials, params());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->signature, first->signature);
}

TEST(AwsSigV4, BodyChangesTheSignature) {
  auto a = sigv4::sign(post_request(R"({"SecretId":"a"})"), kCredentials, params());
  auto b = sigv4::sign(post_request(R"({"SecretId":"b"})"), kCredentials, params());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->signature, b->signature);
}

TEST(AwsSigV4, RejectsIncompleteInput) {
  auto no_host = post_request();
  no_host.headers.erase(no_host.headers.begin());
  EXPECT_EQ(sigv4::sign(no_host, kCredentials, params()).error().code, "sigv4_invalid_request");
  EXPECT_FALSE(sigv4::sign(post_request(), AwsCredentials{"AKID", "", ""}, params()).ok());
  auto no_region = params();
  no_region.region = "";
  EXPECT_FALSE(sigv4::sign(post_request(), kCredentials, no_region).ok());
}

}  // namespace
}  // namespace shoppulse::aws
