#include "shoppulse/core/codec.h"

#include <cstddef>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace shoppulse {
namespace {

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(*base64_decode("Zm9vYg=="), "foob");
  EXPECT_EQ(*base64_decode("Zm9vYg"), "foob");
  // The real v2 sample body.
  EXPECT_EQ(*base64_decode("PGlkay8+"), "<idk/>");
}

TEST(Base64, RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(*base64_decode(base64_encode(all)), all);
  EXPECT_EQ(*base64url_decode(base64url_encode(all)), all);
  EXPECT_EQ(base64url_encode(all).find_first_of("+/="), std::string::npos);
}

TEST(Base64, RejectsGarbage) {
  EXPECT_FALSE(base64_decode("Zm9v!").ok());
  EXPECT_FALSE(base64_decode("Z").ok());
  EXPECT_FALSE(base64_decode("Zm 9v").ok());
  EXPECT_FALSE(base64_decode(std::string("Zm\0v", 4)).ok());
  EXPECT_FALSE(base64url_decode("Zm9v+A").ok());
}

TEST(Gzip, RoundTrip) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += R"({"id":")" + std::to_string(i) + R"(","email":"user@example.com"},)";
  const std::string compressed = gzip_compress(text);
  ASSERT_FALSE(compressed.empty());
  EXPECT_LT(compressed.size(), text.size() / 5);
  EXPECT_EQ(static_cast<unsigned char>(compressed[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(compressed[1]), 0x8b);
  auto restored = gzip_decompress(compressed, 1 << 20);
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(*restored, text);
}

TEST(Gzip, EncoderIsReusableAcrossResponses) {
  // The warm path keeps one zlib stream; a reset that left state behind would
  // corrupt the second and later bodies.
  GzipEncoder encoder;
  std::string large;
  for (int i = 0; i < 2000; ++i) large += "row " + std::to_string(i) + ";";
  const std::vector<std::string> bodies = {large, "small body", std::string(70000, 'x'), large, ""};
  for (const auto& body : bodies) {
    const std::string compressed = encoder.compress(body);
    ASSERT_FALSE(compressed.empty());
    auto restored = gzip_decompress(compressed, 1 << 20);
    ASSERT_TRUE(restored.ok());
    EXPECT_EQ(*restored, body);
  }
}

TEST(Gzip, RejectsNonGzipAndTruncatedInput) {
  EXPECT_FALSE(gzip_decompress("plain text", 1024).ok());
  const std::string compressed = gzip_compress(std::string(5000, 'a'));
  EXPECT_FALSE(gzip_decompress(compressed.substr(0, compressed.size() / 2), 1 << 20).ok());
  EXPECT_FALSE(gzip_decompress("", 1024).ok());
}

TEST(Gzip, RefusesToInflatePastTheLimit) {
  // 10 MB of zeros compresses to ~10 KB: a classic bomb.
  const std::string bomb = gzip_compress(std::string(std::size_t{10} * 1024 * 1024, '\0'));
  auto result = gzip_decompress(bomb, std::size_t{1024} * 1024);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::kPayloadTooLarge);
}

}  // namespace
}  // namespace shoppulse
