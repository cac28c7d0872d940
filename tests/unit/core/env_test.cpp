// The one environment reader: unset vs empty vs invalid, bounds, units, any
// case for names, and errors that name the variable and never the value.

#include "shoppulse/core/env.h"

#include <gtest/gtest.h>

namespace shoppulse::env {
namespace {

using std::chrono::milliseconds;

void expect_invalid(const Error& error, std::string_view variable, std::string_view value) {
  EXPECT_EQ(error.kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(error.code, "invalid_config");
  EXPECT_NE(error.message.find(variable), std::string::npos) << error.message;
  EXPECT_EQ(error.message.find(value), std::string::npos) << "echoes the value: " << error.message;
}

TEST(Env, EmptyCountsAsUnset) {
  const MapSource env{{"A", ""}, {"B", "x"}};
  EXPECT_FALSE(read_string(env, "A").has_value());
  EXPECT_FALSE(read_string(env, "MISSING").has_value());
  EXPECT_EQ(read_string(env, "B"), "x");
  auto required = require_string(env, "A");
  ASSERT_FALSE(required);
  EXPECT_EQ(required.error().code, "missing_config");
  EXPECT_TRUE(is_missing(required.error()));
  EXPECT_EQ(required.error().kind, ErrorKind::kInvalidInput);
}

TEST(Env, IntegersAreWholeAndWithinBounds) {
  // Values chosen so none is a substring of the message's "from 5 to 99".
  const MapSource env{{"N", "42"}, {"LOW", "4"}, {"HIGH", "123"}, {"TEXT", "4x2"}, {"SPACE", " 42"}, {"NEG", "-3"}};
  EXPECT_EQ(read_int(env, "N", 7, 5, 99).value(), 42);
  EXPECT_EQ(read_int(env, "UNSET", 7, 5, 99).value(), 7);
  for (const char* name : {"LOW", "HIGH", "TEXT", "SPACE", "NEG"}) {
    auto value = read_int(env, name, 7, 5, 99);
    ASSERT_FALSE(value) << name;
    expect_invalid(value.error(), name, *env.get(name));
    EXPECT_NE(value.error().message.find("from 5 to 99"), std::string::npos);
  }
  EXPECT_FALSE(read_optional_int(env, "UNSET", 1, 2).value().has_value());
}

TEST(Env, DurationsCarryTheirUnit) {
  const MapSource env{{"MS", "250"}, {"S", "3"}, {"BAD", "1.5"}};
  EXPECT_EQ(read_milliseconds(env, "MS", milliseconds(1), 1, 1000).value(), milliseconds(250));
  EXPECT_EQ(read_seconds(env, "S", milliseconds(1), 0, 10).value(), milliseconds(3000));
  EXPECT_EQ(read_seconds(env, "UNSET", milliseconds(9), 0, 10).value(), milliseconds(9));
  EXPECT_FALSE(read_milliseconds(env, "BAD", milliseconds(1), 1, 1000));
}

TEST(Env, BooleansAcceptTheUsualSpellingsInAnyCase) {
  const MapSource env{{"T1", "TRUE"}, {"T2", "1"},  {"T3", "Yes"},         {"F1", "false"},
                      {"F2", "0"},    {"F3", "NO"}, {"BAD", "enabled-ish"}};
  for (const char* name : {"T1", "T2", "T3"}) EXPECT_TRUE(read_bool(env, name, false).value()) << name;
  for (const char* name : {"F1", "F2", "F3"}) EXPECT_FALSE(read_bool(env, name, true).value()) << name;
  EXPECT_TRUE(read_bool(env, "UNSET", true).value());
  auto bad = read_bool(env, "BAD", true);
  ASSERT_FALSE(bad);
  expect_invalid(bad.error(), "BAD", "enabled-ish");
}

TEST(Env, EnumsMatchAnyCaseAndListTheChoices) {
  enum class Mode { kA, kB };
  const MapSource env{{"M", "beta"}, {"BAD", "gamma"}};
  EXPECT_EQ(read_enum(env, "M", Mode::kA, {{"ALPHA", Mode::kA}, {"BETA", Mode::kB}}).value(), Mode::kB);
  EXPECT_EQ(read_enum(env, "UNSET", Mode::kB, {{"ALPHA", Mode::kA}}).value(), Mode::kB);
  auto bad = read_enum(env, "BAD", Mode::kA, {{"ALPHA", Mode::kA}, {"BETA", Mode::kB}});
  ASSERT_FALSE(bad);
  expect_invalid(bad.error(), "BAD", "gamma");
  EXPECT_NE(bad.error().message.find("one of ALPHA, BETA"), std::string::npos) << bad.error().message;
}

TEST(Env, ListsAreTrimmedAndSkipEmptyItems) {
  const MapSource env{{"L", " a , b,,c ,"}};
  EXPECT_EQ(read_list(env, "L"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(read_list(env, "UNSET").empty());
}

TEST(Env, TheConstructorValueWinsAndSkipsTheEnvironment) {
  const MapSource env{{"N", "not a number"}};
  const auto read = [&] { return read_int(env, "N", 1, 0, 10); };
  EXPECT_EQ(override_or(std::optional<std::int64_t>(5), read).value(), 5);
  EXPECT_FALSE(override_or(std::optional<std::int64_t>(), read));
}

}  // namespace
}  // namespace shoppulse::env
