// Pagination cursors: what encode() made for a tenant and listing decodes
// back; anything modified, truncated, forged or borrowed is refused.

#include "shoppulse/handlers/cursor.h"

#include <gtest/gtest.h>

#include <string>

#include "shoppulse/core/codec.h"

namespace shoppulse::handlers {
namespace {

constexpr const char* kTenant = "11111111-1111-4111-8111-111111111111";
constexpr const char* kOtherTenant = "22222222-2222-4222-8222-222222222222";
const CursorPosition kPosition{"2026-11-23 10:15:30.123456+00", "a1000000-0000-4000-8000-000000000002"};

void expect_refused(const CursorCodec& codec, const std::string& cursor, const char* why) {
  auto decoded = codec.decode(cursor, kTenant, "users");
  ASSERT_FALSE(decoded) << why << ": " << cursor;
  EXPECT_EQ(decoded.error().code, "invalid_cursor") << why;
  EXPECT_EQ(decoded.error().kind, ErrorKind::kInvalidInput) << why;
}

TEST(Cursor, DecodesWhatItEncodedForTheSameTenantAndListing) {
  const CursorCodec codec("key-1");
  const std::string cursor = codec.encode(kTenant, "users", kPosition);
  auto decoded = codec.decode(cursor, kTenant, "users");
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->created_at, kPosition.created_at);
  EXPECT_EQ(decoded->id, kPosition.id);
  // Opaque: the position is not readable as plain text in the cursor.
  EXPECT_EQ(cursor.find(kPosition.id), std::string::npos);
}

TEST(Cursor, RefusesAnotherTenantsListingsOrKeysCursor) {
  const CursorCodec codec("key-1");
  const std::string cursor = codec.encode(kTenant, "users", kPosition);
  EXPECT_FALSE(codec.decode(cursor, kOtherTenant, "users"));
  EXPECT_FALSE(codec.decode(cursor, kTenant, "audit_logs"));
  EXPECT_FALSE(CursorCodec("key-2").decode(cursor, kTenant, "users"));
}

TEST(Cursor, RefusesEveryModifiedOrTruncatedCursor) {
  const CursorCodec codec("key-1");
  const std::string cursor = codec.encode(kTenant, "users", kPosition);
  // Every single-character change, anywhere (payload, dot or MAC).
  for (std::size_t i = 0; i < cursor.size(); ++i) {
    std::string modified = cursor;
    modified[i] = modified[i] == 'A' ? 'B' : 'A';
    expect_refused(codec, modified, "one character changed");
  }
  // Every proper prefix.
  for (std::size_t length = 0; length < cursor.size(); ++length) {
    expect_refused(codec, cursor.substr(0, length), "truncated");
  }
  expect_refused(codec, cursor + "A", "appended to");
  expect_refused(codec, cursor + "=", "padded");
  expect_refused(codec, cursor + "." + cursor.substr(cursor.find('.') + 1), "second MAC");
  expect_refused(codec, std::string(513, 'A'), "over the length limit");
}

TEST(Cursor, RefusesAForgedPayloadWithoutTheKey) {
  const CursorCodec codec("key-1");
  const std::string genuine = codec.encode(kTenant, "users", kPosition);
  const std::string mac = genuine.substr(genuine.find('.') + 1);
  // The same JSON the codec writes, pointing elsewhere, with the genuine
  // cursor's MAC or none.
  const std::string forged =
      base64url_encode(R"({"c":"2000-01-01 00:00:00+00","i":"a1000000-0000-4000-8000-000000000001","s":"users","t":")" +
                       std::string(kTenant) + R"(","v":1})");
  expect_refused(codec, forged + "." + mac, "forged payload, borrowed MAC");
  expect_refused(codec, forged, "no MAC");
  expect_refused(codec, forged + ".", "empty MAC");
  // Made with the right key but holding what encode() never writes: the
  // codec still checks the position itself.
  const CursorPosition bad_id{kPosition.created_at, "not-a-uuid"};
  expect_refused(codec, codec.encode(kTenant, "users", bad_id), "id is not a UUID");
  const CursorPosition bad_time{"now()", kPosition.id};
  expect_refused(codec, codec.encode(kTenant, "users", bad_time), "created_at is not a timestamp");
}

}  // namespace
}  // namespace shoppulse::handlers
