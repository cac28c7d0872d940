#include "shoppulse/db/binary.h"

#include <gtest/gtest.h>

#include <string>

namespace shoppulse::db::binary {
namespace {

TEST(Binary, UuidBytesBecomeCanonicalText) {
  const std::string bytes("\x11\x11\x11\x11\x11\x11\x41\x11\x81\x11\x11\x11\x11\x11\x11\xAB", 16);
  char text[36];
  ASSERT_TRUE(uuid_text(bytes, text));
  EXPECT_EQ(std::string(text, 36), "11111111-1111-4111-8111-1111111111ab");
  EXPECT_FALSE(uuid_text(bytes.substr(0, 15), text));
}

TEST(Binary, TimestampsCountFromTheYear2000) {
  EXPECT_EQ(unix_micros(std::string(8, '\0')), kPostgresEpochUnixMicros);
  // -1 microsecond: 1999-12-31T23:59:59.999999Z.
  EXPECT_EQ(unix_micros(std::string(8, '\xFF')), kPostgresEpochUnixMicros - 1);
  EXPECT_FALSE(unix_micros(std::string("\x7F\xFF\xFF\xFF\xFF\xFF\xFF\xFF", 8)));  // infinity
  EXPECT_FALSE(unix_micros(std::string("\x80\0\0\0\0\0\0\0", 8)));                // -infinity
  EXPECT_FALSE(unix_micros("short"));
}

TEST(Binary, IntegersAreBigEndianAndLengthChecked) {
  EXPECT_EQ(int4(std::string("\0\0\x01\x02", 4)), 258);
  EXPECT_EQ(int4(std::string("\xFF\xFF\xFF\xFE", 4)), -2);
  EXPECT_EQ(int8(std::string("\0\0\0\0\0\0\x01\0", 8)), 256);
  EXPECT_FALSE(int4("abc"));
  EXPECT_FALSE(int8("abc"));
  EXPECT_EQ(boolean(std::string("\x01", 1)), true);
  EXPECT_EQ(boolean(std::string("\0", 1)), false);
  EXPECT_FALSE(boolean(""));
}

}  // namespace
}  // namespace shoppulse::db::binary
