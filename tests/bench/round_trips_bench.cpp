// Database round trips per route. bootstrap is a separate process, so this
// driver runs the same handlers::Application in-process with a real db::Pool
// against a clone of the seeded template (as tests/api does) and reports
// PoolStats::round_trips per invocation (target: 1 for reads, 1 for a write
// together with its audit row). The time column is the in-process cost of the
// route including the database (no Runtime API, no process boundary).

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench_common.h"
#include "shoppulse/aws/aws_client.h"
#include "shoppulse/core/log.h"
#include "shoppulse/db/pool.h"
#include "shoppulse/handlers/application.h"

namespace {

constexpr int kWarmUpInvocations = 50;

using namespace shoppulse;
using namespace shoppulse::bench;

class InProcessApp {
 public:
  static InProcessApp& get() {
    static InProcessApp app;
    return app;
  }
  handlers::Application& app() { return *app_; }
  db::Pool& pool() { return *pool_; }

 private:
  InProcessApp() : devnull_(::open("/dev/null", O_WRONLY)), logger_(LogLevel::kFatal, devnull_) {
    auto& world = BenchWorld::get();
    db::DbCredentials credentials;
    credentials.conninfo = world.database().app_conninfo();
    auto pool =
        db::Pool::create(db::PoolSettings{}, [credentials](bool) -> Result<db::DbCredentials> { return credentials; });
    if (!pool) throw std::runtime_error("pool: " + pool.error().message);
    pool_ = std::move(pool).value();

    aws::AwsClientOverrides overrides;
    overrides.region = world.aws().options().region;
    overrides.credentials =
        aws::AwsCredentials{world.aws().options().access_key_id, world.aws().options().secret_access_key, ""};
    overrides.endpoint_url = world.aws().endpoint_url();
    auto settings = aws::AwsClientSettings::from_env(aws::kQuickSight, overrides, env::MapSource({}));
    if (!settings) throw std::runtime_error("aws settings: " + settings.error().message);
    auto client = aws::AwsClient::create(*settings);
    if (!client) throw std::runtime_error("aws client: " + client.error().message);
    quicksight_ = std::move(client).value();

    handlers::Dependencies deps;
    deps.pool = pool_.get();
    deps.quicksight = quicksight_.get();
    deps.quicksight_settings.account_id = "123456789012";
    deps.quicksight_settings.region = world.aws().options().region;
    app_ = std::make_unique<handlers::Application>(
        handlers::AppSettings{"bench", false, {}, std::chrono::milliseconds(150)}, deps, logger_);
  }
  ~InProcessApp() {
    app_.reset();
    quicksight_.reset();
    pool_.reset();
    ::close(devnull_);
  }

  int devnull_;
  Logger logger_;
  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<aws::AwsClient> quicksight_;
  std::unique_ptr<handlers::Application> app_;
};

std::atomic<std::uint64_t> g_email_counter{0};

void round_trips(benchmark::State& state, const std::string& event, const std::string& placeholder) {
  InProcessApp* app = nullptr;
  try {
    app = &InProcessApp::get();
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  const handlers::InvocationContext context{
      "bench-req", "", "arn:aws:lambda:us-east-1:123456789012:function:api", "", "", 0, false, ""};
  auto payload = [&] {
    if (placeholder.empty()) return event;
    std::string out = event;
    out.replace(out.find(placeholder), placeholder.size(),
                "rt." + std::to_string(g_email_counter.fetch_add(1)) + "@acme.example");
    return out;
  };
  // Warm: the connection is opened, and the route's pages and plans are
  // cached, outside the measurement (as on a warm sandbox).
  for (int i = 0; i < kWarmUpInvocations; ++i) (void)app->app().handle(payload(), context);
  const auto before = app->pool().stats();
  std::int64_t failures = 0;
  int status = 0;
  for (auto _ : state) {
    const auto result = app->app().handle(payload(), context);
    if (!result.ok || result.status >= 400) ++failures;
    status = result.status;
  }
  const auto after = app->pool().stats();
  const double n = static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
  state.counters["round_trips"] = static_cast<double>(after.round_trips - before.round_trips) / n;
  state.counters["connects"] = static_cast<double>(after.connects - before.connects);
  state.counters["http_status"] = status;
  if (failures > 0) state.SkipWithError(("route failed " + std::to_string(failures) + " times").c_str());
}

}  // namespace

int main(int argc, char** argv) {
  try {
    BenchWorld::get();
    const std::string email = "replay.user@acme.example";
    const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> routes = {
        {"health", {recorded_event("01-health").dump(), ""}},
        {"list_users_50", {list_users_event(50), ""}},
        {"get_user", {recorded_event("05-get-user").dump(), ""}},
        {"create_user", {recorded_event("10-create-user").dump(), email}},
        {"audit_logs_filtered", {recorded_event("20-audit-logs-filtered").dump(), ""}},
        {"quicksight_embed_url", {recorded_event("30-embed-registered").dump(), ""}},
    };
    for (const auto& [name, spec] : routes) {
      benchmark::RegisterBenchmark(("BM_RoundTrips/" + name).c_str(), [spec = spec](benchmark::State& state) {
        round_trips(state, spec.first, spec.second);
      })->Unit(benchmark::kMicrosecond);
    }
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "round_trips_bench: %s\n", e.what());
    return 1;
  }
  return shoppulse::bench::run_benchmarks(argc, argv);
}
