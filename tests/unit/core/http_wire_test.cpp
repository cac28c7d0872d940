// Parsing HTTP/1.1 responses off the wire: heads, lengths and chunked
// bodies, including every way a response can arrive split across reads.

#include "shoppulse/core/http_wire.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace shoppulse::http1 {
namespace {

WireState head_of(std::string_view bytes, ResponseHead& head) {
  std::vector<HeaderView> headers;
  return parse_response_head(bytes, head, headers);
}

TEST(ResponseHead, ReadsStatusLengthAndHeaders) {
  const std::string bytes =
      "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: abc\r\nContent-Length:  12 \r\nX-Empty:\r\n\r\nbody";
  ResponseHead head;
  std::vector<HeaderView> headers;
  ASSERT_EQ(parse_response_head(bytes, head, headers), WireState::kComplete);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.size, bytes.size() - 4);
  ASSERT_TRUE(head.content_length);
  EXPECT_EQ(*head.content_length, 12U);
  EXPECT_FALSE(head.chunked);
  EXPECT_FALSE(head.close);
  ASSERT_EQ(headers.size(), 3U);
  EXPECT_EQ(headers[0].name, "Lambda-Runtime-Aws-Request-Id");
  EXPECT_EQ(headers[0].value, "abc");
  EXPECT_EQ(headers[1].value, "12");
  EXPECT_EQ(headers[2].value, "");
}

TEST(ResponseHead, IsIncompleteUntilTheBlankLine) {
  const std::string bytes = "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n";
  ResponseHead head;
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_EQ(head_of(bytes.substr(0, cut), head), WireState::kIncomplete) << cut;
  }
  EXPECT_EQ(head_of(bytes, head), WireState::kComplete);
  EXPECT_EQ(head.status, 202);
}

TEST(ResponseHead, ChunkedWinsOverLengthAndCloseIsNoticed) {
  ResponseHead head;
  ASSERT_EQ(head_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\nConnection: "
                    "keep-alive, Close\r\n\r\n",
                    head),
            WireState::kComplete);
  EXPECT_TRUE(head.chunked);
  EXPECT_FALSE(head.content_length);
  EXPECT_TRUE(head.close);
  ASSERT_EQ(head_of("HTTP/1.0 200 OK\r\n\r\n", head), WireState::kComplete);
  EXPECT_FALSE(head.content_length);
  EXPECT_FALSE(head.chunked);
}

TEST(ResponseHead, RefusesMalformedHeads) {
  const char* invalid[] = {
      "HTTP/2 200 OK\r\n\r\n",
      "HTTP/1.1 20 OK\r\n\r\n",
      "HTTP/1.1 200OK\r\n\r\n",
      "HTTP/1.1 099 Old\r\n\r\n",
      "http/1.1 200 OK\r\n\r\n",
      "HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n",
      "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
      "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX: bell\x07\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
  };
  for (const char* bytes : invalid) {
    ResponseHead head;
    EXPECT_EQ(head_of(bytes, head), WireState::kInvalid) << bytes;
  }
  // The same length twice is tolerated, as RFC 9112 allows.
  ResponseHead head;
  EXPECT_EQ(head_of("HTTP/1.1 200 OK\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\n", head), WireState::kComplete);
}

TEST(ResponseHead, AHeadWithoutEndOverTheLimitIsInvalid) {
  const std::string endless = "HTTP/1.1 200 OK\r\nX: " + std::string(kMaxResponseHead, 'a');
  ResponseHead head;
  EXPECT_EQ(head_of(endless, head), WireState::kInvalid);
}

// Feeds `body` to a decoder in pieces of `step` bytes, as recv(2) might.
std::string decode(const std::string& body, std::size_t step, WireState& final_state, std::uint64_t limit = 1 << 20) {
  std::string buffer;
  ChunkedDecoder decoder(limit);
  final_state = WireState::kIncomplete;
  for (std::size_t at = 0; at < body.size() && final_state == WireState::kIncomplete;) {
    const std::size_t take = std::min(step, body.size() - at);
    buffer.append(body, at, take);
    at += take;
    final_state = decoder.step(buffer.data(), buffer.size());
  }
  return final_state == WireState::kComplete ? buffer.substr(0, decoder.decoded()) : std::string();
}

TEST(ChunkedBody, DecodesInPlaceWhateverTheReadSizes) {
  const std::string body = "5\r\nhello\r\n1;ext=v\r\n \r\nA\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n";
  for (std::size_t step = 1; step <= body.size(); ++step) {
    WireState state{};
    EXPECT_EQ(decode(body, step, state), "hello 0123456789") << step;
    EXPECT_EQ(state, WireState::kComplete) << step;
  }
}

TEST(ChunkedBody, ReportsBytesLeftAfterTheLastChunk) {
  std::string buffer = "3\r\nabc\r\n0\r\n\r\nEXTRA";
  ChunkedDecoder decoder(100);
  ASSERT_EQ(decoder.step(buffer.data(), buffer.size()), WireState::kComplete);
  EXPECT_EQ(decoder.decoded(), 3U);
  EXPECT_EQ(decoder.consumed(), buffer.size() - 5);
}

TEST(ChunkedBody, RefusesMalformedChunksAndOversizeBodies) {
  const char* invalid[] = {
      "x\r\nabc\r\n0\r\n\r\n",               // no size
      "3\nabc\r\n0\r\n\r\n",                 // bare LF
      "3\r\nabcd\r\n0\r\n\r\n",              // data longer than its size
      "3 junk\r\nabc\r\n0\r\n\r\n",          // garbage after the size
      "10000000000000000\r\n",               // size overflows 64 bits
      "3\r\nabc\r\n0\r\nbad trailer\n\r\n",  // trailer without CR
  };
  for (const char* body : invalid) {
    WireState state{};
    decode(body, 1, state);
    EXPECT_EQ(state, WireState::kInvalid) << body;
  }
  WireState state{};
  decode("8\r\n12345678\r\n0\r\n\r\n", 64, state, /*limit=*/7);
  EXPECT_EQ(state, WireState::kInvalid);
  decode("8\r\n12345678\r\n0\r\n\r\n", 64, state, /*limit=*/8);
  EXPECT_EQ(state, WireState::kComplete);
}

TEST(ChunkedBody, AnEndlessSizeLineIsRefused) {
  std::string buffer(5000, '1');
  ChunkedDecoder decoder(1 << 20);
  EXPECT_EQ(decoder.step(buffer.data(), buffer.size()), WireState::kInvalid);
}

}  // namespace
}  // namespace shoppulse::http1
