// The replay oracle itself: if normalisation or masking is wrong, every
// golden comparison built on it is meaningless.

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "golden.h"
#include "shoppulse/core/codec.h"
#include "suite.h"
#include "text_diff.h"

namespace shoppulse::replay {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string read_event(const std::string& name) {
  std::ifstream in(std::string(SHOPPULSE_TEST_DATA_DIR) + "/events/" + name);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

json normalise_response(EventFormat format, const json& response, const std::vector<std::string>& extra = {}) {
  return normalise(format, Observed{false, response.dump(), ""}, extra);
}

TEST(replay_golden, ClassifiesRecordedEvents) {
  EXPECT_EQ(classify_event(read_event("apigw-v1-rest-cognito-userpool-authorizer.json")), EventFormat::kApiGatewayV1);
  EXPECT_EQ(classify_event(read_event("apigw-v1-rest-multivalue-claims-null.json")), EventFormat::kApiGatewayV1);
  EXPECT_EQ(classify_event(read_event("apigw-v2-http-jwt-authorizer-cognito.json")), EventFormat::kApiGatewayV2);
  EXPECT_EQ(classify_event(read_event("alb-request-single-value.json")), EventFormat::kDirect);
  EXPECT_EQ(classify_event("not json"), EventFormat::kDirect);
  EXPECT_EQ(classify_event(R"({"version":"2.0"})"), EventFormat::kDirect);
}

TEST(replay_golden, KeepsOnlyHeadersThatMatterLowerCased) {
  const json response = {{"statusCode", 200},
                         {"headers",
                          {{"Content-Type", "application/json"},
                           {"Date", "Mon, 17 Jun 2024 15:00:26 GMT"},
                           {"X-Amzn-RequestId", "abc"},
                           {"Access-Control-Allow-Origin", "*"}}},
                         {"body", "{}"},
                         {"isBase64Encoded", false}};
  const json doc = normalise_response(EventFormat::kApiGatewayV2, response);
  EXPECT_EQ(doc.at("response").at("headers"),
            json({{"content-type", "application/json"}, {"access-control-allow-origin", "*"}}));
  EXPECT_EQ(doc.at("response").at("keys"), json({"body", "headers", "isBase64Encoded", "statusCode"}));

  const json with_extra = normalise_response(EventFormat::kApiGatewayV2, response, {"x-amzn-requestid"});
  EXPECT_EQ(with_extra.at("response").at("headers").at("x-amzn-requestid"), "abc");
}

TEST(replay_golden, DecodesBase64GzipJsonBodies) {
  const std::string body = base64_encode(gzip_compress(R"({"items":[1,2,3]})"));
  const json response = {
      {"statusCode", 200}, {"headers", {{"content-encoding", "gzip"}}}, {"body", body}, {"isBase64Encoded", true}};
  const json doc = normalise_response(EventFormat::kApiGatewayV1, response);
  EXPECT_EQ(doc.at("response").at("body"), json::parse(R"({"items":[1,2,3]})"));
  EXPECT_EQ(doc.at("response").at("bodyEncoding"), "gzip");
}

TEST(replay_golden, TextAndBinaryBodiesAreKeptComparable) {
  const json text =
      normalise_response(EventFormat::kApiGatewayV1, {{"statusCode", 200}, {"body", "plain <b>text</b>"}});
  EXPECT_EQ(text.at("response").at("bodyText"), "plain <b>text</b>");

  const std::string binary = base64_encode(std::string("\xff\xfe\x00\x01", 4));
  const json bin = normalise_response(EventFormat::kApiGatewayV1,
                                      {{"statusCode", 200}, {"body", binary}, {"isBase64Encoded", true}});
  EXPECT_EQ(bin.at("response").at("bodyBase64"), binary);

  const json broken =
      normalise_response(EventFormat::kApiGatewayV1, {{"statusCode", 200}, {"body", "%%%"}, {"isBase64Encoded", true}});
  EXPECT_TRUE(broken.at("response").contains("bodyInvalidBase64"));
}

TEST(replay_golden, ErrorsCompareTypeAndMessageOnlyWhenPinned) {
  const Observed error{true, R"({"errorMessage":"text may change","errorType":"Function.InvalidEvent"})",
                       "Function.InvalidEvent"};
  const json actual = normalise(EventFormat::kDirect, error, {});
  EXPECT_TRUE(
      compare(json{{"format", "direct"}, {"expect", "error"}, {"errorType", "Function.InvalidEvent"}}, actual).passed);
  EXPECT_FALSE(
      compare(json{{"format", "direct"}, {"expect", "error"}, {"errorType", "Function.Other"}}, actual).passed);
  EXPECT_FALSE(compare(json{{"format", "direct"},
                            {"expect", "error"},
                            {"errorType", "Function.InvalidEvent"},
                            {"errorMessage", "pinned text"}},
                       actual)
                   .passed);
}

TEST(replay_golden, MasksHideOnlyTheNamedVolatileValues) {
  json golden = json::parse(R"({
    "$masked": ["body.items.*.createdAt", "body.error.requestId"],
    "format": "apigw-v2", "expect": "response",
    "response": {"statusCode": 200, "body": {"items": [{"id": 1, "createdAt": "<masked>"}],
                                             "error": {"requestId": "<masked>"}}}})");
  json actual = json::parse(R"({
    "format": "apigw-v2", "expect": "response",
    "response": {"statusCode": 200, "body": {"items": [{"id": 1, "createdAt": "2026-01-01T00:00:00Z"}],
                                             "error": {"requestId": "r-1"}}}})");
  EXPECT_TRUE(compare(golden, actual).passed);

