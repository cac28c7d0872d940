#include "shoppulse/core/json_writer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace shoppulse {
namespace {

std::string json_quoted(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(JsonString, EscapesWhatJsonRequires) {
  EXPECT_EQ(json_quoted("plain"), "\"plain\"");
  EXPECT_EQ(json_quoted("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json_quoted("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(json_quoted(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(json_quoted(std::string("nul\0byte", 8)), R"("nul\u0000byte")");
}

TEST(JsonString, KeepsValidUtf8AndReplacesInvalid) {
  EXPECT_EQ(json_quoted("caf\xC3\xA9 \xF0\x9F\x9B\x92"), "\"caf\xC3\xA9 \xF0\x9F\x9B\x92\"");
  // Lone continuation byte, overlong encoding, surrogate, truncated sequence.
  for (const std::string& bad :
       {std::string("\x80"), std::string("\xC0\xAF"), std::string("\xED\xA0\x80"), std::string("\xE2\x82")}) {
    const std::string out = json_quoted("x" + bad + "y");
    EXPECT_TRUE(nlohmann::json::accept(out)) << out;
    EXPECT_NE(out.find("\xEF\xBF\xBD"), std::string::npos);
  }
}

TEST(JsonString, AgreesWithNlohmannOnEveryByte) {
  std::string all;
  for (int i = 0; i < 128; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(nlohmann::json::parse(json_quoted(all)).get<std::string>(), all);
}

TEST(JsonWriter, BuildsNestedDocuments) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("a", 1).field("b", true).key("c").begin_array().value("x").null().value(2.5).end_array();
  w.key("d").begin_object().end_object().key("e").raw(R"({"k":[1]})").end_object();
  const auto parsed = nlohmann::json::parse(out);
  EXPECT_EQ(parsed, nlohmann::json::parse(R"({"a":1,"b":true,"c":["x",null,2.5],"d":{},"e":{"k":[1]}})"));
}

}  // namespace
}  // namespace shoppulse
