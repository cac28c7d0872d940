// Micro benchmarks of the pieces on the hot path of one invocation, in
// process, no I/O: event parse (REST v1 and HTTP API v2 samples), routing,
// response serialisation, gzip of a 50-row user list, SigV4 signing and a
// database-secret cache hit. Plus the machine's floor for everything that
// crosses a process boundary: one TCP loopback round trip between two
// processes (an invocation has three: event in, response out, database).

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <fstream>
#include <memory_resource>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "shoppulse/db_secret/secret_cache.h"
#include "shoppulse/aws/sigv4.h"
#include "shoppulse/core/codec.h"
#include "shoppulse/core/json_reader.h"
#include "shoppulse/handlers/api_request.h"
#include "shoppulse/handlers/api_response.h"
#include "shoppulse/handlers/router.h"
#include "run_benchmarks.h"

namespace {

using namespace shoppulse;
using namespace shoppulse::handlers;

std::string data_event(const char* name) {
  const std::string path = std::string(SHOPPULSE_SOURCE_DIR "/tests/data/events/") + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The event parse as an invocation does it: the JSON reader and the request
// model in a per-invocation arena, released after each iteration.
void parse_event(benchmark::State& state, const std::string& text) {
  std::vector<std::byte> block(std::size_t{256} * 1024);
  std::pmr::monotonic_buffer_resource arena(block.data(), block.size());
  for (auto _ : state) {
    {
      json::Document event(&arena);
      if (!event.parse(text)) {
        state.SkipWithError("event does not parse");
        break;
      }
      auto request = parse_api_request(event.root(), classify_event(event.root()), {}, &arena);
      benchmark::DoNotOptimize(request);
    }
    arena.release();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}

void BM_ParseEvent_RestV1(benchmark::State& state) {
  parse_event(state, data_event("apigw-v1-rest-cognito-userpool-authorizer.json"));
}
void BM_ParseEvent_HttpV2(benchmark::State& state) {
  parse_event(state, data_event("apigw-v2-http-jwt-authorizer-cognito.json"));
}

// The previous approach, for comparison: an nlohmann::json DOM of the event.
void BM_ParseEvent_RestV1_NlohmannDom(benchmark::State& state) {
  const std::string text = data_event("apigw-v1-rest-cognito-userpool-authorizer.json");
  for (auto _ : state) {
    auto event = nlohmann::json::parse(text);
    benchmark::DoNotOptimize(event);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}

void BM_Route(benchmark::State& state) {
  Router router;
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/health"},
                                                        {"GET", "/users"},
                                                        {"POST", "/users"},
                                                        {"GET", "/users/{id}"},
                                                        {"PATCH", "/users/{id}"},
                                                        {"DELETE", "/users/{id}"},
                                                        {"GET", "/audit-logs"},
                                                        {"GET", "/audit-logs/{id}"},
                                                        {"POST", "/quicksight/embed-url"}}) {
    router.add(method, path, RouteAccess::kTenant,
               [](const RequestContext&) -> HandlerResult { return ApiResponse(); });
  }
  for (auto _ : state) {
    auto match = router.match("GET", "/users/a1000000-0000-4000-8000-000000000002");
    benchmark::DoNotOptimize(match);
  }
}

nlohmann::json user_page(int rows) {
  nlohmann::json items = nlohmann::json::array();
  for (int i = 1; i <= rows; ++i) {
    const std::string n = std::to_string(i);
    items.push_back({{"id", "a1000000-0000-4000-9000-" + std::string(12 - n.size(), '0') + n},
                     {"tenantId", "11111111-1111-4111-8111-111111111111"},
                     {"email", "user" + n + "@acme.example"},
                     {"name", "Acme User " + n},
                     {"role", i % 4 == 0 ? "analyst" : "viewer"},
                     {"status", "active"},
                     {"createdAt", "2024-02-01T00:00:00Z"},
                     {"updatedAt", "2024-02-01T00:00:00Z"}});
  }
  return {{"items", items}, {"nextCursor", "eyJ0IjoiMjAyNC0wMi0wMyIsImkiOiJhMSJ9.c2ln"}};
}

// The API Gateway response document around an already rendered 50-user page
// (handlers render list bodies with JsonWriter, not through a JSON DOM).
void BM_SerializeResponse_UserList50(benchmark::State& state) {
  const ApiResponse response = json_response(200, user_page(50));
  for (auto _ : state) {
    auto text = serialize_response(response, EventFormat::kRestV1);
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(response.body.size()));
}

// gzip of a 50-user page with `compress`, reporting input and output sizes.
template <typename Compress>
void gzip_user_page(benchmark::State& state, Compress&& compress) {
  const std::string body = user_page(50).dump();
  std::size_t out = 0;
  for (auto _ : state) {
    auto compressed = compress(body);
    out = compressed.size();
    benchmark::DoNotOptimize(compressed);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(body.size()));
  state.counters["input_bytes"] = static_cast<double>(body.size());
  state.counters["output_bytes"] = static_cast<double>(out);
}

// As the product does it: one warm encoder, level 1.
void BM_Gzip_UserList50(benchmark::State& state) {
  GzipEncoder encoder;
  gzip_user_page(state, [&encoder](const std::string& body) { return encoder.compress(body); });
}

// The previous approach, for comparison: a new zlib stream per body, level 6.
void BM_Gzip_UserList50_FreshStreamLevel6(benchmark::State& state) {
  gzip_user_page(state, [](const std::string& body) { return gzip_compress(body, 6); });
}

void BM_SigV4_Sign_QuickSight(benchmark::State& state) {
  const aws::AwsCredentials credentials{"AKIDFAKEEXAMPLE", "fake/Secret+Key/For/Tests/Only0123456789", ""};
  const std::string payload =
      R"({"AllowedDomains":["https://app.shoppulse.example"],"ExperienceConfiguration":{"Dashboard":{"InitialDashboardId":"sales-overview"}},"SessionLifetimeInMinutes":30,"UserArn":"arn:aws:quicksight:us-east-1:123456789012:user/default/acme-analyst"})";
  const auto now = std::chrono::system_clock::now();
  for (auto _ : state) {
    aws::sigv4::RequestToSign request;
    request.method = "POST";
    request.path = "/accounts/123456789012/embed-url/registered-user";
    request.headers = {{"Host", "quicksight.us-east-1.amazonaws.com"}, {"Content-Type", "application/json"}};
    request.payload = payload;
    aws::sigv4::SigningParams params;
    params.region = "us-east-1";
    params.service = "quicksight";
    params.time = now;
    auto signed_request = aws::sigv4::sign(request, credentials, params);
    benchmark::DoNotOptimize(signed_request);
  }
}

void BM_SecretCache_Hit(benchmark::State& state) {
  db_secret::SecretCacheSettings settings;
  settings.secret_id = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shoppulse/db-AbCdEf";
  settings.db.sslmode = "disable";
  const std::string secret =
      R"({"engine":"postgres","host":"db.internal","port":5432,"username":"shoppulse_lambda","password":"pw","dbname":"shoppulse"})";
  db_secret::DbSecretCache cache(settings, [&](const std::string&) -> Result<std::string> { return secret; });
  if (!cache.get()) {
    state.SkipWithError("first fetch failed");
    return;
  }
  for (auto _ : state) {
    auto credentials = cache.get();
    benchmark::DoNotOptimize(credentials);
  }
  state.counters["fetches"] = static_cast<double>(cache.stats().fetches);
}

// A forked echo process and a 300-byte ping over TCP loopback with
// TCP_NODELAY, as between bootstrap, the Runtime API and PostgreSQL. On a VM
// the wake-up of the other process dominates: this is the floor of every
// cross-process hop in the end-to-end numbers.
void BM_Machine_LoopbackRoundTrip(benchmark::State& state) {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  auto* raw = reinterpret_cast<sockaddr*>(&address);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
  if (listener < 0 || ::bind(listener, raw, length) != 0 || ::listen(listener, 1) != 0 ||
      ::getsockname(listener, raw, &length) != 0) {
    state.SkipWithError("cannot listen on loopback");
    return;
  }
  const pid_t echo = ::fork();
  if (echo == 0) {
    const int peer = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(peer, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (::connect(peer, raw, length) != 0) ::_exit(1);
    std::array<char, 4096> buffer{};
    while (true) {
      const ssize_t got = ::read(peer, buffer.data(), buffer.size());
      if (got <= 0 || ::write(peer, buffer.data(), static_cast<std::size_t>(got)) != got) ::_exit(0);
    }
  }
  const int connection = ::accept(listener, nullptr, nullptr);
  int one = 1;
  ::setsockopt(connection, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  std::array<char, 4096> buffer{};
  constexpr std::size_t kPing = 300;
  for (auto _ : state) {
    if (::write(connection, buffer.data(), kPing) != static_cast<ssize_t>(kPing)) break;
    std::size_t received = 0;
    while (received < kPing) {
      const ssize_t got = ::read(connection, buffer.data(), buffer.size());
      if (got <= 0) break;
      received += static_cast<std::size_t>(got);
    }
  }
  ::close(connection);
  ::close(listener);
  int status = 0;
  ::waitpid(echo, &status, 0);
}

BENCHMARK(BM_Machine_LoopbackRoundTrip)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_ParseEvent_RestV1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ParseEvent_RestV1_NlohmannDom)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ParseEvent_HttpV2)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Route)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SerializeResponse_UserList50)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Gzip_UserList50)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Gzip_UserList50_FreshStreamLevel6)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SigV4_Sign_QuickSight)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SecretCache_Hit)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  return shoppulse::bench::run_benchmarks(argc, argv);
}
