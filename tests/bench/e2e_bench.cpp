// End to end through the real Runtime API path: the local runtime emulator
// hands recorded API Gateway (REST v1) events to the real `bootstrap` binary,
// which answers from a real PostgreSQL clone of the seeded template and the
// local QuickSight stand-in.
//
// Per invocation, from the emulator's timings:
//   duration = event delivered on /next -> response received (what Lambda bills)
//   total    = invoke() -> result (adds the emulator's hand-off to /next)
// reported as <name>_mean/_p50/_p90/_p99 counters in microseconds, plus the
// bootstrap's own CPU time per invocation (the scheduler's exact account, all
// threads), PostgreSQL's own time per request (planning + execution of every
// statement the request ran, from pg_stat_statements; one-sandbox runs only,
// where nothing else uses the database) and invocations per second
// (items_per_second). Threads(N) = N sandboxes, each its own emulator +
// bootstrap process, driven from N threads.
//
// With SHOPPULSE_BENCH_BASELINE_BOOTSTRAP set, every row is also measured for
// that bootstrap (BM_E2E_Baseline/...), interleaved route by route with the
// bootstrap under test, so before and after share one run and one machine.

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bench_common.h"

namespace {

using namespace shoppulse;
using namespace shoppulse::bench;

constexpr int kMaxSandboxes = 4;

enum class Variant { kUnderTest, kBaseline };

// Warm sandboxes shared by every benchmark of this process: thread i of a
// Threads(N) run always uses sandbox i of its variant.
struct Sandboxes {
  std::mutex mutex;
  std::vector<std::unique_ptr<emulator::RuntimeEmulator>> slots{std::size_t{2} * kMaxSandboxes};
};

Sandboxes& sandboxes() {
  static Sandboxes all;
  return all;
}

emulator::RuntimeEmulator& sandbox(Variant variant, int index) {
  Sandboxes& all = sandboxes();
  std::lock_guard lock(all.mutex);
  const std::size_t offset = variant == Variant::kBaseline ? kMaxSandboxes : 0;
  auto& slot = all.slots.at(offset + static_cast<std::size_t>(index));
  if (!slot || !slot->running()) {
    slot = BenchWorld::get().start_sandbox(
        false, variant == Variant::kBaseline ? baseline_bootstrap_path() : bootstrap_path());
    // SHOPPULSE_BENCH_PID_FILE: where bench.sh learns which process to profile.
    if (const char* pid_file = std::getenv("SHOPPULSE_BENCH_PID_FILE"); pid_file != nullptr && *pid_file != '\0') {
      std::ofstream(pid_file, std::ios::app) << slot->pid() << "\n";
    }
  }
  return *slot;
}

// Stops the sandboxes before main returns: torn down during static
// destruction, an emulator's HTTP workers could still parse a request (the
// bootstrap's next /next) with httplib's function-local statics already gone.
void stop_sandboxes() {
  Sandboxes& all = sandboxes();
  std::lock_guard lock(all.mutex);
  for (auto& slot : all.slots) slot.reset();
}

std::atomic<std::uint64_t> g_email_counter{0};

// POST /users needs a new email each time (unique per tenant).
std::string with_unique_email(const std::string& event, const std::string& placeholder) {
  std::string out = event;
  const auto at = out.find(placeholder);
  if (at == std::string::npos) return out;
  out.replace(at, placeholder.size(), "bench." + std::to_string(g_email_counter.fetch_add(1)) + "@acme.example");
  return out;
}

struct Route {
  std::string event;
  std::string unique_placeholder;  // non-empty: replaced by a fresh email per invocation
};

// SHOPPULSE_BENCH_PG_STATEMENTS_FILE: bench.sh's per-statement breakdown, one
// JSON line per one-sandbox row.
void record_pg_statements(const std::string& benchmark_name, double requests) {
  const char* path = std::getenv("SHOPPULSE_BENCH_PG_STATEMENTS_FILE");
  if (path == nullptr || *path == '\0') return;
  try {
    const std::string statements = BenchWorld::get().pg_statements_json(requests);
    std::ofstream(path, std::ios::app) << R"({"benchmark":)" << nlohmann::json(benchmark_name).dump()
                                       << R"(,"statements":)" << statements << "}\n";
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "e2e_bench: statement breakdown: %s\n", e.what());
  }
}

