// In-process cost of one invocation inside bootstrap, from the moment the
// /next response is in memory to the moment the /response request is ready
// to send: header parsing, event parsing, routing, handler, serialisation,
// access log and EMF line. Network time to the Runtime API is excluded; the
// end-to-end drivers measure that.
//
// BM_Tracing/*: the same invocation with X-Ray tracing off, on but not
// sampled (Sampled=0), and sampled (the handler's subsegment rendered and
// sent over UDP to a local listener that drains it, as the daemon would).

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <memory_resource>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_benchmarks.h"
#include "sandbox.h"
#include "shoppulse/runtime/api_requests.h"
#include "udp_listener.h"

namespace {

using namespace shoppulse;

std::string health_event_v1() {
  return nlohmann::json{
      {"resource", "/health"},
      {"path", "/health"},
      {"httpMethod", "GET"},
      {"headers", {{"Accept", "application/json"}, {"Host", "abc.execute-api.us-east-1.amazonaws.com"}}},
      {"multiValueHeaders", {{"Accept", {"application/json"}}}},
      {"queryStringParameters", nullptr},
      {"requestContext",
       {{"requestId", "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"},
        {"stage", "prod"},
        {"identity", {{"sourceIp", "203.0.113.7"}}}}},
      {"body", nullptr},
      {"isBase64Encoded", false}}
      .dump();
}

std::string health_event_v2() {
  return nlohmann::json{{"version", "2.0"},
                        {"routeKey", "GET /health"},
                        {"rawPath", "/prod/health"},
                        {"rawQueryString", ""},
                        {"headers", {{"accept", "application/json"}}},
                        {"requestContext",
                         {{"http", {{"method", "GET"}, {"path", "/prod/health"}, {"sourceIp", "203.0.113.7"}}},
                          {"requestId", "JKJaXmPLvHcESHA="},
                          {"stage", "prod"}}},
                        {"isBase64Encoded", false}}
      .dump();
}

constexpr const char* kUntraced = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1";
constexpr const char* kSampled = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=53995c3f42cd8ad8;Sampled=1";
constexpr const char* kUnsampled = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=53995c3f42cd8ad8;Sampled=0";

void run_overhead(benchmark::State& state, const std::string& event, const trace::Tracer& tracer = {},
                  const char* trace_header = kUntraced) {
  const int devnull = ::open("/dev/null", O_WRONLY);
  Logger logger(LogLevel::kInfo, devnull);
  config::Config config;
  // A named Dependencies (not a temporary) keeps GCC 12 -O3 from a false
  // -Wmaybe-uninitialized in Release.
  const handlers::Dependencies dependencies;
  handlers::Application application(handlers::AppSettings{"bench", false, {}, std::chrono::milliseconds(150)},
                                    dependencies, logger);
  bootstrap::InvocationAdapter adapter(application, logger, config, tracer);
  runtime::HttpResponse next;
  next.assign(200,
              {{"Lambda-Runtime-Aws-Request-Id", "8476a536-e9f4-11e8-9739-2dfe598c3fcd"},
               {"Lambda-Runtime-Deadline-Ms", "4102444800000"},
               {"Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:shoppulse-api"},
               {"Lambda-Runtime-Trace-Id", trace_header}},
              event);
  // The loop's arena, released after every invocation as the loop does.
  std::vector<std::byte> block(runtime::kInvocationArenaBytes);
  std::pmr::monotonic_buffer_resource arena(block.data(), block.size());
  std::size_t bytes = 0;
  for (auto _ : state) {
    const auto started = std::chrono::steady_clock::now();
    auto invocation = runtime::parse_next_response(next);
    {
      runtime::Outcome outcome = runtime::invoke_safely(adapter, *invocation, arena, logger);
      const runtime::HttpRequest post = runtime::ResponseRequest{invocation->request_id, &outcome.response()}.to_http();
      bytes += post.body().size();
      benchmark::DoNotOptimize(post);
      if (runtime::Completion* completion = outcome.completion()) {
        completion->complete(*invocation, outcome, std::chrono::steady_clock::now() - started);
        std::destroy_at(completion);
      }
    }
    arena.release();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  ::close(devnull);
}

void BM_TrivialRouteOverhead_RestV1(benchmark::State& state) {
  run_overhead(state, health_event_v1());
}
void BM_TrivialRouteOverhead_HttpV2(benchmark::State& state) {
  run_overhead(state, health_event_v2());
}

// A daemon stand-in that keeps reading, so sends never hit a full buffer.
class DrainingDaemon {
 public:
  DrainingDaemon()
      : reader_([this] {
          while (!stop_.load()) static_cast<void>(listener_.drain(std::chrono::milliseconds(20)));
        }) {}
  ~DrainingDaemon() {
    stop_.store(true);
    reader_.join();
  }
  DrainingDaemon(const DrainingDaemon&) = delete;
  DrainingDaemon& operator=(const DrainingDaemon&) = delete;
  [[nodiscard]] trace::Tracer tracer() const {
    auto sender = trace::DaemonSender::open(*trace::parse_daemon_address(listener_.address()));
    return sender ? trace::Tracer(std::move(sender).value()) : trace::Tracer();
  }

 private:
  test::UdpListener listener_;
  std::atomic<bool> stop_{false};
  std::thread reader_;
};

void BM_Tracing_Off(benchmark::State& state) {
  run_overhead(state, health_event_v1(), trace::Tracer(), kSampled);
}
void BM_Tracing_Unsampled(benchmark::State& state) {
  const DrainingDaemon daemon;
  const trace::Tracer tracer = daemon.tracer();
  if (!tracer.enabled()) state.SkipWithError("no UDP socket");
  run_overhead(state, health_event_v1(), tracer, kUnsampled);
}
void BM_Tracing_Sampled(benchmark::State& state) {
  const DrainingDaemon daemon;
  const trace::Tracer tracer = daemon.tracer();
  if (!tracer.enabled()) state.SkipWithError("no UDP socket");
  run_overhead(state, health_event_v1(), tracer, kSampled);
}

BENCHMARK(BM_TrivialRouteOverhead_RestV1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TrivialRouteOverhead_HttpV2)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Tracing_Off)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Tracing_Unsampled)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Tracing_Sampled)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  return shoppulse::bench::run_benchmarks(argc, argv);
}
