#pragma once
// Drives handlers::Application in-process with API Gateway events against a
// real PostgreSQL database (a fresh clone of the seeded template per test).

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "shoppulse/core/codec.h"
#include "shoppulse/db/pool.h"
#include "shoppulse/handlers/application.h"
#include "shoppulse/handlers/validation.h"
#include "test_db.h"

namespace shoppulse::test {

inline constexpr const char* kAcme = "11111111-1111-4111-8111-111111111111";
inline constexpr const char* kGlobex = "22222222-2222-4222-8222-222222222222";
inline constexpr const char* kAcmeAdminId = "a1000000-0000-4000-8000-000000000001";
inline constexpr const char* kAcmeAnalystId = "a1000000-0000-4000-8000-000000000002";
inline constexpr const char* kAcmeViewerId = "a1000000-0000-4000-8000-000000000003";
inline constexpr const char* kGlobexAdminId = "b2000000-0000-4000-8000-000000000001";
inline constexpr const char* kGlobexAnalystId = "b2000000-0000-4000-8000-000000000002";

struct Who {
  std::string tenant;
  std::string sub;
  std::string role;  // empty: no custom:role claim
};
inline Who acme_admin() {
  return {kAcme, "dev-acme-admin", "admin"};
}
inline Who acme_analyst() {
  return {kAcme, "dev-acme-analyst", "analyst"};
}
inline Who acme_viewer() {
  return {kAcme, "dev-acme-viewer", "viewer"};
}
inline Who globex_admin() {
  return {kGlobex, "dev-globex-admin", "admin"};
}

struct Call {
  std::string method = "GET";
  std::string path = "/";
  std::optional<Who> who;
  std::optional<std::string> body;
  std::map<std::string, std::string> headers;
  std::map<std::string, std::vector<std::string>> query;
  bool http_api = false;        // payload 2.0 instead of REST 1.0
  std::string platform_tenant;  // Lambda-Runtime-Aws-Tenant-Id (tenant-isolation mode); empty: not sent
};

struct Reply {
  int status = 0;
  nlohmann::json body;  // parsed (after gunzip) when JSON
  std::string raw_body;
  nlohmann::json headers;
  nlohmann::json envelope;  // the whole API Gateway response
};

// Bodies that are not valid UTF-8 travel base64-encoded, as API Gateway
// delivers binary payloads.
inline void set_body(nlohmann::json& event, const std::string& body) {
  if (handlers::utf8_length(body).has_value()) {
    event["body"] = body;
  } else {
    event["body"] = base64_encode(body);
    event["isBase64Encoded"] = true;
  }
}

inline nlohmann::json make_event(const Call& call) {
  nlohmann::json claims = nlohmann::json::object();
  if (call.who) {
    if (!call.who->tenant.empty()) claims["custom:tenant_id"] = call.who->tenant;
    if (!call.who->sub.empty()) claims["sub"] = call.who->sub;
    if (!call.who->role.empty()) claims["custom:role"] = call.who->role;
  }
  nlohmann::json headers = {{"Content-Type", "application/json"}};
  for (const auto& [name, value] : call.headers) headers[name] = value;
  if (call.http_api) {
    std::string raw_query;
    for (const auto& [key, values] : call.query) {
      for (const auto& value : values) raw_query += (raw_query.empty() ? "" : "&") + key + "=" + value;
    }
    nlohmann::json event = {
        {"version", "2.0"},
        {"routeKey", "$default"},
        {"rawPath", "/prod" + call.path},
        {"rawQueryString", raw_query},
        {"headers", headers},
        {"isBase64Encoded", false},
        {"requestContext",
         {{"http", {{"method", call.method}, {"path", "/prod" + call.path}, {"sourceIp", "198.51.100.7"}}},
          {"requestId", "api-req-v2"},
          {"stage", "prod"},
          {"authorizer", {{"jwt", {{"claims", claims}, {"scopes", nullptr}}}}}}}};
    if (call.body) set_body(event, *call.body);
    return event;
  }
  nlohmann::json multi = nlohmann::json::object();
  nlohmann::json single = nlohmann::json::object();
  for (const auto& [key, values] : call.query) {
    multi[key] = values;
    single[key] = values.back();
  }
  nlohmann::json event = {{"httpMethod", call.method},
                          {"path", call.path},
                          {"resource", "/{proxy+}"},
                          {"headers", headers},
                          {"queryStringParameters", call.query.empty() ? nlohmann::json(nullptr) : single},
                          {"multiValueQueryStringParameters", call.query.empty() ? nlohmann::json(nullptr) : multi},
                          {"isBase64Encoded", false},
                          {"requestContext",
                           {{"requestId", "api-req-v1"},
                            {"stage", "prod"},
                            {"identity", {{"sourceIp", "198.51.100.7"}}},
                            {"authorizer", {{"claims", claims.empty() ? nlohmann::json(nullptr) : claims}}}}}};
  event["body"] = nullptr;
  if (call.body) set_body(event, *call.body);
  return event;
}

class ApiHarness : public ::testing::Test {
 protected:
  void SetUp() override {
    devnull_ = ::open("/dev/null", O_WRONLY);
    logger_ = std::make_unique<Logger>(LogLevel::kFatal, devnull_);
    db::DbCredentials credentials;
    credentials.conninfo = database_.app_conninfo();
    auto pool =
        db::Pool::create(db::PoolSettings{}, [credentials](bool) -> Result<db::DbCredentials> { return credentials; });
    ASSERT_TRUE(pool.ok()) << pool.error().message;
    pool_ = std::move(pool).value();
    rebuild_app();
  }
  void TearDown() override {
    app_.reset();
    pool_.reset();
    ::close(devnull_);
  }