void run_route(benchmark::State& state, const std::string& benchmark_name, const Route& route, Variant variant) {
  emulator::RuntimeEmulator* box = nullptr;
  try {
    box = &sandbox(variant, state.thread_index());
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  auto payload = [&] {
    return route.unique_placeholder.empty() ? route.event : with_unique_email(route.event, route.unique_placeholder);
  };
  // Warm up: first connection, caches, page faults.
  for (int i = 0; i < 50; ++i) {
    if (!check_invocation(state, box->invoke(payload()))) return;
  }
  box->clear_logs();

  std::vector<double> durations;
  std::vector<double> totals;
  durations.reserve(100000);
  totals.reserve(100000);
  const bool measure_pg = state.threads() == 1;
  if (measure_pg) BenchWorld::get().reset_pg_time();
  const double cpu_before = process_cpu_us(box->pid());
  for (auto _ : state) {
    const auto result = box->invoke(payload());
    if (!check_invocation(state, result)) break;
    durations.push_back(static_cast<double>(result.duration.count()));
    totals.push_back(static_cast<double>(result.total.count()));
  }
  const double cpu_after = process_cpu_us(box->pid());
  box->clear_logs();
  if (measure_pg && !durations.empty()) {
    const auto pg = BenchWorld::get().pg_time();
    const double n = static_cast<double>(durations.size());
    state.counters["pg_time_us"] = benchmark::Counter(pg.total_ms * 1000.0 / n);
    state.counters["pg_statements"] = benchmark::Counter(pg.statements / n);
    record_pg_statements(benchmark_name, n);
  }

  report_distribution(state, "duration_us", durations);
  report_distribution(state, "total_us", totals);
  const double n = static_cast<double>(std::max<std::size_t>(durations.size(), 1));
  state.counters["bootstrap_cpu_us"] =
      benchmark::Counter((cpu_after - cpu_before) / n, benchmark::Counter::kAvgThreads);
  state.SetItemsProcessed(static_cast<std::int64_t>(durations.size()));
}

Route event_route(const char* name) {
  return Route{recorded_event(name).dump(), ""};
}

void register_all() {
  const std::vector<std::pair<std::string, Route>> routes = {
      {"health", event_route("01-health")},
      {"list_users_25", Route{list_users_event(25), ""}},
      {"list_users_50", Route{list_users_event(50), ""}},
      {"list_users_100", Route{list_users_event(100), ""}},
      {"get_user", event_route("05-get-user")},
      {"create_user", Route{recorded_event("10-create-user").dump(), "replay.user@acme.example"}},
      {"audit_logs_filtered", event_route("20-audit-logs-filtered")},
      {"quicksight_embed_url", event_route("30-embed-registered")},
  };
  const bool with_baseline = !baseline_bootstrap_path().empty();
  for (const auto& [name, route] : routes) {
    for (int n = 1; n <= kMaxSandboxes; n *= 2) {
      for (const Variant variant : {Variant::kBaseline, Variant::kUnderTest}) {
        if (variant == Variant::kBaseline && !with_baseline) continue;
        const std::string prefix = variant == Variant::kBaseline ? "BM_E2E_Baseline/" : "BM_E2E/";
        auto* bench = benchmark::RegisterBenchmark(
            (prefix + name).c_str(), [name = prefix + name, route = route, variant](benchmark::State& state) {
              run_route(state, name, route, variant);
            });
        bench->Unit(benchmark::kMicrosecond)->UseRealTime()->Threads(n);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  return sandbox_bench_main("e2e_bench", argc, argv, register_all, stop_sandboxes);
}
