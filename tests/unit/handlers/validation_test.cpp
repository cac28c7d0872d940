// The pure checks the handlers run on client input: ISO-8601 timestamps
// (audit-log filters), LIKE escaping (GET /users?q=), email addresses and
// JSON request bodies (a repeated member name is malformed JSON).

#include "shoppulse/handlers/validation.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shoppulse::handlers {
namespace {

TEST(ParseIso8601, AcceptsDatesAndTimesWithAnExplicitOrImpliedUtcZone) {
  EXPECT_EQ(parse_iso8601("2026-11-23"), "2026-11-23T00:00:00Z");  // a date is midnight UTC
  EXPECT_EQ(parse_iso8601("2026-11-23T10:15:30Z"), "2026-11-23T10:15:30Z");
  EXPECT_EQ(parse_iso8601("2026-11-23t10:15:30z"), "2026-11-23t10:15:30z");
  EXPECT_EQ(parse_iso8601("2026-11-23 10:15"), "2026-11-23 10:15Z");  // no zone: UTC
  EXPECT_EQ(parse_iso8601("2026-11-23T10:15:30.123456+02:00"), "2026-11-23T10:15:30.123456+02:00");
  EXPECT_EQ(parse_iso8601("2026-11-23T23:59:59-14:00"), "2026-11-23T23:59:59-14:00");
  EXPECT_EQ(parse_iso8601("2024-02-29T00:00:00Z"), "2024-02-29T00:00:00Z");  // leap year
  EXPECT_EQ(parse_iso8601("2000-02-29"), "2000-02-29T00:00:00Z");            // divisible by 400
}

TEST(ParseIso8601, RefusesImpossibleDatesTimesAndZones) {
  for (const char* text : {"",
                           "2026-11",
                           "2026/11/23",
                           "26-11-23",
                           "2026-13-01",
                           "2026-00-10",
                           "2026-11-31",
                           "2023-02-29",
                           "2100-02-29",
                           "1969-12-31",
                           "2026-11-23X10:15",
                           "2026-11-23T24:00",
                           "2026-11-23T10:60",
                           "2026-11-23T10:15:60",
                           "2026-11-23T10:1",
                           "2026-11-23T10:15:30.",
                           "2026-11-23T10:15:30.12345678901Z",
                           "2026-11-23T10:15+15:00",
                           "2026-11-23T10:15+02:60",
                           "2026-11-23T10:15+0200",
                           "2026-11-23T10:15 UTC",
                           "2026-11-23T10:15Z ",
                           "2026-1a-23",
                           "2026-11-23T10:15:30Z'; DROP TABLE users; --"}) {
    EXPECT_EQ(parse_iso8601(text), std::nullopt) << text;
  }
}

TEST(EscapeLike, EscapesEveryLikeMetacharacterAndNothingElse) {
  const std::vector<std::pair<std::string, std::string>> cases = {{"ann", "ann"},
                                                                  {R"(50%_off\)", R"(50\%\_off\\)"},
                                                                  {"%%", R"(\%\%)"},
                                                                  {"o'brien [x] *", "o'brien [x] *"},
                                                                  {"", ""}};
  for (const auto& [text, escaped] : cases) EXPECT_EQ(escape_like(text), escaped) << text;
}

TEST(IsValidEmail, AcceptsOrdinaryAddresses) {
  for (const char* email : {"a@b.co", "first.last+tag@sub.example.com", "o'brien@example.ie", "x_y-z@a-b.example",
                            "!#$%&'*+/=?^_`{|}~-@example.com"}) {
    EXPECT_TRUE(is_valid_email(email)) << email;
  }
  const std::string local64(64, 'a');
  EXPECT_TRUE(is_valid_email(local64 + "@example.com"));
}

TEST(IsValidEmail, RefusesMalformedOrOversizedAddresses) {
  for (const char* email : {"",
                            "plain",
                            "@example.com",
                            "a@",
                            "a@@example.com",
                            "a@b@example.com",
                            "a@localhost",
                            ".a@example.com",
                            "a.@example.com",
                            "a..b@example.com",
                            "a b@example.com",
                            "a@-example.com",
                            "a@example-.com",
                            "a@example..com",
                            "a@.example.com",
                            "a@example.com.",
                            "a@exa_mple.com",
                            "\"a\"@example.com",
                            "a@example.com\n",
                            "\xc3\xa9@example.com"}) {
    EXPECT_FALSE(is_valid_email(email)) << email;
  }
  EXPECT_FALSE(is_valid_email(std::string(65, 'a') + "@example.com"));                       // local part > 64
  EXPECT_FALSE(is_valid_email("a@" + std::string(64, 'b') + ".com"));                        // label > 63
  EXPECT_FALSE(is_valid_email(std::string(40, 'a') + "@" + std::string(56, 'b') + ".com"));  // 101 > 100
  EXPECT_TRUE(is_valid_email(std::string(40, 'a') + "@" + std::string(55, 'b') + ".com"));   // exactly 100
}

Result<json::Value, ApiError> parse_body(ApiRequest& request, json::Document& document, std::string_view body) {
  request.headers.push_back(Field{"Content-Type", "application/json"});
  request.body = body;
  return parse_json_object_body(request, document);
}

TEST(ParseJsonObjectBody, ARepeatedMemberAtAnyDepthIsMalformedJsonNamingOnlyTheMember) {
  for (const char* body : {R"({"role":"viewer","role":"admin"})", R"({"a":{"x":1,"y":2,"x":"secret"}})",
                           R"({"a":[{"x":1},{"x":2,"x":"secret"}]})"}) {
    ApiRequest request;
    json::Document document;
    const auto parsed = parse_body(request, document, body);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.error().error.code, "malformed_json") << body;
    EXPECT_EQ(parsed.error().error.kind, ErrorKind::kInvalidInput);
    EXPECT_EQ(parsed.error().error.message, "Request body repeats a member name");
    ASSERT_EQ(parsed.error().details.size(), 1U);
    EXPECT_EQ(parsed.error().details[0]["problem"], "is given more than once");
    EXPECT_EQ(parsed.error().details.dump().find("secret"), std::string::npos) << "values are never echoed";
  }
}

TEST(ParseJsonObjectBody, AnEchoedMemberNameIsCutOnACodePointBoundary) {
  // 63 ASCII bytes then a 2-byte character: 64 bytes would split it.
  const std::string name = std::string(63, 'n') + "\xC3\xA9" + std::string(100, 'z');
  const std::string body = "{\"" + name + "\":1,\"" + name + "\":2}";
  ApiRequest request;
  json::Document document;
  const auto parsed = parse_body(request, document, body);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().details[0]["field"], std::string(63, 'n'));
}

TEST(ParseJsonObjectBody, DistinctMembersParseAsBefore) {
  ApiRequest request;
  json::Document document;
  const auto parsed = parse_body(request, document, R"({"name":"A","nested":{"name":"B"},"list":[{"name":"C"}]})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ((*parsed)["name"].string(), "A");
  ApiRequest array_request;
  const auto array = parse_body(array_request, document, "[1]");
  ASSERT_FALSE(array.ok());
  EXPECT_EQ(array.error().error.code, "malformed_json");
  EXPECT_TRUE(array.error().details.is_null());
}

}  // namespace
}  // namespace shoppulse::handlers
