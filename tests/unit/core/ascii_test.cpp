#include "shoppulse/core/ascii.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "shoppulse/core/unique_fd.h"

namespace shoppulse {
namespace {

std::string decoded(std::string_view text, bool plus_is_space) {
  std::string out = ">";
  ascii::append_percent_decoded(out, text, plus_is_space);
  return out;
}

TEST(Ascii, HexValueAcceptsBothCasesAndNothingElse) {
  EXPECT_EQ(ascii::hex_value('0'), 0);
  EXPECT_EQ(ascii::hex_value('9'), 9);
  EXPECT_EQ(ascii::hex_value('a'), 10);
  EXPECT_EQ(ascii::hex_value('F'), 15);
  for (const char c : std::string("gG/:@` \xff")) EXPECT_EQ(ascii::hex_value(c), -1) << c;
}

TEST(Ascii, PercentDecodingAppendsAndKeepsWhatIsNotAnEscape) {
  EXPECT_EQ(decoded("a%20b%2Fc", false), ">a b/c");
  EXPECT_EQ(decoded("%e2%82%AC", false), ">\xe2\x82\xac");
  // A '%' without two hex digits after it stays as it is.
  EXPECT_EQ(decoded("100%", false), ">100%");
  EXPECT_EQ(decoded("%4", false), ">%4");
  EXPECT_EQ(decoded("%zz%41", false), ">%zzA");
  EXPECT_EQ(decoded("%2541", false), ">%41");  // decoded once, not twice
}

TEST(Ascii, PlusIsASpaceOnlyInFormEncoding) {
  EXPECT_EQ(decoded("a+b%2B", true), ">a b+");
  EXPECT_EQ(decoded("a+b%2B", false), ">a+b+");
}

TEST(Ascii, CaseHelpersTouchOnlyAsciiLetters) {
  EXPECT_TRUE(ascii::iequals("Content-Type", "content-TYPE"));
  EXPECT_FALSE(ascii::iequals("content-type", "content-typ"));
  EXPECT_FALSE(ascii::iequals("\xc3\xa9", "\xc3\x89"));  // not ASCII: compared as bytes
  std::string text = "Mixed-Case_09\xc3\x89";
  ascii::to_lower(text);
  EXPECT_EQ(text, "mixed-case_09\xc3\x89");
  ascii::to_upper(text);
  EXPECT_EQ(text, "MIXED-CASE_09\xc3\x89");
}

TEST(Ascii, LowerCopiesAndTouchesOnlyAsciiLetters) {
  EXPECT_EQ(ascii::lower("X-Amz-Date"), "x-amz-date");
  EXPECT_EQ(ascii::lower("ABC\xc3\x89z09"), "abc\xc3\x89z09");
  EXPECT_EQ(ascii::lower(""), "");
}

TEST(Ascii, TrimRemovesOnlySpacesAndTabsAtTheEnds) {
  EXPECT_EQ(ascii::trim(" \t gzip , br\t "), "gzip , br");
  EXPECT_EQ(ascii::trim("\r\nx\r\n"), "\r\nx\r\n");  // CR and LF are not HTTP's optional whitespace
  EXPECT_EQ(ascii::trim(" \t "), "");
  EXPECT_EQ(ascii::trim(""), "");
}

TEST(Ascii, PercentDecodeReturnsTheDecodedCopy) {
  EXPECT_EQ(ascii::percent_decode("a%20b+c%2", true), "a b c%2");
  EXPECT_EQ(ascii::percent_decode("a%20b+c%2", false), "a b+c%2");
}

std::vector<std::pair<std::string, std::string>> query_pairs(std::string_view raw) {
  std::vector<std::pair<std::string, std::string>> pairs;
  ascii::for_each_query_pair(
      raw, [&pairs](std::string_view key, std::string_view value) { pairs.emplace_back(key, value); });
  return pairs;
}

TEST(Ascii, QueryPairsComeInOrderStillEncoded) {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(query_pairs("a=1&b=%20x+y&a=2"), (Pairs{{"a", "1"}, {"b", "%20x+y"}, {"a", "2"}}));
  // Empty pairs are skipped; a pair without '=' has an empty value; only the
  // first '=' separates.
  EXPECT_EQ(query_pairs("&&flag&=v&k==x&"), (Pairs{{"flag", ""}, {"", "v"}, {"k", "=x"}}));
  EXPECT_TRUE(query_pairs("").empty());
  EXPECT_TRUE(query_pairs("&").empty());
}

TEST(UniqueFd, ClosesOnResetAndNotAfterRelease) {
  int ends[2];
  ASSERT_EQ(::pipe(ends), 0);
  UniqueFd read_end(ends[0]);
  {
    UniqueFd write_end(ends[1]);
    UniqueFd moved(std::move(write_end));
    EXPECT_FALSE(write_end);  // NOLINT(bugprone-use-after-move): moved-from state is the point
    EXPECT_EQ(moved.get(), ends[1]);
  }
  // The write end was closed when `moved` went away: the reader sees EOF.
  char byte = 0;
  EXPECT_EQ(::read(read_end.get(), &byte, 1), 0);
  const int raw = read_end.release();
  EXPECT_FALSE(read_end);
  EXPECT_EQ(::close(raw), 0);  // still open: release() did not close it
}

}  // namespace
}  // namespace shoppulse
