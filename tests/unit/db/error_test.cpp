// SQLSTATE -> ErrorKind mapping and column value parsing.

#include <gtest/gtest.h>

#include "shoppulse/db/error.h"
#include "shoppulse/db/query.h"

namespace shoppulse::db {
namespace {

TEST(DbErrorMapping, SqlstateKinds) {
  EXPECT_EQ(kind_for_sqlstate("23505"), ErrorKind::kConflict);
  EXPECT_EQ(kind_for_sqlstate("23503"), ErrorKind::kInvalidInput);  // foreign key
  EXPECT_EQ(kind_for_sqlstate("23514"), ErrorKind::kInvalidInput);  // check
  EXPECT_EQ(kind_for_sqlstate("23502"), ErrorKind::kInvalidInput);  // not null
  EXPECT_EQ(kind_for_sqlstate("22P02"), ErrorKind::kInvalidInput);  // invalid text representation
  EXPECT_EQ(kind_for_sqlstate("22001"), ErrorKind::kInvalidInput);  // string too long
  EXPECT_EQ(kind_for_sqlstate("08006"), ErrorKind::kUnavailable);
  EXPECT_EQ(kind_for_sqlstate("57P01"), ErrorKind::kUnavailable);
  EXPECT_EQ(kind_for_sqlstate("57P02"), ErrorKind::kUnavailable);
  EXPECT_EQ(kind_for_sqlstate("57P03"), ErrorKind::kUnavailable);
  EXPECT_EQ(kind_for_sqlstate("57014"), ErrorKind::kTimeout);
  EXPECT_EQ(kind_for_sqlstate("28P01"), ErrorKind::kUnavailable);
  EXPECT_EQ(kind_for_sqlstate("28000"), ErrorKind::kUnavailable);
  EXPECT_EQ(kind_for_sqlstate("42501"), ErrorKind::kForbidden);
  EXPECT_EQ(kind_for_sqlstate("42P01"), ErrorKind::kInternal);  // undefined table: a bug
  EXPECT_EQ(kind_for_sqlstate("XX000"), ErrorKind::kInternal);
}

TEST(DbErrorMapping, FlagsAndCode) {
  const DbError auth = error_from_sqlstate("28P01", "password authentication failed");
  EXPECT_TRUE(auth.auth_failure);
  EXPECT_FALSE(auth.connection_lost);
  EXPECT_EQ(auth.code, "sqlstate_28P01");

  const DbError shutdown = error_from_sqlstate("57P01", "terminating connection");
  EXPECT_TRUE(shutdown.connection_lost);
  EXPECT_FALSE(shutdown.auth_failure);

  const DbError unique = error_from_sqlstate("23505", "duplicate key", "users_tenant_email_key");
  EXPECT_EQ(unique.constraint, "users_tenant_email_key");
  const Error sliced = unique;
  EXPECT_EQ(sqlstate_of(sliced), "23505");
  EXPECT_EQ(sqlstate_of(Error::make(ErrorKind::kInternal, "other", "x")), "");
}

TEST(DbColumnParsing, ParsesOrRejects) {
  EXPECT_EQ(*parse_column_value<std::int64_t>("-9223372036854775808"), INT64_MIN);
  EXPECT_FALSE(parse_column_value<std::int64_t>("12abc"));
  EXPECT_FALSE(parse_column_value<std::int64_t>(""));
  EXPECT_FALSE(parse_column_value<std::int32_t>("2147483648"));  // overflow
  EXPECT_EQ(*parse_column_value<bool>("t"), true);
  EXPECT_EQ(*parse_column_value<bool>("f"), false);
  EXPECT_FALSE(parse_column_value<bool>("yes"));
  EXPECT_DOUBLE_EQ(*parse_column_value<double>("1234.5"), 1234.5);
  EXPECT_FALSE(parse_column_value<double>("1,5"));
  EXPECT_EQ((*parse_column_value<nlohmann::json>(R"({"k":[1]})"))["k"][0], 1);
  EXPECT_FALSE(parse_column_value<nlohmann::json>("{broken"));
}

}  // namespace
}  // namespace shoppulse::db
