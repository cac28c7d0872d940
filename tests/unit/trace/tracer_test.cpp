#include <gtest/gtest.h>

#include <memory_resource>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "shoppulse/trace/tracer.h"
#include "udp_listener.h"

namespace shoppulse::trace {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kRoot = "1-5759e988-bd862e3fe1be46a994272793";
constexpr std::string_view kParent = "53995c3f42cd8ad8";
constexpr std::string_view kSampled = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
constexpr std::string_view kDaemonHeader = "{\"format\": \"json\", \"version\": 1}\n";

std::string render(const Subsegment& subsegment) {
  std::pmr::string out;
  append_subsegment(out, subsegment, kRoot, kParent, "0123456789abcdef");
  return std::string(out);
}

// The exception id is random: check its form and take it out.
nlohmann::json without_exception_id(nlohmann::json document) {
  if (document.contains("cause")) {
    auto& exception = document["cause"]["exceptions"][0];
    const std::string id = exception["id"];
    EXPECT_EQ(id.size(), 16U);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
    exception.erase("id");
  }
  return document;
}

TEST(Subsegment, TheHandlerDocument) {
  Subsegment handler;
  handler.name = "POST /users";
  handler.start_us = 1733529315000001;
  handler.end_us = 1733529315123456;
  handler.tenant_id = "11111111-1111-4111-8111-111111111111";
  set_status_flags(handler, 409);
  handler.cause = Cause{"conflict", "The request conflicts with existing data"};
  const std::string text = render(handler);
  // Times are epoch seconds with exactly six decimals.
  EXPECT_NE(text.find("\"start_time\":1733529315.000001,\"end_time\":1733529315.123456"), std::string::npos) << text;
  EXPECT_EQ(without_exception_id(nlohmann::json::parse(text)), nlohmann::json::parse(R"({
    "type": "subsegment", "trace_id": "1-5759e988-bd862e3fe1be46a994272793", "parent_id": "53995c3f42cd8ad8",
    "id": "0123456789abcdef", "name": "POST /users",
    "start_time": 1733529315.000001, "end_time": 1733529315.123456,
    "http": {"response": {"status": 409}},
    "annotations": {"tenant_id": "11111111-1111-4111-8111-111111111111"},
    "error": true,
    "cause": {"exceptions": [{"type": "conflict", "message": "The request conflicts with existing data"}]}
  })"));
}

TEST(Subsegment, StatusFlags) {
  Subsegment s;
  set_status_flags(s, 200);
  EXPECT_FALSE(s.error || s.fault || s.throttle);
  set_status_flags(s, 404);
  EXPECT_TRUE(s.error && !s.fault && !s.throttle);
  set_status_flags(s, 429);
  EXPECT_TRUE(s.error && s.throttle && !s.fault);
  set_status_flags(s, 503);
  EXPECT_TRUE(s.fault && !s.error && !s.throttle);
}

TEST(Subsegment, SqlAndAwsDocuments) {
  const SqlInfo sql{"PostgreSQL", "libpq 15.10", "shoppulse_app"};
  Subsegment database;
  database.name = "PostgreSQL";
  database.namespace_name = "remote";
  database.start_us = 1000000;
  database.end_us = 1000250;
  database.sql = &sql;
  EXPECT_EQ(nlohmann::json::parse(render(database)), nlohmann::json::parse(R"({
    "type": "subsegment", "trace_id": "1-5759e988-bd862e3fe1be46a994272793", "parent_id": "53995c3f42cd8ad8",
    "id": "0123456789abcdef", "name": "PostgreSQL", "start_time": 1.0, "end_time": 1.00025,
    "namespace": "remote",
    "sql": {"database_type": "PostgreSQL", "driver_version": "libpq 15.10", "user": "shoppulse_app"}
  })"));

  const AwsInfo aws{"GetSecretValue", "eu-west-1", "req-123", 2};
  Subsegment call;
  call.name = "SecretsManager";
  call.namespace_name = "aws";
  call.start_us = 2000000;
  call.end_us = 2500000;
  call.aws = &aws;
  set_status_flags(call, 503);
  call.cause = Cause{"ServiceUnavailable", "Secrets Manager GetSecretValue answered HTTP 503"};
  EXPECT_EQ(without_exception_id(nlohmann::json::parse(render(call))), nlohmann::json::parse(R"({
    "type": "subsegment", "trace_id": "1-5759e988-bd862e3fe1be46a994272793", "parent_id": "53995c3f42cd8ad8",
    "id": "0123456789abcdef", "name": "SecretsManager", "start_time": 2.0, "end_time": 2.5,
    "namespace": "aws", "http": {"response": {"status": 503}},
    "aws": {"operation": "GetSecretValue", "region": "eu-west-1", "request_id": "req-123", "retries": 2},
    "fault": true,
    "cause": {"exceptions": [{"type": "ServiceUnavailable", "message": "Secrets Manager GetSecretValue answered HTTP 503"}]}
  })"));
}

TEST(Subsegment, LongTextsAreCutSoADocumentAlwaysFitsADatagram) {
  const std::string huge(200000, 'x');
  const SqlInfo sql{"PostgreSQL", "libpq 15.10", huge};
  Subsegment s;
  s.name = huge;
  s.tenant_id = huge;
  s.sql = &sql;
  const std::string huge_message = huge + "\xc3\xa9";
  s.cause = Cause{huge, huge_message};
  const std::string text = render(s);
  EXPECT_LT(text.size(), 4096U);
  const auto parsed = nlohmann::json::parse(text);
  EXPECT_EQ(parsed["name"].get<std::string>().size(), 200U);
}

TEST(Tracer, BeginIsNullWhenOffOrUnsampled) {
  std::pmr::monotonic_buffer_resource arena;
  const Tracer off;
  EXPECT_FALSE(off.enabled());
  EXPECT_EQ(off.begin(kSampled, arena), nullptr);

  test::UdpListener daemon;
  auto sender = DaemonSender::open(*parse_daemon_address(daemon.address()));
  ASSERT_TRUE(sender.ok());
  const Tracer on(std::move(sender).value());
  EXPECT_TRUE(on.enabled());
  EXPECT_NE(on.begin(kSampled, arena), nullptr);
  EXPECT_EQ(on.begin("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0", arena), nullptr);
  EXPECT_EQ(on.begin("", arena), nullptr);
}

TEST(Tracer, EachSubsegmentIsOneDatagramSentAtFlush) {
  test::UdpListener daemon;
  auto sender = DaemonSender::open(*parse_daemon_address(daemon.address()));
  ASSERT_TRUE(sender.ok());
  const Tracer tracer(std::move(sender).value());
  std::pmr::monotonic_buffer_resource arena;
  InvocationTrace* trace = tracer.begin(kSampled, arena);
  ASSERT_NE(trace, nullptr);
  // More than one sendmmsg batch.
  for (int i = 0; i < 40; ++i) {
    Subsegment s;
    const std::string name = "step " + std::to_string(i);
    s.name = name;
    s.start_us = 1000000 + i;
    s.end_us = 1000010 + i;
    trace->record(s);
  }
  EXPECT_EQ(trace->pending(), 40U);
  EXPECT_TRUE(daemon.drain(50ms).empty());  // nothing before flush()
  trace->flush();
  EXPECT_EQ(trace->pending(), 0U);
  const auto datagrams = daemon.receive(40, 5s);
  ASSERT_EQ(datagrams.size(), 40U);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < datagrams.size(); ++i) {
    ASSERT_TRUE(datagrams[i].starts_with(kDaemonHeader)) << datagrams[i];
    const auto document = nlohmann::json::parse(datagrams[i].substr(kDaemonHeader.size()));
    EXPECT_EQ(document["name"], "step " + std::to_string(i));
    EXPECT_EQ(document["trace_id"], kRoot);
    EXPECT_EQ(document["parent_id"], kParent);
    ids.insert(document["id"].get<std::string>());
  }
  EXPECT_EQ(ids.size(), 40U);  // every id differs
  trace->flush();              // nothing left: nothing sent
  EXPECT_TRUE(daemon.drain(50ms).empty());
}

