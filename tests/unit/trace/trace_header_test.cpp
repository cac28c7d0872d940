#include <gtest/gtest.h>

#include "shoppulse/trace/daemon.h"
#include "shoppulse/trace/trace_header.h"

namespace shoppulse::trace {
namespace {

constexpr std::string_view kSampled =
    "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:0";

TEST(TraceHeader, ASampledLambdaHeaderGivesRootAndParent) {
  const TraceHeader header = parse_trace_header(kSampled);
  EXPECT_TRUE(header.sampled);
  EXPECT_EQ(header.root, "1-5759e988-bd862e3fe1be46a994272793");
  EXPECT_EQ(header.parent, "53995c3f42cd8ad8");
}

TEST(TraceHeader, AnythingButAValidSampledHeaderIsNotTraced) {
  for (const std::string_view header : {
           "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0",
           "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8",
           "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=?",
           "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",                         // no parent
           "Parent=53995c3f42cd8ad8;Sampled=1",                                          // no root
           "Root=1-5759e988-bd862e3fe1be46a99427279;Parent=53995c3f42cd8ad8;Sampled=1",  // short root
           "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad;Sampled=1",  // short parent
           "Root=1-5759e988-bd862e3fe1be46a99427279\";Parent=53995c3f42cd8ad8;Sampled=1",
           "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8aG8;Sampled=1",
           "",
           ";;;=;",
       }) {
    EXPECT_FALSE(parse_trace_header(header).sampled) << header;
  }
}

TEST(DaemonAddress, PlainAndPerProtocolForms) {
  auto plain = parse_daemon_address("169.254.79.129:2000");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->host, "169.254.79.129");
  EXPECT_EQ(plain->port, "2000");

  auto both = parse_daemon_address("tcp:127.0.0.1:2000 udp:127.0.0.2:2001");
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->host, "127.0.0.2");
  EXPECT_EQ(both->port, "2001");

  auto reversed = parse_daemon_address("udp:[::1]:2002 tcp:127.0.0.1:2000");
  ASSERT_TRUE(reversed.ok());
  EXPECT_EQ(reversed->host, "::1");
  EXPECT_EQ(reversed->port, "2002");
}

TEST(DaemonAddress, MalformedValuesAreInvalidConfigWithoutTheValue) {
  for (const std::string_view value : {"", "daemonhost-without-port", "daemonhost:", "daemonhost:99999",
                                       "tcp:127.0.0.1:2000 only-tcp", "tcp:127.0.0.1:2000 udp:"}) {
    auto parsed = parse_daemon_address(value);
    ASSERT_FALSE(parsed.ok()) << value;
    EXPECT_EQ(parsed.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(parsed.error().message.find("AWS_XRAY_DAEMON_ADDRESS"), std::string::npos);
    if (!value.empty()) {
      EXPECT_EQ(parsed.error().message.find(value), std::string::npos) << value;
    }
  }
}

}  // namespace
}  // namespace shoppulse::trace
