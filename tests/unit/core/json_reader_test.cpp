// The hot-path JSON reader: what it accepts and rejects must be what
// nlohmann::json (the DOM parser it replaced on the event path) accepts and
// rejects, and the values it reads must be the same values.

#include "shoppulse/core/json_reader.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <memory_resource>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace shoppulse::json {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every value of `ours` equals the corresponding value of `theirs`, to a
// depth of 200 (deeper documents are compared by their verdict only: the
// comparison recurses, the reader does not).
::testing::AssertionResult same_value(Value ours, const nlohmann::json& theirs, const std::string& where = "$",
                                      int depth = 0) {
  if (depth > 200) return ::testing::AssertionSuccess();
  const auto differ = [&where](const std::string& what) {
    return ::testing::AssertionFailure() << where << ": " << what;
  };
  switch (theirs.type()) {
    case nlohmann::json::value_t::null: return ours.is_null() ? ::testing::AssertionSuccess() : differ("expected null");
    case nlohmann::json::value_t::boolean:
      if (!ours.is_bool() || ours.is_true() != theirs.get<bool>()) return differ("expected a boolean");
      return ::testing::AssertionSuccess();
    case nlohmann::json::value_t::string:
      if (!ours.is_string() || ours.string() != theirs.get_ref<const std::string&>()) return differ("string differs");
      return ::testing::AssertionSuccess();
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: {
      if (!ours.is_number()) return differ("expected a number");
      if (nlohmann::json::parse(ours.text()) != theirs) return differ("number differs");
      return ::testing::AssertionSuccess();
    }
    case nlohmann::json::value_t::array: {
      if (!ours.is_array() || ours.size() != theirs.size()) return differ("array differs");
      std::size_t i = 0;
      for (const Value element : ours.elements()) {
        if (auto same = same_value(element, theirs[i], where + "[" + std::to_string(i) + "]", depth + 1); !same) {
          return same;
        }
        ++i;
      }
      return ::testing::AssertionSuccess();
    }
    case nlohmann::json::value_t::object: {
      if (!ours.is_object()) return differ("expected an object");
      std::size_t members = 0;
      for (const auto& member : ours.members()) {
        ++members;
        if (!theirs.contains(member.key)) return differ("extra member " + std::string(member.key));
      }
      // nlohmann keeps the last of repeated keys, as our lookups do.
      for (const auto& [key, value] : theirs.items()) {
        std::string at = where;
        at.append(".").append(key);
        if (auto same = same_value(ours[key], value, at, depth + 1); !same) return same;
      }
      if (members < theirs.size()) return differ("missing members");
      return ::testing::AssertionSuccess();
    }
    default: return differ("unexpected type");
  }
}

TEST(JsonReader, ReadsScalarsContainersAndMembers) {
  Document document;
  ASSERT_TRUE(document.parse(
      R"( {"a": 1, "b": [true, false, null, "x", -2.5e3], "c": {"d": "e"}, "n": null, "empty": {}, "none": []} )"));
  const Value root = document.root();
  ASSERT_TRUE(root.is_object());
  EXPECT_EQ(root.size(), 6U);
  EXPECT_EQ(root["a"].int64(), 1);
  EXPECT_EQ(root["a"].text(), "1");
  EXPECT_EQ(root.at({"c", "d"}).string(), "e");
  EXPECT_TRUE(root["n"].is_null());
  EXPECT_TRUE(root["n"].is_absent());
  EXPECT_TRUE(root["missing"].is_absent());
  EXPECT_FALSE(root["missing"].exists());
  EXPECT_FALSE(root.at({"c", "missing", "deeper"}).exists());
  EXPECT_FALSE(root["a"]["x"].exists());  // not an object
  std::vector<std::string> seen;
  for (const Value element : root["b"].elements()) seen.emplace_back(element.text());
  EXPECT_EQ(seen, (std::vector<std::string>{"true", "false", "null", "x", "-2.5e3"}));
  EXPECT_FALSE(root["b"].elements().begin() != root["b"].elements().begin());
  EXPECT_TRUE(root["empty"].is_object());
  EXPECT_EQ(root["empty"].size(), 0U);
  EXPECT_EQ(root["none"].size(), 0U);
  EXPECT_FALSE(root["b"]["0"].exists());  // arrays have no members
  std::vector<std::string> keys;
  for (const auto& member : root.members()) keys.emplace_back(member.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "b", "c", "n", "empty", "none"}));
}

TEST(JsonReader, ARepeatedKeyReadsAsItsLastValue) {
  Document document;
  ASSERT_TRUE(document.parse(R"({"k": "first", "k": "second"})"));
  EXPECT_EQ(document.root()["k"].string(), "second");
  EXPECT_EQ(nlohmann::json::parse(R"({"k": "first", "k": "second"})")["k"], "second");
}