  actual["response"]["body"]["items"][0]["id"] = 2;
  const Verdict verdict = compare(golden, actual);
  EXPECT_FALSE(verdict.passed);
  EXPECT_NE(verdict.report.find("-          \"id\": 1"), std::string::npos) << verdict.report;
  EXPECT_NE(verdict.report.find("+          \"id\": 2"), std::string::npos) << verdict.report;
}

TEST(replay_golden, MaskedFieldMissingFromActualStillFails) {
  const json golden = json::parse(
      R"({"$masked": ["body.createdAt"], "expect": "response", "response": {"body": {"createdAt": "<masked>"}}})");
  const json actual = json::parse(R"({"expect": "response", "response": {"body": {}}})");
  EXPECT_FALSE(compare(golden, actual).passed);
}

TEST(replay_golden, FlagsGeneratedIdsAndTimestampsButNotEchoedOnes) {
  const std::string event = R"({"requestContext":{"requestId":"e56434a3-0b5d-453c-9183-f07a5e91fbb3"}})";
  const json doc = json::parse(R"({"response": {"body": {
      "error": {"requestId": "e56434a3-0b5d-453c-9183-f07a5e91fbb3"},
      "id": "0b9a7c9e-5f1d-4c1e-8f3e-2d4c6b8a0e1f",
      "rows": [{"at": "2026-11-23T04:50:05.762Z"}, {"at": "not a time"}]}}})");
  EXPECT_EQ(generated_value_paths(doc, event), (std::vector<std::string>{"body.id", "body.rows.0.at"}));
}

TEST(replay_golden, RecordingKeepsSettingsAndAppliesMasks) {
  const json old = json::parse(R"({"$comment": "why", "$masked": ["body.a"], "errorMessage": "x", "expect": "error"})");
  const json actual = json::parse(R"({"expect": "response", "response": {"body": {"a": 1, "b": "id-2"}}})");
  const json golden = make_golden(&old, actual, {"body.b", "body.a"});
  EXPECT_EQ(golden.at("$comment"), "why");
  EXPECT_EQ(golden.at("$masked"), json({"body.a", "body.b"}));
  EXPECT_EQ(golden.at("response").at("body"), json({{"a", "<masked>"}, {"b", "<masked>"}}));

  const json error = json::parse(R"({"expect": "error", "errorType": "T", "errorMessage": "m"})");
  EXPECT_FALSE(make_golden(nullptr, error, {}).contains("errorMessage"));
  EXPECT_EQ(make_golden(&old, error, {}).at("errorMessage"), "m");
}

TEST(replay_golden, SubstitutesFixtureVariables) {
  const std::map<std::string, std::string> vars{{"PG_PORT", "5433"}, {"DATABASE_URL", "postgresql://u@h/db"}};
  EXPECT_EQ(substitute("host=127.0.0.1 port=${PG_PORT}", vars).value_or(""), "host=127.0.0.1 port=5433");
  EXPECT_EQ(substitute("${DATABASE_URL}", vars).value_or(""), "postgresql://u@h/db");
  EXPECT_EQ(substitute("cost $$5 and $x", vars).value_or(""), "cost $5 and $x");
  EXPECT_FALSE(substitute("${PGPORT}", vars).ok()) << "unknown names must not expand to nothing";
  EXPECT_FALSE(substitute("${PG_PORT", vars).ok());
}

class replay_suite_dir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("replay_suite_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  fs::path dir_;
};

TEST_F(replay_suite_dir, ListsEventsInLexicalOrderWithoutGoldensOrConfig) {
  for (const char* name : {"b.json", "a.raw", "a.expected.json", "suite.json", "notes.md", "c.json"}) write(name, "{}");
  std::vector<std::string> names;
  for (const auto& p : event_files(dir_)) names.push_back(p.filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{"a.raw", "b.json", "c.json"}));
  EXPECT_EQ(golden_path(dir_ / "a.raw").filename(), "a.expected.json");
}

TEST_F(replay_suite_dir, ReadsSuiteConfigAndRejectsTypos) {
  EXPECT_FALSE(load_suite_config(dir_)->needs_postgres) << "suite.json is optional";
  write("suite.json",
        R"({"$comment": "x", "env": {"DB": "${DATABASE_URL}"}, "needs_postgres": true, "timeout_ms": 9000})");
  auto config = load_suite_config(dir_);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_TRUE(config->needs_postgres);
  EXPECT_EQ(config->env.at("DB"), "${DATABASE_URL}");
  EXPECT_EQ(config->timeout_ms, 9000);

  write("suite.json", R"({"needs_postgress": true})");
  EXPECT_FALSE(load_suite_config(dir_).ok());
}

TEST(replay_golden, DiffIsEmptyForEqualTextsAndShowsContext) {
  EXPECT_EQ(unified_diff("a\nb\n", "a\nb\n"), "");
  const std::string diff = unified_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nX\n6\n7\n8\n9\n", 1);
  EXPECT_EQ(diff, "--- expected\n+++ actual\n@@\n 4\n-5\n+X\n 6\n");
}

}  // namespace
}  // namespace shoppulse::replay
