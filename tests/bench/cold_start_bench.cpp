// Cold start of the real `bootstrap` under the local runtime emulator: one
// iteration = one new sandbox. The first event is queued before the process
// is up (as Lambda does for an on-demand cold start), so, on the emulator's
// clock:
//   init_ms           fork/exec of bootstrap -> its first /next (Lambda's Init)
//   first_response_ms init + the first invocation's duration (event delivered
//                     -> response received): the first completed
//                     `GET /users?limit=50`, database connection included
//   first_pg_ms       PostgreSQL's planning + execution of the statements that
//                     first invocation ran (pg_stat_statements)
// Reported as median/p90/p99/mean counters over the iterations (>= 20 in a
// full run; SHOPPULSE_BENCH_COLD_RUNS overrides). Two variants: DATABASE_URL,
// and the production path: RDS_SECRET_ARN fetched from the Secrets Manager
// stand-in at init (SigV4-signed), then the connection with its credentials;
// secrets_manager_tls is the same over HTTPS, verified against a CA bundle of
// the system's ~140 roots plus the stand-in's certificate (AWS_CA_BUNDLE).
// database_url_no_extension and secrets_manager_no_extension: the first two
// with SHUTDOWN_EXTENSION_ENABLED=false, so one run shows what registering
// as an internal extension costs the cold start.
//
// cold_disk/secrets_manager (SHOPPULSE_BENCH_COLD_DISK_RUNS iterations, only
// when set, since it empties the whole machine's page cache; needs root): the
// page cache is dropped after the emulator listens and before each spawn, so
// the bootstrap's files come from disk, as on a fresh Lambda host. PostgreSQL's
// unmapped file pages go too, so its first query is slower as well; init is
// the clean cold-disk number.
//
// floor: database_url's start with tests/bench/cold_start_floor.cpp instead
// of bootstrap, a minimal static runtime: what this machine charges for
// exec -> first /next before any runtime's own work.
//
// files_opened: one start under `strace -f`, counting the files the process
// opened (and failed to open) before it connected to the Runtime API for its
// first /next (not the extension's earlier connection), and the execve calls
// on the way.
//
// postgres_connect: a bare libpq connection to the same server as the
// bootstrap's role: what any layout's first response has to wait for.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "bench_common.h"
#include "shoppulse/core/unique_fd.h"