TEST(JsonReader, DecodesEscapesToUtf8) {
  Document document;
  ASSERT_TRUE(document.parse(R"(["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u20ac", "\ud83d\ude00", "\u0000x", "plain"])"));
  std::vector<std::string> values;
  for (const Value element : document.root().elements()) values.emplace_back(element.string());
  ASSERT_EQ(values.size(), 5U);
  EXPECT_EQ(values[0], "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(values[1], "\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(values[2], "\xF0\x9F\x98\x80");
  EXPECT_EQ(values[3], std::string("\0x", 2));
  EXPECT_EQ(values[4], "plain");
}

TEST(JsonReader, StringsWithoutEscapesAreViewsOfTheInput) {
  const std::string text = R"({"key":"value"})";
  Document document;
  ASSERT_TRUE(document.parse(text));
  const std::string_view value = document.root()["key"].string();
  EXPECT_GE(value.data(), text.data());
  EXPECT_LT(value.data(), text.data() + text.size());
}

TEST(JsonReader, RejectsWhatIsNotJson) {
  const char* invalid[] = {
      "",
      " ",
      "{",
      "}",
      "[1,]",
      "[,1]",
      "{\"a\":1,}",
      "{\"a\" 1}",
      "{a:1}",
      "{\"a\":1}}",
      "[1] x",
      "01",
      "-",
      "1.",
      ".5",
      "1e",
      "+1",
      "0x10",
      "NaN",
      "tru",
      "nul",
      "\"unterminated",
      "\"bad \\x escape\"",
      "\"\\u12\"",
      "\"\\ud800\"",           // lone high surrogate
      "\"\\udc00\"",           // lone low surrogate
      "\"\\ud800\\u0041\"",    // high surrogate followed by a non-surrogate
      "\"tab\there\"",         // raw control character
      "\"\xC0\xAF\"",          // overlong encoding
      "\"\xED\xA0\x80\"",      // UTF-8-encoded surrogate
      "\"\xF5\x80\x80\x80\"",  // above U+10FFFF
      "\"\xE2\x82\"",          // truncated sequence
      "\"\xFF\"",
  };
  for (const char* text : invalid) {
    Document document;
    EXPECT_FALSE(document.parse(text)) << text;
    EXPECT_FALSE(document.root().exists()) << text;
    EXPECT_FALSE(nlohmann::json::accept(text)) << "nlohmann disagrees on: " << text;
  }
}

TEST(JsonReader, AcceptsEveryValidNumberForm) {
  for (const char* text : {"0", "-0", "12", "-12.5", "1e10", "1E-2", "2.5e+3", "123456789012345678901234567890"}) {
    Document document;
    EXPECT_TRUE(document.parse(text)) << text;
    EXPECT_EQ(document.root().text(), text);
  }
  Document document;
  ASSERT_TRUE(document.parse("[9223372036854775807, 9223372036854775808, 1.5, 1e2]"));
  std::vector<std::optional<std::int64_t>> integers;
  for (const Value element : document.root().elements()) integers.push_back(element.int64());
  EXPECT_EQ(integers, (std::vector<std::optional<std::int64_t>>{9223372036854775807LL, std::nullopt, std::nullopt,
                                                                std::nullopt}));
}

TEST(JsonReader, DeepNestingParsesWithoutTheCallStack) {
  const std::size_t depth = 200000;
  const std::string text = std::string(depth, '[') + std::string(depth, ']');
  Document document;
  ASSERT_TRUE(document.parse(text));
  EXPECT_TRUE(document.root().is_array());
  EXPECT_FALSE(document.parse(std::string(depth, '[') + std::string(depth - 1, ']')));
}

TEST(JsonReader, ALeadingByteOrderMarkIsIgnoredAsNlohmannDid) {
  Document document;
  EXPECT_TRUE(document.parse("\xEF\xBB\xBF{\"a\":1}"));
  EXPECT_EQ(document.root()["a"].int64(), 1);
  EXPECT_TRUE(nlohmann::json::accept("\xEF\xBB\xBF{\"a\":1}"));
  EXPECT_FALSE(document.parse("{\"a\":1}\xEF\xBB\xBF"));
}

TEST(JsonReader, DuplicateMemberFindsARepeatedNameAtAnyDepth) {
  Document document;
  ASSERT_TRUE(document.parse(R"({"role":"viewer","role":"admin"})"));
  EXPECT_EQ(document.duplicate_member(), "role");
  EXPECT_EQ(document.root()["role"].string(), "admin") << "parse() still accepts it; lookups see the last";
  ASSERT_TRUE(document.parse(R"({"a":{"b":[{"c":1},{"d":1,"e":2,"d":3}]}})"));
  EXPECT_EQ(document.duplicate_member(), "d");
  // Names compare decoded: an escape spells the same name.
  ASSERT_TRUE(document.parse(R"({"name":1,"n\u0061me":2})"));
  EXPECT_EQ(document.duplicate_member(), "name");
}

TEST(JsonReader, DuplicateMemberIgnoresTheSameNameInDifferentObjects) {
  Document document;
  for (const char* text : {R"({"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]})", R"({"a":1,"A":2,"a ":3})", R"({})",
                           R"({"a":1})", R"(["a","a"])", R"("a")", R"({"a":"a","b":"a"})"}) {
    ASSERT_TRUE(document.parse(text)) << text;
    EXPECT_EQ(document.duplicate_member(), std::nullopt) << text;
  }
  ASSERT_FALSE(document.parse("{"));
  EXPECT_EQ(document.duplicate_member(), std::nullopt);
}

