// Cold start of the real `bootstrap` under the local runtime emulator: one
// iteration = one new sandbox. The first event is queued before the process
// is up (as Lambda does for an on-demand cold start), so, on the emulator's
// clock:
//   init_ms           fork/exec of bootstrap -> its first /next (Lambda's Init)
//   first_response_ms init + the first invocation's duration (event delivered
//                     -> response received): the first completed
//                     `GET /users?limit=50`, database connection included
// Reported as median/p90/mean counters over the iterations (>= 20 in a full
// run; SHOPPULSE_BENCH_COLD_RUNS overrides). Two variants: DATABASE_URL, and
// the production path: RDS_SECRET_ARN fetched from the Secrets Manager
// stand-in at init (SigV4-signed), then the connection with its credentials.

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench_common.h"

namespace {

using namespace shoppulse;
using namespace shoppulse::bench;
using Clock = std::chrono::steady_clock;

void cold_start(benchmark::State& state, bool with_secret) {
  auto& world = BenchWorld::get();
  const std::string event = list_users_event(50);
  std::vector<double> init_ms;
  std::vector<double> first_ms;
  std::vector<double> first_duration_ms;
  for (auto _ : state) {
    const auto started = Clock::now();
    auto box = world.start_sandbox(with_secret);
    auto pending = box->invoke_async(event);
    if (!box->wait_for_next_poll(std::chrono::seconds(10))) {
      pending.wait();
      state.SkipWithError("bootstrap never called /next");
      break;
    }
    const auto result = pending.get();
    const auto answered = Clock::now();
    if (!check_invocation(state, result)) break;
    // The emulator's own clock: fork of bootstrap -> first /next received
    // (Lambda's Init), and + the first invocation's duration (event delivered
    // -> response received). Starting the emulator's listener is not counted.
    const auto init = box->time_to_first_next();
    if (!init) {
      state.SkipWithError("the emulator has no time to first /next");
      break;
    }
    state.SetIterationTime(std::chrono::duration<double>(answered - started).count());
    const double init_value = static_cast<double>(init->count()) / 1000.0;
    const double duration_value = static_cast<double>(result.duration.count()) / 1000.0;
    init_ms.push_back(init_value);
    first_ms.push_back(init_value + duration_value);
    first_duration_ms.push_back(duration_value);
    box->stop();
  }
  auto put = [&](const std::string& name, const std::vector<double>& samples) {
    state.counters[name + "_p50"] = percentile(samples, 50);
    state.counters[name + "_p90"] = percentile(samples, 90);
    state.counters[name + "_mean"] = mean(samples);
  };
  put("init_ms", init_ms);
  put("first_response_ms", first_ms);
  put("first_duration_ms", first_duration_ms);
  state.counters["runs"] = static_cast<double>(init_ms.size());
}

}  // namespace

int main(int argc, char** argv) {
  const auto runs = static_cast<benchmark::IterationCount>(env_long("SHOPPULSE_BENCH_COLD_RUNS", 25));
  try {
    BenchWorld::get();
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "cold_start_bench: %s\n", e.what());
    return 1;
  }
  for (const bool with_secret : {false, true}) {
    benchmark::RegisterBenchmark(with_secret ? "BM_ColdStart/secrets_manager" : "BM_ColdStart/database_url",
                                 [with_secret](benchmark::State& state) { cold_start(state, with_secret); })
        ->Iterations(runs)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
