// Memory of one warm `bootstrap` over many invocations (leak check by
// measurement, not assertion): a rotating mix of reads, writes and the
// QuickSight embed through the runtime emulator, with /proc/<pid>/status read
// at each checkpoint (default 10,000 and 50,000 invocations;
// SHOPPULSE_BENCH_MEMORY_CHECKPOINTS="a,b,..." overrides, e.g. for smoke runs).
// Counters, in KiB: VmHWM (peak RSS), VmRSS, RssAnon at each checkpoint, and
// the growth of VmRSS / RssAnon from the first checkpoint to the last.

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "bench_common.h"

namespace {

using namespace shoppulse;
using namespace shoppulse::bench;

std::vector<long> checkpoints() {
  const char* value = std::getenv("SHOPPULSE_BENCH_MEMORY_CHECKPOINTS");
  std::istringstream in(value != nullptr && *value != '\0' ? value : "10000,50000");
  std::vector<long> out;
  std::string item;
  while (std::getline(in, item, ',')) {
    if (const long n = std::strtol(item.c_str(), nullptr, 10); n > 0) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void memory(benchmark::State& state) {
  auto& world = BenchWorld::get();
  const std::string list50 = list_users_event(50);
  const std::string get_user = recorded_event("05-get-user").dump();
  const std::string health = recorded_event("01-health").dump();
  const std::string audit = recorded_event("20-audit-logs-filtered").dump();
  const std::string create = recorded_event("10-create-user").dump();
  const std::string embed = recorded_event("30-embed-registered").dump();
  const std::vector<const std::string*> mix = {&list50, &get_user, &list50, &health, &audit,
                                               &list50, &get_user, &create, &list50, &embed};
  const std::string placeholder = "replay.user@acme.example";
  const auto marks = checkpoints();
  long emails = 0;

  for (auto _ : state) {
    auto box = world.start_sandbox();
    if (!box->wait_for_next_poll(std::chrono::seconds(10))) {
      state.SkipWithError("bootstrap never called /next");
      break;
    }
    const auto after_init = process_memory_kib(box->pid());
    state.counters["VmRSS_kib_init"] = after_init.count("VmRSS") ? after_init.at("VmRSS") : 0.0;
    state.counters["RssAnon_kib_init"] = after_init.count("RssAnon") ? after_init.at("RssAnon") : 0.0;
    const double cpu_before = process_cpu_us(box->pid());
    long done = 0;
    bool failed = false;
    std::map<std::string, double> first;
    std::map<std::string, double> last;
    for (const long mark : marks) {
      for (; done < mark; ++done) {
        std::string payload = *mix[static_cast<std::size_t>(done) % mix.size()];
        if (payload.find(placeholder) != std::string::npos) {
          payload.replace(payload.find(placeholder), placeholder.size(),
                          "mem." + std::to_string(emails++) + "@acme.example");
        }
        if (!check_invocation(state, box->invoke(std::move(payload)))) {
          failed = true;
          break;
        }
        if (done % 1000 == 999) box->clear_logs();
      }
      if (failed) break;
      const auto mem = process_memory_kib(box->pid());
      for (const char* key : {"VmHWM", "VmRSS", "RssAnon"}) {
        state.counters[std::string(key) + "_kib_" + std::to_string(mark)] = mem.count(key) ? mem.at(key) : 0.0;
      }
      if (first.empty()) first = mem;
      last = mem;
    }
    if (failed) break;
    const double cpu_after = process_cpu_us(box->pid());
    state.counters["invocations"] = static_cast<double>(done);
    state.counters["bootstrap_cpu_us"] = (cpu_after - cpu_before) / static_cast<double>(std::max(done, 1L));
    state.counters["VmRSS_growth_kib"] = last["VmRSS"] - first["VmRSS"];
    state.counters["RssAnon_growth_kib"] = last["RssAnon"] - first["RssAnon"];
    state.counters["VmHWM_kib_peak"] = last["VmHWM"];
    box->stop();
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    BenchWorld::get();
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "memory_bench: %s\n", e.what());
    return 1;
  }
  benchmark::RegisterBenchmark("BM_Memory/mixed_routes", memory)
      ->Iterations(1)
      ->UseRealTime()
      ->Unit(benchmark::kSecond);
  return shoppulse::bench::run_benchmarks(argc, argv);
}
