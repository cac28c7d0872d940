// X-Ray tracing through the real bootstrap: a UDP listener stands in for the
// daemon Lambda runs when active tracing is on. The exact subsegment
// documents of a read, a write with its audit row, an embed call and failing
// database and AWS calls; nothing at all for unsampled invocations or with
// tracing off.

#include <libpq-fe.h>

#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "bootstrap_harness.h"
#include "shoppulse/fakes/fake_aws.h"
#include "udp_listener.h"

namespace shoppulse::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kRoot = "1-5759e988-bd862e3fe1be46a994272793";
constexpr const char* kParent = "53995c3f42cd8ad8";
constexpr const char* kSampled = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
constexpr const char* kUnsampled = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0";
constexpr std::string_view kDaemonHeader = "{\"format\": \"json\", \"version\": 1}\n";

std::string libpq_version() {
  const int number = PQlibVersion();
  return "libpq " + std::to_string(number / 10000) + "." + std::to_string(number % 10000);
}

json database_round_trip() {
  return {
      {"type", "subsegment"},
      {"trace_id", kRoot},
      {"parent_id", kParent},
      {"name", "PostgreSQL"},
      {"namespace", "remote"},
      {"sql", {{"database_type", "PostgreSQL"}, {"driver_version", libpq_version()}, {"user", "shoppulse_lambda"}}}};
}

json handler(const std::string& route, int status, const std::string& tenant) {
  return {{"type", "subsegment"},
          {"trace_id", kRoot},
          {"parent_id", kParent},
          {"name", route},
          {"http", {{"response", {{"status", status}}}}},
          {"annotations", {{"tenant_id", tenant}}}};
}

json quicksight_call(int status, const std::string& region) {
  return {{"type", "subsegment"},
          {"trace_id", kRoot},
          {"parent_id", kParent},
          {"name", "QuickSight"},
          {"namespace", "aws"},
          {"http", {{"response", {{"status", status}}}}},
          {"aws", {{"operation", "GenerateEmbedUrlForRegisteredUser"}, {"region", region}, {"retries", 0}}}};
}

bool is_hex_id(const json& value) {
  static const std::regex kHex16("[0-9a-f]{16}");
  return value.is_string() && std::regex_match(value.get<std::string>(), kHex16);
}