  virtual handlers::Dependencies dependencies() {
    handlers::Dependencies deps;
    deps.pool = pool_.get();
    deps.cors.allowed_origins = {"https://app.shoppulse.example"};
    return deps;
  }
  void rebuild_app() {
    app_ = std::make_unique<handlers::Application>(
        handlers::AppSettings{"test", false, {}, std::chrono::milliseconds(150)}, dependencies(), *logger_);
  }

  Reply call(const Call& call, std::int64_t deadline_epoch_ms = 0) { return call_on(*app_, call, deadline_epoch_ms); }

  // The same through another Application (e.g. one with a pool of its own,
  // for concurrent requests on separate connections; threads may call it).
  Reply call_on(handlers::Application& app, const Call& call, std::int64_t deadline_epoch_ms = 0) {
    handlers::InvocationContext context{
        "lambda-req",        "", "arn:aws:lambda:us-east-1:123456789012:function:api", "", "", deadline_epoch_ms, false,
        call.platform_tenant};
    const nlohmann::json event = make_event(call);
    const auto result = app.handle(event.dump(), context);
    record_exchange(event, result);
    Reply reply;
    EXPECT_TRUE(result.ok) << result.error_message;
    if (!result.ok) return reply;
    reply.envelope = nlohmann::json::parse(result.payload);
    reply.status = reply.envelope["statusCode"].get<int>();
    reply.headers = reply.envelope["headers"];
    reply.raw_body = reply.envelope["body"].get<std::string>();
    if (reply.envelope["isBase64Encoded"].get<bool>()) {
      auto compressed = base64_decode(reply.raw_body);
      EXPECT_TRUE(compressed.ok());
      auto inflated = gzip_decompress(*compressed, 64 << 20);
      EXPECT_TRUE(inflated.ok());
      reply.raw_body = *inflated;
    }
    if (!reply.raw_body.empty()) reply.body = nlohmann::json::parse(reply.raw_body, nullptr, false);
    return reply;
  }

  // With SHOPPULSE_CONTRACT_EXCHANGES_DIR set (the contract tests set it),
  // every event and the raw response go to <dir>/api.<suite>.<test>.jsonl,
  // which tools/openapi/contract.py then checks against the OpenAPI document.
  void record_exchange(const nlohmann::json& event, const handlers::InvocationResult& result) {
    const char* dir = std::getenv("SHOPPULSE_CONTRACT_EXCHANGES_DIR");
    if (dir == nullptr || *dir == '\0') return;
    const std::lock_guard lock(exchanges_mutex_);  // concurrent calls append whole lines
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    const std::string source = std::string(test->test_suite_name()) + "." + test->name();
    std::string file_name = "api." + source + ".jsonl";
    for (char& c : file_name) {
      if (c == '/') c = '_';  // parameterised names
    }
    nlohmann::json line = {{"source", source}, {"event", event}};
    if (result.ok) {
      line["response"] = nlohmann::json::parse(result.payload, nullptr, false);
    } else {
      line["functionError"] = std::string(result.error_type);
    }
    std::ofstream out(std::string(dir) + "/" + file_name,
                      exchanges_started_ ? std::ios::binary | std::ios::app : std::ios::binary | std::ios::trunc);
    exchanges_started_ = true;
    out << line.dump() << '\n';
    EXPECT_TRUE(out.good()) << "cannot write the exchange log in " << dir;
  }

  Reply get(const std::string& path, const Who& who, std::map<std::string, std::vector<std::string>> query = {}) {
    Call c;
    c.path = path;
    c.who = who;
    c.query = std::move(query);
    return call(c);
  }
  Reply send(const std::string& method, const std::string& path, const Who& who, const nlohmann::json& body) {
    Call c;
    c.method = method;
    c.path = path;
    c.who = who;
    c.body = body.dump();
    return call(c);
  }

  std::string scalar(const std::string& sql, const std::vector<std::optional<std::string>>& params = {}) {
    return database_.exec(sql, params).value();
  }

  TestDatabase database_;
  int devnull_ = -1;
  std::unique_ptr<Logger> logger_;
  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<handlers::Application> app_;
  std::mutex exchanges_mutex_;
  bool exchanges_started_ = false;
};

// Asserts the error envelope's shape and returns its code.
inline std::string error_code(const Reply& reply) {
  EXPECT_TRUE(reply.body.is_object()) << reply.raw_body;
  if (!reply.body.is_object() || !reply.body.contains("error")) return {};
  const auto& error = reply.body["error"];
  EXPECT_TRUE(error["code"].is_string());
  EXPECT_TRUE(error["message"].is_string());
  EXPECT_TRUE(error["requestId"].is_string());
  return error["code"].get<std::string>();
}

}  // namespace shoppulse::test