TEST(Tracer, AnAbsentDaemonCostsNothingAndFailsNothing) {
  std::uint16_t closed_port = 0;
  {
    const test::UdpListener gone;
    closed_port = gone.port();
  }
  auto sender = DaemonSender::open(*parse_daemon_address("127.0.0.1:" + std::to_string(closed_port)));
  ASSERT_TRUE(sender.ok());
  const Tracer tracer(std::move(sender).value());
  std::pmr::monotonic_buffer_resource arena;
  // Each refused datagram brings an ICMP error back; the next sends go on.
  for (int round = 0; round < 3; ++round) {
    InvocationTrace* trace = tracer.begin(kSampled, arena);
    ASSERT_NE(trace, nullptr);
    Subsegment s;
    s.name = "x";
    for (int i = 0; i < 5; ++i) trace->record(s);
    const auto started = std::chrono::steady_clock::now();
    trace->flush();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);  // never waits (generous bound, not a timing claim)
    EXPECT_EQ(trace->pending(), 0U);
  }
}

TEST(TraceScope, NestsAndRestores) {
  std::pmr::monotonic_buffer_resource arena;
  const Tracer off;
  EXPECT_EQ(TraceScope::current(), nullptr);
  InvocationTrace outer(off, parse_trace_header(kSampled), arena);
  {
    const TraceScope first(&outer);
    EXPECT_EQ(TraceScope::current(), &outer);
    {
      const TraceScope none(nullptr);
      EXPECT_EQ(TraceScope::current(), nullptr);
    }
    EXPECT_EQ(TraceScope::current(), &outer);
  }
  EXPECT_EQ(TraceScope::current(), nullptr);
}

}  // namespace
}  // namespace shoppulse::trace
