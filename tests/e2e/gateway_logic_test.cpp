// The local gateway's pieces in-process: the token check, how claims and
// events are shaped (checked against real API Gateway samples and against
// the function's own event parser), response mapping, recording, and the
// contract and docs page the gateway serves itself (/openapi.json, /docs).

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <filesystem>
#include <fstream>

#include "golden.h"
#include "shoppulse/core/ascii.h"
#include "shoppulse/core/codec.h"
#include "shoppulse/core/log.h"
#include "shoppulse/gateway/api_routes.h"
#include "shoppulse/gateway/claims.h"
#include "shoppulse/gateway/dev_tokens.h"
#include "shoppulse/gateway/docs_site.h"
#include "shoppulse/gateway/event_builder.h"
#include "shoppulse/gateway/jwt_keys.h"
#include "shoppulse/gateway/jwt_verifier.h"
#include "shoppulse/gateway/recorder.h"
#include "shoppulse/gateway/response_mapper.h"
#include "shoppulse/handlers/api_request.h"

namespace shoppulse::gateway {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::int64_t kNow = 1'718'636'404;  // the samples' iat
constexpr const char* kAcme = "11111111-1111-4111-8111-111111111111";

json read_json(const fs::path& path) {
  std::ifstream in(path);
  return json::parse(in);
}

// One RSA key for the whole suite: generation is the slow part.
const std::string& private_pem() {
  static const std::string pem = generate_rsa_private_key_pem().value_or("");
  return pem;
}
std::string public_pem() {
  return public_key_pem(private_pem()).value_or("");
}

std::string sign(json claims, const std::string& alg = "RS256", const std::string& key = private_pem(),
                 std::int64_t ttl = 3600, const std::string& kid = "k1") {
  TokenSpec spec;
  spec.alg = alg;
  spec.key = key;
  spec.kid = alg == "RS256" ? kid : "";
  spec.claims = std::move(claims);
  spec.issued_at = kNow;
  spec.ttl_seconds = ttl;
  auto token = issue_token(spec);
  EXPECT_TRUE(token.ok()) << (token.ok() ? "" : token.error().message);
  return token.value_or("");
}

json admin_claims() {
  return cognito_id_claims("dev-acme-admin", kAcme, "admin", "admin@acme.example");
}

JwtVerifier rs256_verifier(std::string issuer = "", std::string audience = "") {
  VerifierConfig config;
  config.rsa_keys.push_back({"k1", public_pem()});
  config.issuer = std::move(issuer);
  config.audience = std::move(audience);
  return JwtVerifier(config);
}

// --- tokens ---------------------------------------------------------------

TEST(gateway_logic, rs256_dev_token_verifies_and_returns_its_claims) {
  auto claims = rs256_verifier(kDevIssuer, kDevAudience).verify(sign(admin_claims()), kNow + 10);
  ASSERT_TRUE(claims.ok()) << claims.error().message;
  EXPECT_EQ((*claims)["custom:tenant_id"], kAcme);
  EXPECT_EQ((*claims)["custom:role"], "admin");
  EXPECT_EQ((*claims)["exp"], kNow + 3600);
}

TEST(gateway_logic, expired_and_not_yet_valid_tokens_are_refused) {
  const auto verifier = rs256_verifier();
  EXPECT_EQ(verifier.verify(sign(admin_claims()), kNow + 3600).error().message, "token expired");
  json later = admin_claims();
  later["nbf"] = kNow + 100;
  EXPECT_FALSE(verifier.verify(sign(later), kNow + 10).ok());
}

TEST(gateway_logic, tokens_signed_by_another_key_or_tampered_are_refused) {
  const std::string other = generate_rsa_private_key_pem().value_or("");
  EXPECT_FALSE(rs256_verifier().verify(sign(admin_claims(), "RS256", other), kNow).ok());

  std::string token = sign(admin_claims());
  const auto dot = token.find('.');
  json tampered = admin_claims();
  tampered["custom:tenant_id"] = "22222222-2222-4222-8222-222222222222";
  tampered["exp"] = kNow + 3600;
  const std::string forged =
      token.substr(0, dot + 1) + base64url_encode(tampered.dump()) + token.substr(token.rfind('.'));
  EXPECT_EQ(rs256_verifier().verify(forged, kNow).error().message, "invalid signature");
}

TEST(gateway_logic, the_token_cannot_choose_a_weaker_algorithm) {
  const std::string body = base64url_encode(json{{"sub", "x"}, {"exp", kNow + 60}}.dump());
  EXPECT_FALSE(rs256_verifier().verify(base64url_encode(R"({"alg":"none"})") + "." + body + ".", kNow).ok());
  EXPECT_FALSE(rs256_verifier().verify(base64url_encode(R"({"alg":"none"})") + "." + body + ".c2ln", kNow).ok());
  // HS256 keyed with the (public) RSA key: the classic confusion attack.
  EXPECT_EQ(rs256_verifier().verify(sign(admin_claims(), "HS256", public_pem()), kNow).error().message,
            "HS256 tokens are not accepted");
  EXPECT_EQ(
      rs256_verifier().verify(base64url_encode(R"({"alg":"HS384"})") + "." + body + ".c2ln", kNow).error().message,
      "unsupported alg HS384");
}

TEST(gateway_logic, hs256_dev_tokens_verify_with_the_shared_secret_only) {
  const std::string secret(40, 's');
  VerifierConfig config;
  config.hs256_secret = secret;
  const JwtVerifier verifier(config);
  EXPECT_TRUE(verifier.verify(sign(admin_claims(), "HS256", secret), kNow).ok());
  EXPECT_FALSE(verifier.verify(sign(admin_claims(), "HS256", std::string(40, 't')), kNow).ok());
  EXPECT_FALSE(verifier.verify(sign(admin_claims()), kNow).ok());  // RS256 without RSA keys
}

TEST(gateway_logic, issuer_audience_token_use_and_exp_are_checked) {
  EXPECT_EQ(rs256_verifier("https://other").verify(sign(admin_claims()), kNow).error().message, "unexpected issuer");
  EXPECT_EQ(rs256_verifier("", "other-client").verify(sign(admin_claims()), kNow).error().message,
            "unexpected audience");
  json access = admin_claims();
  access.erase("aud");
  access["client_id"] = "client-1";
  access["token_use"] = "access";
  EXPECT_TRUE(rs256_verifier("", "client-1").verify(sign(access), kNow).ok());
  json refresh = admin_claims();
  refresh["token_use"] = "refresh";
  EXPECT_FALSE(rs256_verifier().verify(sign(refresh), kNow).ok());
  json odd = admin_claims();
  odd["iss"] = 42;  // must be refused, not throw
  EXPECT_FALSE(rs256_verifier(kDevIssuer).verify(sign(odd), kNow).ok());
  // A token without exp never expires: refused.
  const std::string no_exp =
      base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url_encode(R"({"sub":"x"})") + ".sig";
  VerifierConfig hs;
  hs.hs256_secret = std::string(40, 's');
  EXPECT_FALSE(JwtVerifier(hs).verify(no_exp, kNow).ok());
}

TEST(gateway_logic, kid_selects_the_key) {
  VerifierConfig config;
  config.rsa_keys.push_back({"other", public_key_pem(generate_rsa_private_key_pem().value_or("")).value_or("")});
  config.rsa_keys.push_back({"k1", public_pem()});
  const JwtVerifier verifier(config);
  EXPECT_TRUE(verifier.verify(sign(admin_claims(), "RS256", private_pem(), 3600, "k1"), kNow).ok());
  EXPECT_EQ(verifier.verify(sign(admin_claims(), "RS256", private_pem(), 3600, "k9"), kNow).error().message,
            "no RS256 key for this token's kid");
}

TEST(gateway_logic, jwks_keys_verify_tokens_like_a_cognito_pool) {
  // Build the pool's JWKS from our key's modulus and exponent.
  const std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(private_pem().data(), static_cast<int>(private_pem().size())), &BIO_free);
  const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  ASSERT_NE(key, nullptr);
  const auto component = [&key](const char* name) {
    BIGNUM* raw = nullptr;
    EVP_PKEY_get_bn_param(key.get(), name, &raw);
    const std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(raw, &BN_free);
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn.get())), '\0');
    BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()));
    return base64url_encode(bytes);
  };
  const json jwks = {{"keys",
                      {{{"kty", "EC"}, {"kid", "ec"}},
                       {{"kty", "RSA"},
                        {"kid", "pool-key"},
                        {"alg", "RS256"},
                        {"use", "sig"},
                        {"n", component(OSSL_PKEY_PARAM_RSA_N)},
                        {"e", component(OSSL_PKEY_PARAM_RSA_E)}}}}};
  auto keys = keys_from_jwks(jwks);
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  ASSERT_EQ(keys->size(), 1U);
  VerifierConfig config;
  config.rsa_keys = *keys;
  EXPECT_TRUE(JwtVerifier(config).verify(sign(admin_claims(), "RS256", private_pem(), 3600, "pool-key"), kNow).ok());
  EXPECT_FALSE(keys_from_jwks(json{{"keys", json::array()}}).ok());
}

