// The CORS and gzip policies every response goes through.

#include "shoppulse/handlers/http_policies.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "shoppulse/core/codec.h"

namespace shoppulse::handlers {
namespace {

ApiRequest request_with(const std::vector<Field>& headers) {
  ApiRequest request;
  for (const Field& header : headers) request.headers.push_back(header);
  return request;
}

std::vector<std::string> values_of(const ApiResponse& response, std::string_view name) {
  std::vector<std::string> values;
  for (const auto& [key, value] : response.headers) {
    if (key == name) values.emplace_back(value);
  }
  return values;
}

CorsPolicy allowing(std::vector<std::string> origins) {
  CorsPolicy policy;
  policy.allowed_origins = std::move(origins);
  return policy;
}

// A response after apply_cors for a request from `origin`.
ApiResponse with_cors(const CorsPolicy& policy, std::string_view origin) {
  ApiResponse response;
  apply_cors(response, request_with({{"Origin", origin}}), policy);
  return response;
}

TEST(Cors, AllowsOnlyListedOriginsExactly) {
  const CorsPolicy policy = allowing({"https://app.example", "http://localhost:3000"});
  EXPECT_EQ(policy.allow_origin_for(request_with({{"Origin", "https://app.example"}})), "https://app.example");
  EXPECT_EQ(policy.allow_origin_for(request_with({{"origin", "http://localhost:3000"}})), "http://localhost:3000");
  EXPECT_EQ(policy.allow_origin_for(request_with({{"Origin", "https://app.example.evil"}})), "");
  EXPECT_EQ(policy.allow_origin_for(request_with({{"Origin", "HTTPS://APP.EXAMPLE"}})), "");
  EXPECT_EQ(policy.allow_origin_for(request_with({{"Origin", ""}})), "");
  EXPECT_EQ(policy.allow_origin_for(request_with({})), "");
  EXPECT_EQ(CorsPolicy{}.allow_origin_for(request_with({{"Origin", "https://app.example"}})), "");  // none configured
}

TEST(Cors, AStarAllowsAnyOriginWithoutVary) {
  const ApiResponse response = with_cors(allowing({"*"}), "https://anywhere.example");
  EXPECT_EQ(values_of(response, "Access-Control-Allow-Origin"), std::vector<std::string>{"*"});
  EXPECT_EQ(values_of(response, "Access-Control-Expose-Headers"), std::vector<std::string>{"Location, Retry-After"});
  EXPECT_TRUE(values_of(response, "Vary").empty());
}

TEST(Cors, AnAllowedOriginIsEchoedWithVaryAndOthersGetNoHeaders) {
  const CorsPolicy policy = allowing({"https://app.example"});
  const ApiResponse allowed = with_cors(policy, "https://app.example");
  EXPECT_EQ(values_of(allowed, "Access-Control-Allow-Origin"), std::vector<std::string>{"https://app.example"});
  EXPECT_EQ(values_of(allowed, "Vary"), std::vector<std::string>{"Origin"});
  EXPECT_TRUE(with_cors(policy, "https://other.example").headers.empty());
}

TEST(Cors, PreflightListsTheRouteMethodsPlusOptions) {
  const CorsPolicy policy = allowing({"https://app.example"});
  const ApiResponse allowed =
      preflight_response(request_with({{"Origin", "https://app.example"}}), policy, {"GET", "PATCH"});
  EXPECT_EQ(allowed.status, 204);
  EXPECT_EQ(values_of(allowed, "Allow"), std::vector<std::string>{"GET, PATCH, OPTIONS"});
  EXPECT_EQ(values_of(allowed, "Access-Control-Allow-Methods"), std::vector<std::string>{"GET, PATCH, OPTIONS"});
  EXPECT_EQ(values_of(allowed, "Access-Control-Allow-Headers"), std::vector<std::string>{policy.allowed_headers});
  EXPECT_EQ(values_of(allowed, "Access-Control-Max-Age"), std::vector<std::string>{"600"});
  EXPECT_EQ(values_of(allowed, "Vary"), std::vector<std::string>{"Origin"});
  // Another origin: still 204 with Allow, but nothing that grants CORS.
  const ApiResponse refused = preflight_response(request_with({{"Origin", "https://x.example"}}), policy, {"GET"});
  EXPECT_EQ(refused.status, 204);
  ASSERT_EQ(refused.headers.size(), 1U);
  EXPECT_EQ(values_of(refused, "Allow"), std::vector<std::string>{"GET, OPTIONS"});
}

TEST(Gzip, AcceptEncodingAllowsGzipUnlessItsQualityIsZero) {
  for (const char* accepted : {"gzip", "GZIP", "deflate, gzip", "br;q=1.0, gzip;q=0.5", " gzip ; q=0.001", "*",
                               "identity, *;q=1", "gzip;level=9"}) {
    EXPECT_TRUE(accepts_gzip(accepted)) << accepted;
  }
  for (const char* refused :
       {"", "identity", "deflate, br", "x-gzip", "gzip;q=0", "gzip; q=0.0", "gzip;q=0.000", "*;q=0", "gzipx", "gzi"}) {
    EXPECT_FALSE(accepts_gzip(refused)) << refused;
  }
}

TEST(Gzip, CompressesOnlyLargeEnoughBodiesForClientsThatAcceptIt) {
  GzipEncoderPool encoders;
  const std::string large(kGzipMinBytes, 'x');

  ApiResponse compressed;
  compressed.body = large;
  maybe_gzip(compressed, request_with({{"Accept-Encoding", "gzip"}}), encoders);
  ASSERT_TRUE(compressed.is_base64);
  EXPECT_EQ(values_of(compressed, "Content-Encoding"), std::vector<std::string>{"gzip"});
  EXPECT_EQ(values_of(compressed, "Vary"), std::vector<std::string>{"Accept-Encoding"});
  auto gzip = base64_decode(compressed.body);
  ASSERT_TRUE(gzip);
  auto plain = gzip_decompress(*gzip, 1 << 20);
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, large);

  ApiResponse small;
  small.body = std::string(kGzipMinBytes - 1, 'x');
  maybe_gzip(small, request_with({{"Accept-Encoding", "gzip"}}), encoders);
  EXPECT_FALSE(small.is_base64);
  EXPECT_TRUE(small.headers.empty());

  ApiResponse not_accepted;
  not_accepted.body = large;
  maybe_gzip(not_accepted, request_with({{"Accept-Encoding", "br"}}), encoders);
  maybe_gzip(not_accepted, request_with({}), encoders);
  EXPECT_FALSE(not_accepted.is_base64);
  EXPECT_EQ(std::string_view(not_accepted.body), large);

  // Already encoded (or already base64): never compressed twice.
  ApiResponse encoded;
  encoded.body = large;
  encoded.set_header("Content-Encoding", "br");
  maybe_gzip(encoded, request_with({{"Accept-Encoding", "gzip"}}), encoders);
  EXPECT_EQ(std::string_view(encoded.body), large);
  ApiResponse binary;
  binary.body = large;
  binary.is_base64 = true;
  maybe_gzip(binary, request_with({{"Accept-Encoding", "gzip"}}), encoders);
  EXPECT_EQ(std::string_view(binary.body), large);
  EXPECT_TRUE(binary.headers.empty());
}

}  // namespace
}  // namespace shoppulse::handlers