namespace {

using namespace shoppulse;
using namespace shoppulse::bench;
using Clock = std::chrono::steady_clock;

constexpr const char* kDropCaches = "/proc/sys/vm/drop_caches";

enum class PageCache { kWarm, kColdDisk };

// Writes dirty pages back, then empties the page cache, dentries and inodes:
// the next spawn reads the bootstrap and everything it loads from disk. Pages
// mapped by live processes (this driver, PostgreSQL's binaries) stay.
Status drop_page_cache() {
  ::sync();
  const UniqueFd control(::open(kDropCaches, O_WRONLY | O_CLOEXEC));
  if (!control || ::write(control.get(), "3", 1) != 1) {
    return fail(Error::make(ErrorKind::kInternal, "drop_caches_failed",
                            std::string("writing ") + kDropCaches + ": " + std::strerror(errno)));
  }
  return {};
}

void cold_start(benchmark::State& state, bool with_secret, PageCache cache, bool secret_over_tls = false,
                const std::string& bootstrap = bootstrap_path(), const std::map<std::string, std::string>& env = {}) {
  if (cache == PageCache::kColdDisk && ::access(kDropCaches, W_OK) != 0) {
    state.SkipWithError(
        (std::string("cold-disk mode needs root and a writable ") + kDropCaches + ": " + std::strerror(errno)).c_str());
    return;
  }
  auto& world = BenchWorld::get();
  const std::string event = list_users_event(50);
  std::vector<double> init_ms;
  std::vector<double> first_ms;
  std::vector<double> first_duration_ms;
  std::vector<double> first_pg_ms;
  for (auto _ : state) {
    world.reset_pg_time();
    auto options = world.sandbox_options(with_secret, bootstrap, secret_over_tls);
    for (const auto& [name, value] : env) options.env[name] = value;
    if (cache == PageCache::kColdDisk) options.before_spawn = drop_page_cache;
    auto box = BenchWorld::start_sandbox(std::move(options));
    auto pending = box->invoke_async(event);
    if (!box->wait_for_next_poll(std::chrono::seconds(10))) {
      pending.wait();
      state.SkipWithError("bootstrap never called /next");
      break;
    }
    const auto result = pending.get();
    if (!check_invocation(state, result)) break;
    // The emulator's own clock: fork of bootstrap -> first /next received
    // (Lambda's Init), and + the first invocation's duration (event delivered
    // -> response received). Starting the emulator's listener and dropping
    // the page cache are not counted.
    const auto init = box->time_to_first_next();
    if (!init) {
      state.SkipWithError("the emulator has no time to first /next");
      break;
    }
    const double init_value = static_cast<double>(init->count()) / 1000.0;
    const double duration_value = static_cast<double>(result.duration.count()) / 1000.0;
    state.SetIterationTime((init_value + duration_value) / 1000.0);
    init_ms.push_back(init_value);
    first_ms.push_back(init_value + duration_value);
    first_duration_ms.push_back(duration_value);
    first_pg_ms.push_back(world.pg_time().total_ms);
    box->stop();
  }
  report_distribution(state, "init_ms", init_ms);
  report_distribution(state, "first_response_ms", first_ms);
  report_distribution(state, "first_duration_ms", first_duration_ms);
  report_distribution(state, "first_pg_ms", first_pg_ms);
  state.counters["runs"] = static_cast<double>(init_ms.size());
}

// `name` in one of $PATH's directories, or empty.
std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream directories(path != nullptr ? path : "");
  for (std::string candidate; std::getline(directories, candidate, ':');) {
    if (candidate.empty()) continue;
    candidate.append("/").append(name);
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

struct FileOpens {
  int opened = 0;  // open/openat calls that returned a descriptor
  int failed = 0;  // attempts that returned an error (library search paths, optional files)
  int execs = 0;   // successful execve calls: a wrapper script adds its own
};

// Tallies an `strace -f -e trace=openat,open,execve,connect` log up to the
// connect() the runtime makes for its first /next, i.e. what the process
// opened before asking for its first event. That is the last connect() to
// the Runtime API's port: the internal extension's registration connects
// earlier, on its own thread, and is answered before the first /next.
FileOpens tally_until_runtime_connect(const std::string& log, std::uint16_t runtime_port) {
  const std::string runtime_address = "htons(" + std::to_string(runtime_port) + ")";
  constexpr std::string_view kResumed = "<... ";
  struct Call {
    std::string name;  // connect, openat, ...
    std::string line;
  };
  std::vector<Call> calls;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    // "<pid> <call>(<args>) = <result>", or, when threads interleave, split in
    // "<pid> <call>(<args> <unfinished ...>" and "<pid> <... <call> resumed>...) = <result>".
    std::string_view text(line);
    text.remove_prefix(std::min(text.find_first_not_of("0123456789 "), text.size()));
    std::string_view name;
    if (text.starts_with(kResumed)) {
      text.remove_prefix(kResumed.size());
      name = text.substr(0, text.find(' '));
    } else {
      name = text.substr(0, text.find('('));
    }
    calls.push_back({std::string(name), std::move(line)});
  }
  const auto last_runtime_connect = std::find_if(calls.rbegin(), calls.rend(), [&](const Call& call) {
    return call.name == "connect" && call.line.find(runtime_address) != std::string::npos;
  });
  const auto end = last_runtime_connect == calls.rend() ? calls.end() : std::prev(last_runtime_connect.base());
  FileOpens opens;
  for (auto call = calls.begin(); call != end; ++call) {
    const auto equals = call->line.rfind(" = ");
    if (call->line.ends_with("<unfinished ...>") || equals == std::string::npos) continue;
    const long result = std::strtol(call->line.c_str() + equals + 3, nullptr, 10);
    if (call->name == "open" || call->name == "openat") {
      ++(result >= 0 ? opens.opened : opens.failed);
    } else if (call->name == "execve" && result == 0) {
      ++opens.execs;
    }
  }
  return opens;
}

void files_opened(benchmark::State& state) {
  const std::string strace = find_program("strace");
  if (strace.empty()) {
    state.SkipWithError("strace not found (apt-get install strace)");
    return;
  }
  const std::string bootstrap = bootstrap_path();
  const std::string log =
      (std::filesystem::temp_directory_path() / ("shoppulse-cold-start-" + std::to_string(::getpid()) + ".strace"))
          .string();
  std::optional<FileOpens> opens;
  for (auto _ : state) {
    auto options = BenchWorld::get().sandbox_options(true, bootstrap);
    options.bootstrap_path = strace;
    options.bootstrap_args = {"-f", "-qq", "-e", "trace=openat,open,execve,connect", "-o", log, bootstrap};
    // The emulator derives the task root from the program it spawns: strace's directory.
    options.env["LAMBDA_TASK_ROOT"] = std::filesystem::path(bootstrap).parent_path().string();
    auto box = BenchWorld::start_sandbox(std::move(options));
    if (!box->wait_for_next_poll(std::chrono::seconds(10))) {
      const auto said = box->stderr_lines();  // strace's own complaint, e.g. ptrace not permitted
      state.SkipWithError(
          ("bootstrap never called /next under strace: " + (said.empty() ? "no output" : said.front())).c_str());
      break;
    }
    box->stop();
    opens = tally_until_runtime_connect(read_text(log), box->port());
  }
  std::filesystem::remove(log);
  if (!opens) return;
  state.counters["files_opened"] = opens->opened;
  state.counters["failed_opens"] = opens->failed;
  state.counters["execs"] = opens->execs;
}

void postgres_connect(benchmark::State& state) {
  // gssencmode as the deployment zip sets it: RDS does not speak GSSAPI encryption.
  const std::string conninfo = BenchWorld::get().database_url() + "&gssencmode=disable";
  std::vector<double> connect_ms;
  for (auto _ : state) {
    const auto started = Clock::now();
    const test::PgSession session(conninfo);
    const std::chrono::duration<double, std::milli> took = Clock::now() - started;
    state.SetIterationTime(took.count() / 1000.0);
    connect_ms.push_back(took.count());
  }
  report_distribution(state, "connect_ms", connect_ms);
}

}  // namespace

