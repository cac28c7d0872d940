// Lambda Managed Instances: one bootstrap process serving
// AWS_LAMBDA_MAX_CONCURRENCY = C invocations at once, driven through the
// local emulator by C threads (each keeps one invocation in flight), with
// warm GET /users?limit=50 against the benchmark database.
//
// Reported per C: invocations per second (items_per_second), the
// bootstrap's CPU per invocation (the scheduler's account of the whole
// process, all workers, divided by all invocations), and the billed-style
// duration (event on /next -> response) percentiles. BM_Concurrency/classic
// is the same route without the variable: today's single loop, for
// comparison with C = 1.
//
// On a 2-core machine the bootstrap shares the cores with PostgreSQL, the
// emulator and this driver, so throughput flattens once they are saturated;
// the CPU per invocation shows what concurrency itself costs.

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bench_common.h"

namespace {

using namespace shoppulse;
using namespace shoppulse::bench;

// One warm sandbox per configuration, shared by the benchmark's threads.
struct Sandboxes {
  std::mutex mutex;
  std::map<int, std::unique_ptr<emulator::RuntimeEmulator>> by_concurrency;  // 0: classic (variable unset)
};

Sandboxes& sandboxes() {
  static Sandboxes all;
  return all;
}

emulator::RuntimeEmulator& sandbox(int concurrency) {
  Sandboxes& all = sandboxes();
  const std::lock_guard lock(all.mutex);
  auto& slot = all.by_concurrency[concurrency];
  if (!slot || !slot->running()) {
    emulator::EmulatorOptions options = BenchWorld::get().sandbox_options();
    if (concurrency > 0) options.env["AWS_LAMBDA_MAX_CONCURRENCY"] = std::to_string(concurrency);
    slot = BenchWorld::start_sandbox(std::move(options));
  }
  return *slot;
}

void stop_sandboxes() {
  Sandboxes& all = sandboxes();
  const std::lock_guard lock(all.mutex);
  all.by_concurrency.clear();
}

struct Shared {
  std::atomic<std::uint64_t> invocations{0};
};

void run(benchmark::State& state, int concurrency) {
  static std::map<int, Shared> shared_by_concurrency;
  static std::mutex shared_mutex;
  emulator::RuntimeEmulator* box = nullptr;
  Shared* shared = nullptr;
  try {
    box = &sandbox(concurrency);
    const std::lock_guard lock(shared_mutex);
    shared = &shared_by_concurrency[concurrency];
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  const std::string event = list_users_event(50);
  for (int i = 0; i < 20; ++i) {
    if (!check_invocation(state, box->invoke(event))) return;
  }
  if (state.thread_index() == 0) shared->invocations.store(0);

  std::vector<double> durations;
  durations.reserve(100000);
  double cpu_before = 0;
  for (auto _ : state) {
    // The first iteration starts after every thread's warm-up (the
    // benchmark's start barrier); sample the CPU there.
    if (state.thread_index() == 0 && durations.empty()) cpu_before = process_cpu_us(box->pid());
    const auto result = box->invoke(event);
    if (!check_invocation(state, result)) break;
    durations.push_back(static_cast<double>(result.duration.count()));
    shared->invocations.fetch_add(1, std::memory_order_relaxed);
  }
  if (state.thread_index() == 0) {
    const double cpu_after = process_cpu_us(box->pid());
    const double n = static_cast<double>(std::max<std::uint64_t>(shared->invocations.load(), 1));
    // Only thread 0 sets it: Google Benchmark sums counters over threads.
    state.counters["bootstrap_cpu_us"] = benchmark::Counter((cpu_after - cpu_before) / n);
  }
  report_distribution(state, "duration_us", durations);
  state.SetItemsProcessed(static_cast<std::int64_t>(durations.size()));
}

void register_all() {
  benchmark::RegisterBenchmark("BM_Concurrency/classic", [](benchmark::State& state) { run(state, 0); })
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime()
      ->Threads(1);
  for (const int concurrency : {1, 2, 4, 8, 32}) {
    benchmark::RegisterBenchmark(("BM_Concurrency/c" + std::to_string(concurrency)).c_str(),
                                 [concurrency](benchmark::State& state) { run(state, concurrency); })
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime()
        ->Threads(concurrency);
  }
}

}  // namespace

int main(int argc, char** argv) {
  return sandbox_bench_main("concurrency_bench", argc, argv, register_all, stop_sandboxes);
}