class Tracing : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(daemon_.port(), 0);
    ASSERT_TRUE(fake_.start().ok());
    fake_.add_dashboard("sales-overview");
  }

  void start(const std::map<std::string, std::string>& extra = {}) {
    std::map<std::string, std::string> env = {
        {"DATABASE_URL", "postgresql://shoppulse_lambda:lambda-test-password@127.0.0.1:" +
                             std::to_string(database_.server().port()) + "/" + database_.name()},
        {"AWS_XRAY_DAEMON_ADDRESS", daemon_.address()},
        {"AWS_ENDPOINT_URL_QUICKSIGHT", fake_.endpoint_url()},
        {"AWS_ACCESS_KEY_ID", fake_.options().access_key_id},
        {"AWS_SECRET_ACCESS_KEY", fake_.options().secret_access_key},
        {"AWS_REGION", fake_.options().region},
        {"SHOPPULSE_AWS_RETRY_BASE_MS", "1"},
        {"QUICKSIGHT_ACCOUNT_ID", "123456789012"}};
    for (const auto& [key, value] : extra) env[key] = value;
    sandbox_ = start_bootstrap(env);
    ASSERT_NE(sandbox_, nullptr);
  }

  HttpReply invoke(const Call& call, const char* trace_header = kSampled) {
    emulator::InvokeOptions options;
    options.trace_id = trace_header;
    HttpReply reply;
    before_us_ = epoch_us();
    reply.raw = sandbox_->invoke(make_event(call).dump(), options);
    after_us_ = epoch_us();
    EXPECT_TRUE(reply.raw.ok()) << reply.raw.body;
    const auto envelope = json::parse(reply.raw.body, nullptr, false);
    if (!envelope.is_object()) return reply;
    reply.status = envelope["statusCode"].get<int>();
    reply.body = json::parse(envelope["body"].get<std::string>(), nullptr, false);
    return reply;
  }

  // The next `count` documents, then nothing more. Each is checked for what
  // varies (ids, times inside the invocation) and returned without those.
  std::vector<json> documents(std::size_t count) {
    const auto datagrams = daemon_.receive(count, 5s);
    EXPECT_EQ(datagrams.size(), count);
    EXPECT_TRUE(daemon_.drain(200ms).empty()) << "more subsegments than expected";
    std::vector<json> found;
    std::set<std::string> ids;
    for (const auto& datagram : datagrams) {
      raw_ += datagram;
      EXPECT_TRUE(datagram.starts_with(kDaemonHeader)) << datagram;
      EXPECT_LE(datagram.size(), 65536U);
      json document = json::parse(datagram.substr(kDaemonHeader.size()), nullptr, false);
      EXPECT_TRUE(document.is_object()) << datagram;
      if (!document.is_object()) continue;
      EXPECT_TRUE(is_hex_id(document["id"])) << datagram;
      ids.insert(document.value("id", ""));
      const double start = document["start_time"].get<double>();
      const double end = document["end_time"].get<double>();
      EXPECT_LE(start, end);
      // Times are epoch seconds; the subsegment lies within the invocation.
      EXPECT_GE(start, static_cast<double>(before_us_) / 1e6 - 0.001);
      EXPECT_LE(end, static_cast<double>(after_us_) / 1e6 + 0.001);
      document.erase("id");
      document.erase("start_time");
      document.erase("end_time");
      if (document.contains("cause")) {
        EXPECT_TRUE(is_hex_id(document["cause"]["exceptions"][0]["id"])) << datagram;
        document["cause"]["exceptions"][0].erase("id");
      }
      found.push_back(std::move(document));
    }
    EXPECT_EQ(ids.size(), datagrams.size()) << "subsegment ids must differ";
    return found;
  }

  static long long epoch_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  TestDatabase database_;
  fakes::FakeAws fake_;
  UdpListener daemon_;
  std::unique_ptr<emulator::RuntimeEmulator> sandbox_;
  std::string raw_;  // every datagram received, for the leak checks
  long long before_us_ = 0;
  long long after_us_ = 0;
};

TEST_F(Tracing, ARead) {
  start();
  ASSERT_EQ(invoke(api_call("GET", "/users", acme_admin())).status, 200);
  EXPECT_EQ(documents(2), (std::vector<json>{database_round_trip(), handler("GET /users", 200, kAcme)}));
}

TEST_F(Tracing, AWriteWithItsAuditRow) {
  start();
  const HttpReply created = invoke(api_call("POST", "/users", acme_admin(),
                                            json{{"email", "traced@acme.example"}, {"name", "T"}, {"role", "viewer"}}));
  ASSERT_EQ(created.status, 201);
  // The user and its audit row are one statement: one round trip.
  EXPECT_EQ(documents(2), (std::vector<json>{database_round_trip(), handler("POST /users", 201, kAcme)}));
  EXPECT_EQ(database_
                .exec("SELECT count(*) FROM audit_logs WHERE action = 'user.created' AND resource_id = $1",
                      {created.body["id"].get<std::string>()})
                .value(),
            "1");
}

TEST_F(Tracing, AnEmbedCall) {
  start();
  const HttpReply embedded =
      invoke(api_call("POST", "/quicksight/embed-url", acme_analyst(), json{{"dashboardId", "sales-overview"}}));
  ASSERT_EQ(embedded.status, 200);
  auto found = documents(4);
  ASSERT_EQ(found.size(), 4U);
  // QuickSight's request id is random: its form, then the rest exactly.
  static const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  EXPECT_TRUE(std::regex_match(found[1]["aws"].value("request_id", ""), kUuid)) << found[1];
  found[1]["aws"].erase("request_id");
  const json quicksight = quicksight_call(200, fake_.options().region);
  // The dashboard policy read, the QuickSight call, the audit row's write.
  EXPECT_EQ(found, (std::vector<json>{database_round_trip(), quicksight, database_round_trip(),
                                      handler("POST /quicksight/embed-url", 200, kAcme)}));
  // The embed URL never reaches a trace.
  const std::string url = embedded.body["embedUrl"];
  EXPECT_EQ(raw_.find(url), std::string::npos);
  EXPECT_EQ(raw_.find("https://"), std::string::npos);
}