TEST(gateway_logic, bearer_header_forms) {
  EXPECT_EQ(bearer_token("Bearer abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(bearer_token("bearer   abc.def.ghi "), "abc.def.ghi");
  EXPECT_EQ(bearer_token("abc.def.ghi"), "abc.def.ghi");  // REST's Cognito authorizer takes the raw token too
  EXPECT_FALSE(bearer_token("Basic dXNlcjpwYXNz").has_value());
  EXPECT_FALSE(bearer_token("Bearer ").has_value());
}

// --- claims and events ----------------------------------------------------

TEST(gateway_logic, claims_are_rendered_as_in_real_api_gateway_events) {
  const json sample_v1 =
      read_json(fs::path(SHOPPULSE_TEST_DATA_DIR) / "events/apigw-v1-rest-cognito-userpool-authorizer.json");
  const json sample_v2 =
      read_json(fs::path(SHOPPULSE_TEST_DATA_DIR) / "events/apigw-v2-http-jwt-authorizer-cognito.json");
  // The decoded token of those samples, as numbers.
  const json decoded = {{"sub", "d2f50444-0041-7036-aea2-a955fca33d37"},
                        {"auth_time", 1718636404},
                        {"exp", 1718722804},
                        {"iat", 1718636404},
                        {"token_use", "id"}};
  const json rest = rest_authorizer_claims(decoded);
  const json& v1_claims = sample_v1["requestContext"]["authorizer"]["claims"];
  for (const char* name : {"sub", "auth_time", "exp", "iat", "token_use"})
    EXPECT_EQ(rest[name], v1_claims[name]) << name;
  const json http = http_api_authorizer_claims(decoded);
  const json& v2_claims = sample_v2["requestContext"]["authorizer"]["jwt"]["claims"];
  for (const char* name : {"sub", "auth_time", "exp", "iat", "token_use"})
    EXPECT_EQ(http[name], v2_claims[name]) << name;
  EXPECT_EQ(clf_time_utc(1718636426), sample_v1["requestContext"]["requestTime"]);
  EXPECT_EQ(http_api_authorizer_claims(json{{"groups", {"a", "b"}}})["groups"], "[a b]");
  EXPECT_EQ(rest_authorizer_claims(json{{"groups", {"a", "b"}}, {"ok", true}}),
            (json{{"groups", "a,b"}, {"ok", "true"}}));
}

TEST(gateway_logic, routes_match_the_deployed_resources) {
  EXPECT_EQ(resolve_route("GET", "/health").access, RouteAccess::kPublic);
  EXPECT_EQ(resolve_route("OPTIONS", "/health").access, RouteAccess::kPublic);
  EXPECT_EQ(resolve_route("POST", "/health").access, RouteAccess::kNoMethod);
  EXPECT_EQ(resolve_route("GET", "/").access, RouteAccess::kNoMethod);
  const ApiRoute users = resolve_route("PATCH", "/users/abc");
  EXPECT_EQ(users.access, RouteAccess::kAuthorized);
  EXPECT_EQ(users.resource, "/{proxy+}");
  EXPECT_EQ(users.proxy, "users/abc");
  EXPECT_EQ(users.route_key, "ANY /{proxy+}");
  EXPECT_EQ(resolve_route("OPTIONS", "/users").access, RouteAccess::kPublic);
}

HttpRequest sample_request() {
  HttpRequest request;
  request.method = "POST";
  request.target = "/users/abc?limit=5&role=admin&role=viewer&q=a+b";
  request.headers = {{"Host", "127.0.0.1:3000"}, {"Content-Type", "application/json"},  {"X-Custom", "1"},
                     {"x-custom", "2"},          {"Cookie", "session=abc; theme=dark"}, {"Accept-Encoding", "gzip"}};
  request.body = R"({"name":"Ann"})";
  request.source_ip = "127.0.0.1";
  request.host = "127.0.0.1:3000";
  request.server_port = 3000;
  return request;
}

// The function must parse what the gateway builds, for both formats.
void expect_function_reads(PayloadFormat format, handlers::EventKind kind) {
  const HttpRequest request = sample_request();
  const EventInput input{&request, resolve_route("POST", "/users/abc"), "req-1", kNow * 1000, admin_claims()};
  // The function reads the event's text, as Lambda delivers it.
  const std::string text = build_event(format, input, {}).dump();
  shoppulse::json::Document event;
  ASSERT_TRUE(event.parse(text));
  ASSERT_EQ(handlers::classify_event(event.root()), kind);
  auto parsed = handlers::parse_api_request(event.root(), kind);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->method, "POST");
  EXPECT_EQ(parsed->path, "/users/abc");
  std::vector<std::string> roles;
  for (const auto& field : parsed->query) {
    if (field.name == "role") roles.emplace_back(field.value);
  }
  EXPECT_EQ(roles, (std::vector<std::string>{"admin", "viewer"}));
  EXPECT_EQ(*parsed->query_param("q"), "a b");
  EXPECT_EQ(*parsed->header("accept-encoding"), "gzip");
  EXPECT_EQ(parsed->header_count("x-custom"), format == PayloadFormat::kRest ? 2U : 1U);
  EXPECT_EQ(parsed->body, R"({"name":"Ann"})");
  EXPECT_EQ(*parsed->claim("custom:tenant_id"), kAcme);
  EXPECT_EQ(*parsed->claim("sub"), "dev-acme-admin");
  EXPECT_EQ(parsed->request_id, "req-1");
  EXPECT_EQ(std::vector<std::string>(parsed->cookies.begin(), parsed->cookies.end()),
            (std::vector<std::string>{"session=abc", "theme=dark"}));
}

TEST(gateway_logic, rest_events_parse_in_the_function) {
  expect_function_reads(PayloadFormat::kRest, handlers::EventKind::kApiGatewayV1);
}

TEST(gateway_logic, http_api_events_parse_in_the_function) {
  expect_function_reads(PayloadFormat::kHttpApi, handlers::EventKind::kApiGatewayV2);
}

TEST(gateway_logic, replay_classifies_both_event_formats_like_the_function) {
  const HttpRequest request = sample_request();
  const EventInput input{&request, resolve_route("POST", "/users"), "req-1", kNow * 1000, std::nullopt};
  EXPECT_EQ(replay::classify_event(build_event(PayloadFormat::kRest, input, {}).dump()),
            replay::EventFormat::kApiGatewayV1);
  EXPECT_EQ(replay::classify_event(build_event(PayloadFormat::kHttpApi, input, {}).dump()),
            replay::EventFormat::kApiGatewayV2);
}

TEST(gateway_logic, binary_bodies_are_base64) {
  HttpRequest request = sample_request();
  request.body = std::string("\xff\xfe\x00", 3);
  const EventInput input{&request, resolve_route("POST", "/x"), "r", kNow * 1000, std::nullopt};
  const json event = build_event(PayloadFormat::kRest, input, {});
  EXPECT_TRUE(event["isBase64Encoded"].get<bool>());
  EXPECT_EQ(base64_decode(event["body"].get<std::string>()).value_or(""), request.body);
  EXPECT_TRUE(send_body_as_text("plain text", nullptr));
  const std::string octets = "application/octet-stream";
  EXPECT_FALSE(send_body_as_text("plain text", &octets));
}

// --- responses ------------------------------------------------------------

TEST(gateway_logic, rest_responses_merge_headers_and_decode_base64) {
  const json response = {{"statusCode", 201},
                         {"headers", {{"Content-Type", "text/plain"}, {"X-Both", "single"}, {"Content-Length", "1"}}},
                         {"multiValueHeaders", {{"x-both", {"m1", "m2"}}, {"Set-Cookie", {"a=1", "b=2"}}}},
                         {"body", base64_encode("hello")},
                         {"isBase64Encoded", true}};
  auto mapped = map_function_response(PayloadFormat::kRest, response.dump());
  ASSERT_TRUE(mapped.ok()) << mapped.error().message;
  EXPECT_EQ(mapped->status, 201);
  EXPECT_EQ(mapped->body, "hello");
  int both = 0;
  int cookies = 0;
  for (const auto& [name, value] : mapped->headers) {
    both += ascii::iequals(name, "x-both") ? 1 : 0;
    cookies += name == "Set-Cookie" ? 1 : 0;
    EXPECT_FALSE(ascii::iequals(name, "content-length"));  // the transport sets it
  }
  EXPECT_EQ(both, 2);
  EXPECT_EQ(cookies, 2);
}

TEST(gateway_logic, malformed_rest_responses_are_refused) {
  for (const std::string& payload :
       {std::string("not json"), std::string("[1]"), std::string(R"({"body":"x"})"),
        std::string(R"({"statusCode":"abc"})"), std::string(R"({"statusCode":700})"),
        std::string(R"({"statusCode":200,"cookies":["a=1"]})"), std::string(R"({"statusCode":200,"body":{}})"),
        std::string(R"({"statusCode":200,"headers":[]})"), std::string(R"({"statusCode":200,"headers":{"a":{}}})"),
        std::string(R"({"statusCode":200,"body":"***","isBase64Encoded":true})"),
        std::string(R"({"statusCode":200,"headers":{"X":"a\r\nSet-Cookie: x"}})")}) {
    auto mapped = map_function_response(PayloadFormat::kRest, payload);
    EXPECT_FALSE(mapped.ok()) << payload;
  }
  auto lenient = map_function_response(PayloadFormat::kRest, R"({"statusCode":"204"})");
  ASSERT_TRUE(lenient.ok());
  EXPECT_EQ(lenient->status, 204);
  EXPECT_EQ(*lenient->header("content-type"), "application/json");  // API Gateway's default
}

TEST(gateway_logic, http_api_responses_infer_a_json_body_and_carry_cookies) {
  auto bare = map_function_response(PayloadFormat::kHttpApi, R"({"hello":"world"})");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->status, 200);
  EXPECT_EQ(bare->body, R"({"hello":"world"})");
  auto full = map_function_response(PayloadFormat::kHttpApi,
                                    R"({"statusCode":302,"headers":{"Location":"/x"},"cookies":["a=1","b=2"]})");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->status, 302);
  EXPECT_EQ(*full->header("location"), "/x");
  EXPECT_EQ(
      std::count_if(full->headers.begin(), full->headers.end(), [](const auto& h) { return h.first == "Set-Cookie"; }),
      2);
  EXPECT_FALSE(map_function_response(PayloadFormat::kHttpApi, "not json").ok());
  EXPECT_FALSE(map_function_response(PayloadFormat::kHttpApi, R"({"statusCode":200,"multiValueHeaders":{}})").ok());
}