int main(int argc, char** argv) {
  const auto runs = static_cast<benchmark::IterationCount>(env_long("SHOPPULSE_BENCH_COLD_RUNS", 25));
  const auto cold_disk_runs = static_cast<benchmark::IterationCount>(env_long("SHOPPULSE_BENCH_COLD_DISK_RUNS", 0));
  try {
    BenchWorld::get();
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "cold_start_bench: %s\n", e.what());
    return 1;
  }
  for (const bool with_secret : {false, true}) {
    benchmark::RegisterBenchmark(
        with_secret ? "BM_ColdStart/secrets_manager" : "BM_ColdStart/database_url",
        [with_secret](benchmark::State& state) { cold_start(state, with_secret, PageCache::kWarm); })
        ->Iterations(runs)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  }
  // The same starts without registering as an internal extension (issue
  // 17): beside database_url and secrets_manager, the registration's cost at
  // cold start. DATABASE_URL is the shortest init, the one a registration
  // shows most in; the secret's fetch is the production path.
  for (const bool with_secret : {false, true}) {
    benchmark::RegisterBenchmark(
        with_secret ? "BM_ColdStart/secrets_manager_no_extension" : "BM_ColdStart/database_url_no_extension",
        [with_secret](benchmark::State& state) {
          cold_start(state, with_secret, PageCache::kWarm, false, bootstrap_path(),
                     {{"SHUTDOWN_EXTENSION_ENABLED", "false"}});
        })
        ->Iterations(runs)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  }
  // The machine's floor: the same sandbox start with a minimal static runtime.
  benchmark::RegisterBenchmark(
      "BM_ColdStart/floor",
      [](benchmark::State& state) { cold_start(state, false, PageCache::kWarm, false, SHOPPULSE_COLD_START_FLOOR); })
      ->Iterations(runs)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(
      "BM_ColdStart/secrets_manager_tls",
      [](benchmark::State& state) { cold_start(state, true, PageCache::kWarm, /*secret_over_tls=*/true); })
      ->Iterations(runs)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_ColdStart/postgres_connect", postgres_connect)
      ->Iterations(runs)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_ColdStart/files_opened", files_opened)->Iterations(1)->Unit(benchmark::kMillisecond);
  // Last: every drop leaves the machine's caches cold for what runs next.
  if (cold_disk_runs > 0) {
    benchmark::RegisterBenchmark("BM_ColdStart/cold_disk/secrets_manager",
                                 [](benchmark::State& state) { cold_start(state, true, PageCache::kColdDisk); })
        ->Iterations(cold_disk_runs)
        ->UseManualTime()
        ->Unit(benchmark::kMillisecond);
  }
  return shoppulse::bench::run_benchmarks(argc, argv);
}