// A hostile body of the largest size the API takes (1 MiB), one object of
// about 90,000 distinct names: sorting keeps it to milliseconds, where
// comparing every pair would take billions of comparisons and time out.
TEST(JsonReader, DuplicateMemberStaysCheapOnAOneMebibyteObject) {
  std::string text = "{";
  for (int i = 0; text.size() < std::size_t{1024} * 1024 - 32; ++i) {
    if (i > 0) text += ',';
    text += "\"k" + std::to_string(i) + "\":0";
  }
  // The Document views its text: both must outlive it.
  const std::string distinct = text + "}";
  const std::string repeated = text + ",\"k7\":1}";
  Document document;
  ASSERT_TRUE(document.parse(distinct));
  EXPECT_GT(document.root().size(), 80000U);
  EXPECT_EQ(document.duplicate_member(), std::nullopt);
  ASSERT_TRUE(document.parse(repeated));
  EXPECT_EQ(document.duplicate_member(), "k7");
}

TEST(JsonReader, AReusedDocumentForgetsThePreviousText) {
  Document document;
  ASSERT_TRUE(document.parse(R"({"a":"\u00e9"})"));
  ASSERT_FALSE(document.parse("{"));
  EXPECT_FALSE(document.root().exists());
  ASSERT_TRUE(document.parse("[1]"));
  EXPECT_TRUE(document.root().is_array());
}

TEST(JsonReader, AWarmArenaParseAllocatesNothingMore) {
  // Counts what reaches the upstream of the arena the reader allocates from.
  class Counting final : public std::pmr::memory_resource {
   public:
    std::size_t allocations = 0;

   private:
    void* do_allocate(std::size_t bytes, std::size_t alignment) override {
      ++allocations;
      return std::pmr::new_delete_resource()->allocate(bytes, alignment);
    }
    void do_deallocate(void* p, std::size_t bytes, std::size_t alignment) override {
      std::pmr::new_delete_resource()->deallocate(p, bytes, alignment);
    }
    [[nodiscard]] bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override {
      return this == &other;
    }
  } counting;
  const std::string event = read_file(std::filesystem::path(SHOPPULSE_SOURCE_DIR) /
                                      "tests/data/events/apigw-v1-rest-cognito-userpool-authorizer.json");
  std::vector<std::byte> block(std::size_t{256} * 1024);
  std::pmr::monotonic_buffer_resource arena(block.data(), block.size(), &counting);
  for (int round = 0; round < 3; ++round) {
    {
      Document document(&arena);
      ASSERT_TRUE(document.parse(event));
    }
    arena.release();
  }
  EXPECT_EQ(counting.allocations, 0U);
}

// Every event and payload the project keeps (recorded API Gateway events,
// replay suites, fuzz seeds): same verdict and same values as nlohmann.
TEST(JsonReader, AgreesWithNlohmannOnEveryCommittedSample) {
  std::size_t checked = 0;
  for (const char* dir : {"tests/data/events", "tests/replay/events", "tests/fuzz/corpus"}) {
    for (const auto& entry :
         std::filesystem::recursive_directory_iterator(std::filesystem::path(SHOPPULSE_SOURCE_DIR) / dir)) {
      if (!entry.is_regular_file()) continue;
      const std::string text = read_file(entry.path());
      Document document;
      const bool ours = document.parse(text);
      const auto theirs = nlohmann::json::parse(text, nullptr, false);
      ASSERT_EQ(ours, !theirs.is_discarded()) << entry.path();
      if (ours) {
        EXPECT_TRUE(same_value(document.root(), theirs)) << entry.path();
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 100U);
}

}  // namespace
}  // namespace shoppulse::json