TEST(gateway_logic, gateway_errors_look_like_api_gateways) {
  const auto unauthorized = gateway_error_response(GatewayError::kUnauthorized);
  EXPECT_EQ(unauthorized.status, 401);
  EXPECT_EQ(unauthorized.body, R"({"message":"Unauthorized"})");
  EXPECT_EQ(gateway_error_response(GatewayError::kInternalServerError).status, 502);
  EXPECT_EQ(gateway_error_response(GatewayError::kInternalServerError).body, R"({"message":"Internal server error"})");
  EXPECT_EQ(gateway_error_response(GatewayError::kTimeout).status, 504);
  EXPECT_EQ(gateway_error_response(GatewayError::kMissingAuthenticationToken).status, 403);
}

// --- recording ------------------------------------------------------------

class recorder_dir : public ::testing::Test {
 protected:
  recorder_dir() : dir_(fs::path(SHOPPULSE_BINARY_DIR) / "tests/e2e/tmp" / ("recorder-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
  }
  ~recorder_dir() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(recorder_dir, records_events_and_goldens_replay_can_compare) {
  RecorderOptions options;
  options.dir = dir_;
  options.needs_postgres = true;
  options.suite_env = {{"DATABASE_URL", "${DATABASE_URL}"}};
  auto recorder = Recorder::open(options);
  ASSERT_TRUE(recorder.ok()) << recorder.error().message;

  HttpRequest request = sample_request();
  request.method = "GET";
  request.target = "/health";
  request.headers.emplace_back("Authorization", "Bearer secret.token.value");
  const EventInput input{&request, resolve_route("GET", "/health"), "req-9", kNow * 1000, std::nullopt};
  const json event = build_event(PayloadFormat::kRest, input, {});
  emulator::InvocationResult result;
  result.outcome = emulator::InvocationResult::Outcome::kResponse;
  const std::string created = "/users/7b4186e2-f504-4717-9689-378d404741c1";  // not in the event
  result.body = json{
      {"statusCode", 200},
      {"headers", {{"Content-Type", "application/json"}, {"Location", created}}},
      {"multiValueHeaders", {{"Content-Type", {"application/json"}}, {"Location", {created}}}},
      {"body", R"({"status":"ok","coldStart":true,"version":"1.2.3","id":"0c7e3e1e-5b5a-4c1e-9d1e-6a5b4c3d2e1f"})"},
      {"isBase64Encoded",
       false}}.dump();
  auto recorded = (*recorder)->record(event, result, "GET", "/health");
  ASSERT_TRUE(recorded.ok()) << recorded.error().message;
  EXPECT_EQ(recorded->event_file.filename(), "0001-get-health.json");

  std::ifstream event_in(recorded->event_file);
  const std::string event_text((std::istreambuf_iterator<char>(event_in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(event_text.find("secret.token.value"), std::string::npos);

  const json golden = read_json(recorded->golden_file);
  EXPECT_EQ(golden["response"]["statusCode"], 200);
  EXPECT_EQ(golden["response"]["headers"]["content-type"], "application/json");  // stable headers stay compared
  const auto masked = replay::string_list(golden, "$masked");
  for (const char* path :
       {"body.coldStart", "body.version", "body.id", "headers.location", "multiValueHeaders.location"}) {
    EXPECT_NE(std::find(masked.begin(), masked.end(), path), masked.end()) << path;
  }
  // The golden matches what produced it (replay's own comparison).
  const json actual =
      replay::normalise(replay::classify_event(event_text), replay::Observed{false, result.body, ""}, {});
  EXPECT_TRUE(replay::compare(golden, actual).passed) << replay::compare(golden, actual).report;
  EXPECT_TRUE(read_json(dir_ / "suite.json")["needs_postgres"].get<bool>());

  // A reopened folder continues the numbering, so replay order = arrival order.
  auto reopened = Recorder::open(options);
  ASSERT_TRUE(reopened.ok());
  auto next = (*reopened)->record(event, result, "GET", "/health");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->event_file.filename(), "0002-get-health.json");
}

// --- /openapi.json and /docs ------------------------------------------------

// A swagger-ui-dist-like folder, a file beside it that must stay unreachable,
// the contract and a token file.
class docs_dir : public ::testing::Test {
 protected:
  docs_dir() : base_(fs::path(SHOPPULSE_BINARY_DIR) / "tests/e2e/tmp" / ("docs-" + std::to_string(::getpid()))) {
    fs::remove_all(base_);
    fs::create_directories(root() / "sub");
    write(root() / "swagger-ui-bundle.js", "window.SwaggerUIBundle = 1;");
    write(root() / "swagger-ui.css", "body {}");
    write(root() / "sub" / "nested.png", "PNG");
    write(root() / ".hidden", "hidden");
    write(base_ / "secret.txt", "outside the folder");
    fs::create_symlink(base_ / "secret.txt", root() / "escape.txt");
    fs::create_symlink(root() / "swagger-ui.css", root() / "alias.css");
    write(base_ / "openapi.json", R"({"openapi":"3.1.0","paths":{}})");
    write(base_ / "token", std::string(kToken) + "\n");
  }
  ~docs_dir() override { fs::remove_all(base_); }
  docs_dir(const docs_dir&) = delete;
  docs_dir& operator=(const docs_dir&) = delete;

  static void write(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }
  [[nodiscard]] fs::path root() const { return base_ / "swagger-ui-dist"; }
  [[nodiscard]] DocsSiteOptions options() const {
    return {(base_ / "openapi.json").string(), root().string(), (base_ / "token").string()};
  }
  [[nodiscard]] std::unique_ptr<DocsSite> site() const {
    auto loaded = DocsSite::load(options());
    EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().message);
    return loaded.ok() ? std::move(loaded).value() : nullptr;
  }

  static constexpr const char* kToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
  fs::path base_;
};

TEST_F(docs_dir, assets_resolve_inside_the_folder_only) {
  const fs::path canonical_root = fs::canonical(root());
  EXPECT_EQ(resolve_docs_asset(canonical_root, "swagger-ui.css"), canonical_root / "swagger-ui.css");
  EXPECT_EQ(resolve_docs_asset(canonical_root, "sub/nested.png"), canonical_root / "sub" / "nested.png");
  // A symlink that stays inside the folder is fine; its target is served.
  EXPECT_EQ(resolve_docs_asset(canonical_root, "alias.css"), canonical_root / "swagger-ui.css");
  for (const std::string_view bad :
       {"", "..", "../secret.txt", "sub/../../secret.txt", "sub/../swagger-ui.css", "./swagger-ui.css", "/etc/passwd",
        "sub//nested.png", "sub/", ".hidden", "..\\secret.txt", "escape.txt", "sub", "missing.js"}) {
    EXPECT_EQ(resolve_docs_asset(canonical_root, bad), std::nullopt) << bad;
  }
  EXPECT_EQ(resolve_docs_asset(canonical_root, std::string_view("swagger-ui.css\0x", 16)), std::nullopt);
  EXPECT_EQ(resolve_docs_asset(canonical_root, std::string(2000, 'a')), std::nullopt);
}

TEST_F(docs_dir, serves_the_contract_the_page_and_assets_without_a_token) {
  const auto docs = site();
  ASSERT_NE(docs, nullptr);
  const auto contract = docs->serve("GET", "/openapi.json", "127.0.0.1:3000");
  ASSERT_TRUE(contract.has_value());
  EXPECT_EQ(contract->response.status, 200);
  EXPECT_EQ(contract->response.body, R"({"openapi":"3.1.0","paths":{}})");
  EXPECT_EQ(*contract->response.header("Content-Type"), "application/json");
  EXPECT_TRUE(contract->cors);

  for (const char* path : {"/docs", "/docs/", "/docs/index.html"}) {
    const auto page = docs->serve("GET", path, "127.0.0.1:3000");
    ASSERT_TRUE(page.has_value()) << path;
    EXPECT_EQ(page->response.status, 200);
    EXPECT_EQ(*page->response.header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(*page->response.header("Cache-Control"), "no-store");
    EXPECT_FALSE(page->cors);  // no other origin may read the token
    EXPECT_NE(page->response.body.find("/docs/swagger-ui-bundle.js"), std::string::npos);
    EXPECT_NE(page->response.body.find(R"(fetch("/openapi.json")"), std::string::npos);
    EXPECT_NE(page->response.body.find(std::string("\"") + kToken + "\""), std::string::npos);
    EXPECT_NE(page->response.body.find("preauthorizeApiKey(scheme, token)"), std::string::npos);
  }
  const auto asset = docs->serve("HEAD", "/docs/swagger-ui-bundle.js", "localhost:3000");
  ASSERT_TRUE(asset.has_value());
  EXPECT_EQ(asset->response.status, 200);
  EXPECT_EQ(asset->response.body, "window.SwaggerUIBundle = 1;");
  EXPECT_EQ(*asset->response.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(*docs->serve("GET", "/docs/sub/nested.png", "")->response.header("Content-Type"), "image/png");

  // Traversal and hidden files are 404s answered here, never the API's.
  for (const char* path : {"/docs/../openapi.json", "/docs/%2e%2e/secret.txt", "/docs/..%2fsecret.txt",
                           "/docs/escape.txt", "/docs/.hidden", "/docs/nope.js", "/docs//etc/passwd"}) {
    const auto missing = docs->serve("GET", path, "127.0.0.1:3000");
    ASSERT_TRUE(missing.has_value()) << path;
    EXPECT_EQ(missing->response.status, 404) << path;
    EXPECT_EQ(missing->response.body.find("outside"), std::string::npos) << path;
  }
  // Everything else still goes to the API (and its authorizer).
  EXPECT_FALSE(docs->serve("POST", "/openapi.json", "127.0.0.1:3000").has_value());
  EXPECT_FALSE(docs->serve("OPTIONS", "/docs", "127.0.0.1:3000").has_value());
  EXPECT_FALSE(docs->serve("GET", "/users", "127.0.0.1:3000").has_value());
  EXPECT_FALSE(docs->serve("GET", "/docsx", "127.0.0.1:3000").has_value());
  EXPECT_FALSE(docs->serve("GET", "/openapi.yaml", "127.0.0.1:3000").has_value());
}

TEST_F(docs_dir, the_page_holds_the_token_only_for_a_loopback_host) {
  const auto docs = site();
  ASSERT_NE(docs, nullptr);
  for (const char* host : {"127.0.0.1:3000", "localhost:3000", "LOCALHOST", "[::1]:3000", "127.0.0.1"}) {
    EXPECT_TRUE(loopback_host(host)) << host;
    EXPECT_NE(docs->serve("GET", "/docs", host)->response.body.find(kToken), std::string::npos) << host;
  }
  // A name rebound to 127.0.0.1 by some web site gets the page without it.
  for (const char* host : {"evil.example:3000", "127.0.0.1.evil.example", "localhost.evil.example:80", "", "[::2]"}) {
    EXPECT_FALSE(loopback_host(host)) << host;
    const std::string page = docs->serve("GET", "/docs", host)->response.body;
    EXPECT_EQ(page.find(kToken), std::string::npos) << host;
    EXPECT_NE(page.find("var token = null;"), std::string::npos) << host;
  }
}

TEST_F(docs_dir, load_refuses_what_it_cannot_serve) {
  EXPECT_TRUE(DocsSite::load({(base_ / "openapi.json").string(), "", ""}).ok());               // the contract alone
  EXPECT_TRUE(DocsSite::load({(base_ / "openapi.json").string(), root().string(), ""}).ok());  // no token
  EXPECT_FALSE(DocsSite::load({"", root().string(), ""}).ok());  // a page without its document
  EXPECT_FALSE(DocsSite::load({(base_ / "openapi.json").string(), "", (base_ / "token").string()}).ok());
  EXPECT_FALSE(DocsSite::load({(base_ / "missing.json").string(), "", ""}).ok());
  write(base_ / "not.json", "openapi: 3.1.0\n");
  EXPECT_FALSE(DocsSite::load({(base_ / "not.json").string(), "", ""}).ok());
  EXPECT_FALSE(DocsSite::load({(base_ / "openapi.json").string(), base_.string(), ""}).ok());  // no bundle
  write(base_ / "bad-token", "</script><script>alert(1)</script>");
  auto bad = DocsSite::load({(base_ / "openapi.json").string(), root().string(), (base_ / "bad-token").string()});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.find("script"), std::string::npos);  // the file's content is never quoted
}

TEST(gateway_logic, docs_content_types) {
  EXPECT_EQ(docs_content_type("a/swagger-ui.css"), "text/css; charset=utf-8");
  EXPECT_EQ(docs_content_type("index.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(docs_content_type("swagger-ui.js.map"), "application/json");
  EXPECT_EQ(docs_content_type("favicon-32x32.png"), "image/png");
  EXPECT_EQ(docs_content_type("LICENSE"), "text/plain; charset=utf-8");
  EXPECT_EQ(docs_content_type("blob.bin"), "application/octet-stream");
}

}  // namespace
}  // namespace shoppulse::gateway