TEST_F(Tracing, AFailingDatabaseCall) {
  start();
  const json body = {{"email", "admin@acme.example"}, {"name", "Copy"}, {"role", "viewer"}};  // already taken
  ASSERT_EQ(invoke(api_call("POST", "/users", acme_admin(), body)).status, 409);
  json failed = database_round_trip();
  failed["error"] = true;
  failed["cause"] = {{"exceptions", {{{"type", "sqlstate_23505"}, {"message", "the server answered SQLSTATE 23505"}}}}};
  json answered = handler("POST /users", 409, kAcme);
  answered["error"] = true;
  answered["cause"] = {
      {"exceptions", {{{"type", "email_taken"}, {"message", "A user with this email already exists in the tenant"}}}}};
  EXPECT_EQ(documents(2), (std::vector<json>{failed, answered}));
  // Neither the statement nor the values it carried.
  EXPECT_EQ(raw_.find("admin@acme.example"), std::string::npos);
  EXPECT_EQ(raw_.find("SELECT"), std::string::npos);
}

TEST_F(Tracing, AFailingAwsCall) {
  start();
  fake_.fail_next(fakes::FakeService::kQuickSight, fakes::FakeFailure::access_denied(fakes::FakeService::kQuickSight));
  const HttpReply refused =
      invoke(api_call("POST", "/quicksight/embed-url", acme_analyst(), json{{"dashboardId", "sales-overview"}}));
  ASSERT_GE(refused.status, 500);
  auto found = documents(3);
  ASSERT_EQ(found.size(), 3U);
  found[1]["aws"].erase("request_id");
  json quicksight = quicksight_call(401, fake_.options().region);
  quicksight["error"] = true;
  quicksight["cause"] = {{"exceptions",
                          {{{"type", "AccessDeniedException"},
                            {"message", "QuickSight GenerateEmbedUrlForRegisteredUser answered HTTP 401"}}}}};
  EXPECT_EQ(found[0], database_round_trip());
  EXPECT_EQ(found[1], quicksight);
  EXPECT_EQ(found[2]["name"], "POST /quicksight/embed-url");
  EXPECT_EQ(found[2]["fault"], true);
  EXPECT_EQ(found[2]["http"]["response"]["status"], refused.status);
  EXPECT_EQ(found[2]["cause"]["exceptions"][0]["type"], refused.body["error"]["code"]);
}

TEST_F(Tracing, UnsampledInvocationsSendNothing) {
  start();
  ASSERT_EQ(invoke(api_call("GET", "/users", acme_admin()), kUnsampled).status, 200);
  ASSERT_EQ(invoke(api_call("POST", "/users", acme_admin(),
                            json{{"email", "quiet@acme.example"}, {"name", "Q"}, {"role", "viewer"}}),
                   kUnsampled)
                .status,
            201);
  EXPECT_TRUE(daemon_.drain(300ms).empty());
  // The same sandbox still traces a sampled one: the listener works.
  ASSERT_EQ(invoke(api_call("GET", "/users", acme_admin())).status, 200);
  EXPECT_EQ(documents(2).size(), 2U);
}

TEST_F(Tracing, TracingEnabledFalseSendsNothing) {
  start({{"TRACING_ENABLED", "false"}});
  ASSERT_EQ(invoke(api_call("GET", "/users", acme_admin())).status, 200);
  EXPECT_TRUE(daemon_.drain(300ms).empty());
}

TEST_F(Tracing, AnUnusableDaemonAddressIsAWarningNotAFailedInit) {
  start({{"AWS_XRAY_DAEMON_ADDRESS", "no-port-here"}});
  ASSERT_EQ(invoke(api_call("GET", "/users", acme_admin())).status, 200);
  const std::string output = all_output(*sandbox_);
  EXPECT_NE(output.find("tracing disabled"), std::string::npos);
  EXPECT_EQ(output.find("no-port-here"), std::string::npos);  // the value is never echoed
}

}  // namespace
}  // namespace shoppulse::test
