#pragma once
// Shared pieces of the benchmark drivers: recorded events, the environment
// the real bootstrap gets (test PostgreSQL, fake AWS), sample statistics and
// /proc readings of the bootstrap process. Header-only, test code only.

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "run_benchmarks.h"
#include "shoppulse/emulator/runtime_emulator.h"
#include "shoppulse/fakes/fake_aws.h"
#include "shoppulse/fakes/test_tls.h"
#include "test_db.h"

namespace shoppulse::bench {

inline constexpr const char* kEventsDir = SHOPPULSE_SOURCE_DIR "/tests/replay/events/api-rest-v1";
// The bootstrap under test: SHOPPULSE_BENCH_BOOTSTRAP (bench.sh points it at
// the unpacked deployment zip, i.e. what Lambda runs), else this build's binary.
inline std::string bootstrap_path() {
  const char* chosen = std::getenv("SHOPPULSE_BENCH_BOOTSTRAP");
  return chosen != nullptr && *chosen != '\0' ? std::string(chosen) : std::string(SHOPPULSE_BOOTSTRAP_PATH);
}
// The baseline's bootstrap for before/after runs (bench.sh builds the
// previous commit's deployment zip), or empty.
inline std::string baseline_bootstrap_path() {
  const char* chosen = std::getenv("SHOPPULSE_BENCH_BASELINE_BOOTSTRAP");
  return chosen != nullptr ? std::string(chosen) : std::string();
}
inline constexpr const char* kSecretArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shoppulse/db-AbCdEf";

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline nlohmann::json recorded_event(std::string_view name) {
  return nlohmann::json::parse(read_text(std::string(kEventsDir) + "/" + std::string(name) + ".json"));
}

// The recorded `GET /users?limit=3` with another limit.
inline std::string list_users_event(int limit) {
  auto event = recorded_event("03-list-users-page");
  event["queryStringParameters"]["limit"] = std::to_string(limit);
  event["multiValueQueryStringParameters"]["limit"] = nlohmann::json::array({std::to_string(limit)});
  return event.dump();
}

// Integer from the environment (scales smoke runs down), else `fallback`.
inline long env_long(const char* name, long fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  return std::strtol(value, nullptr, 10);
}

// --- statistics --------------------------------------------------------------

inline double percentile(std::vector<double> samples, double p) {
  if (samples.empty()) return 0.0;
  std::sort(samples.begin(), samples.end());
  const double rank = p / 100.0 * static_cast<double>(samples.size() - 1);
  const auto low = static_cast<std::size_t>(rank);
  const std::size_t high = std::min(low + 1, samples.size() - 1);
  const double frac = rank - static_cast<double>(low);
  return samples[low] + (samples[high] - samples[low]) * frac;
}

inline double mean(const std::vector<double>& samples) {
  if (samples.empty()) return 0.0;
  return std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
}

// mean/p50/p90/p99 of `samples` as counters `<prefix>_mean` etc. Averaged over
// threads when the benchmark runs threaded (each thread has its own sandbox).
inline void report_distribution(benchmark::State& state, const std::string& prefix,
                                const std::vector<double>& samples) {
  const auto flags = benchmark::Counter::kAvgThreads;
  state.counters[prefix + "_mean"] = benchmark::Counter(mean(samples), flags);
  state.counters[prefix + "_p50"] = benchmark::Counter(percentile(samples, 50), flags);
  state.counters[prefix + "_p90"] = benchmark::Counter(percentile(samples, 90), flags);
  state.counters[prefix + "_p99"] = benchmark::Counter(percentile(samples, 99), flags);
}

// --- /proc -------------------------------------------------------------------

inline double process_ticks_cpu_us(pid_t pid);

// CPU time of every thread of `pid` in microseconds, from the scheduler's
// own nanosecond account (/proc/<pid>/task/*/schedstat, first field): user and
// system time, exact, unlike utime+stime, which are sampled at the clock tick.
inline double process_cpu_us(pid_t pid) {
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
  double total_ns = 0;
  bool any = false;
  if (DIR* dir = ::opendir(tasks.c_str())) {
    while (const dirent* entry = ::readdir(dir)) {
      if (entry->d_name[0] == '.') continue;
      std::ifstream in(tasks + "/" + entry->d_name + "/schedstat");
      double on_cpu_ns = 0;
      if (in >> on_cpu_ns) {
        total_ns += on_cpu_ns;
        any = true;
      }
    }
    ::closedir(dir);
  }
  if (any) return total_ns / 1000.0;
  return process_ticks_cpu_us(pid);
}

// utime + stime of `pid` in microseconds (clock-tick resolution): the
// fallback where schedstat is missing.
inline double process_ticks_cpu_us(pid_t pid) {
  std::string stat;
  try {
    stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  } catch (const std::exception&) {
    return 0.0;
  }
  // Fields after the command name (which may hold spaces) start after ')'.
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  for (int index = 3; fields >> field; ++index) {
    if (index == 14) utime = std::stoull(field);
    if (index == 15) {
      stime = std::stoull(field);
      break;
    }
  }
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return static_cast<double>(utime + stime) * 1e6 / ticks;
}

// VmHWM, VmRSS, RssAnon, ... from /proc/<pid>/status, in KiB.
inline std::map<std::string, double> process_memory_kib(pid_t pid) {
  std::map<std::string, double> values;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(0, colon);
    if (key.rfind("Vm", 0) != 0 && key.rfind("Rss", 0) != 0) continue;
    values[key] = std::strtod(line.c_str() + colon + 1, nullptr);
  }
  return values;
}

// --- environment ----------------------------------------------------------------

// The test PostgreSQL (a fresh clone of the seeded template) and the fake AWS
// endpoints with the dashboards of the replay suite, shared by every benchmark
// of a driver process.
class BenchWorld {
 public:
  static BenchWorld& get() {
    static BenchWorld world;
    return world;
  }

  [[nodiscard]] const test::TestDatabase& database() const { return *database_; }
  [[nodiscard]] test::TestDatabase& database() { return *database_; }
  [[nodiscard]] fakes::FakeAws& aws() { return *aws_; }

  std::string database_url() const {
    const auto& server = database_->server();
    return "postgresql://" + std::string(test::kAppLoginRole) + ":" + std::string(test::kAppLoginPassword) + "@" +
           server.host() + ":" + std::to_string(server.port()) + "/" + database_->name() + "?sslmode=disable";
  }

  // Environment of a sandbox. with_secret: no DATABASE_URL; credentials from
  // the Secrets Manager stand-in (RDS-form secret). secret_over_tls: from its
  // HTTPS twin instead, trusted through a CA bundle the size of a real one
  // (the system's roots, then the stand-in's certificate), as production
  // fetches its secret over TLS against the zip's bundle.
  std::map<std::string, std::string> sandbox_env(bool with_secret, bool secret_over_tls = false) const {
    std::map<std::string, std::string> env{
        {"AWS_ENDPOINT_URL_QUICKSIGHT", aws_->endpoint_url()},
        {"AWS_ACCESS_KEY_ID", aws_->options().access_key_id},
        {"AWS_SECRET_ACCESS_KEY", aws_->options().secret_access_key},
        {"AWS_REGION", aws_->options().region},
        {"QUICKSIGHT_ACCOUNT_ID", "123456789012"},
        {"CORS_ALLOW_ORIGINS", "http://localhost:3000"},
    };
    if (with_secret) {
      env["RDS_SECRET_ARN"] = kSecretArn;
      env["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = secret_over_tls ? tls_aws_->endpoint_url() : aws_->endpoint_url();
      if (secret_over_tls) env["AWS_CA_BUNDLE"] = tls_bundle_path_;
      env["DB_SSLMODE"] = "disable";
    } else {
      env["DATABASE_URL"] = database_url();
    }
    return env;
  }

  // PostgreSQL's own time (planning + execution, pg_stat_statements) summed
  // over every statement the app role ran since the last reset, and the
  // number of those statements.
  struct PgTime {
    double total_ms = 0;
    double statements = 0;
  };
  void reset_pg_time() { database_->exec("SELECT pg_stat_statements_reset()"); }
  PgTime pg_time() {
    const auto row = database_->exec(
        "SELECT coalesce(sum(total_plan_time + total_exec_time), 0)::float8, "
        "coalesce(sum(calls), 0)::float8 FROM pg_stat_statements WHERE " +
        app_statements() + " AND toplevel");
    return {std::stod(row.value(0, 0)), std::stod(row.value(0, 1))};
  }
  // The same statements one by one, per request, slowest first, as a JSON
  // array. With pg_stat_statements.track = all (bench.sh sets it for its
  // breakdown run) it includes what ran inside functions and triggers
  // (toplevel false), whose time the top-level call already contains.
  std::string pg_statements_json(double requests) {
    const auto row = database_->exec(
        "SELECT coalesce(json_agg(json_build_object('query', left(regexp_replace(query, '\\s+', ' ', 'g'), 110), "
        "'toplevel', toplevel, 'calls', calls / $1::float8, 'plan_us', total_plan_time * 1000 / $1::float8, "
        "'exec_us', total_exec_time * 1000 / $1::float8) ORDER BY total_plan_time + total_exec_time DESC), "
        "'[]')::text FROM pg_stat_statements WHERE " +
            app_statements(),
        {std::to_string(requests)});
    if (!row.ok) throw std::runtime_error("pg_stat_statements: " + row.error);
    return row.value(0, 0);
  }

  // A sandbox running `bootstrap`, as start_sandbox() starts it; for callers
  // that change it first (a wrapper command, a hook before the spawn).
  emulator::EmulatorOptions sandbox_options(bool with_secret = false, const std::string& bootstrap = bootstrap_path(),
                                            bool secret_over_tls = false) const {
    emulator::EmulatorOptions options;
    options.bootstrap_path = bootstrap;
    options.env = sandbox_env(with_secret, secret_over_tls);
    options.timeout_ms = 10000;
    return options;
  }

  static std::unique_ptr<emulator::RuntimeEmulator> start_sandbox(emulator::EmulatorOptions options) {
    auto started = emulator::RuntimeEmulator::start(std::move(options));
    if (!started) throw std::runtime_error("emulator: " + started.error().message);
    return std::move(started).value();
  }
  std::unique_ptr<emulator::RuntimeEmulator> start_sandbox(bool with_secret = false,
                                                           const std::string& bootstrap = bootstrap_path()) const {
    return start_sandbox(sandbox_options(with_secret, bootstrap));
  }

 private:
  BenchWorld() : database_(std::make_unique<test::TestDatabase>()) {
    // The tenant the targets were set for: 500 users.
    database_->exec(read_text(SHOPPULSE_SOURCE_DIR "/tests/bench/bench_data.sql"));
    // PostgreSQL's time per request comes from pg_stat_statements (pg.sh
    // preloads it in every test cluster).
    database_->exec("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    // A fresh clone has no hint bits, visibility map or statistics: its first
    // reads write pages. A production database has been vacuumed; so is this.
    if (const auto vacuumed = database_->exec("VACUUM (ANALYZE)"); !vacuumed.ok) {
      throw std::runtime_error("vacuum: " + vacuumed.error);
    }
    aws_ = std::make_unique<fakes::FakeAws>();
    for (const char* id : {"sales-overview", "marketing-performance", "fulfillment-operations", "finance-executive"}) {
      aws_->add_dashboard(id);
    }
    const auto& server = database_->server();
    const std::string secret = nlohmann::json{
        {"engine", "postgres"},
        {"host", server.host()},
        {"port", server.port()},
        {"username", std::string(test::kAppLoginRole)},
        {"password", std::string(test::kAppLoginPassword)},
        {"dbname",
         database_->name()}}.dump();
    aws_->put_secret(kSecretArn, secret);
    if (auto up = aws_->start(); !up) throw std::runtime_error("fake aws: " + up.error().message);

    auto identity = fakes::make_self_signed_identity();
    if (!identity) throw std::runtime_error("tls identity: " + identity.error().message);
    fakes::FakeAwsOptions tls_options;
    tls_options.tls_cert_pem = identity->cert_pem;
    tls_options.tls_key_pem = identity->key_pem;
    tls_aws_ = std::make_unique<fakes::FakeAws>(tls_options);
    tls_aws_->put_secret(kSecretArn, secret);
    if (auto up = tls_aws_->start(); !up) throw std::runtime_error("fake aws (tls): " + up.error().message);
    tls_bundle_path_ = "/tmp/shoppulse-bench-ca-" + std::to_string(::getpid()) + ".pem";
    std::ofstream bundle(tls_bundle_path_, std::ios::trunc);
    bundle << read_text("/etc/ssl/certs/ca-certificates.crt") << identity->cert_pem;
    if (!bundle.flush()) throw std::runtime_error("cannot write " + tls_bundle_path_);
  }
  ~BenchWorld() { std::remove(tls_bundle_path_.c_str()); }

  static std::string app_statements() {
    return "dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND userid = '" +
           std::string(test::kAppLoginRole) + "'::regrole";
  }

  std::unique_ptr<test::TestDatabase> database_;
  std::unique_ptr<fakes::FakeAws> aws_;
  std::unique_ptr<fakes::FakeAws> tls_aws_;  // the Secrets Manager stand-in over HTTPS
  std::string tls_bundle_path_;
};

// Fails the benchmark (not the process) with the invocation's error.
// main() of a driver that starts sandboxes: the BenchWorld first (so it is
// destroyed last), then `register_all`; `stop_sandboxes` runs before
// Google Benchmark shuts down (torn down during static destruction, an
// emulator's HTTP workers could still parse a request with httplib's
// function-local statics already gone).
template <typename Register, typename Stop>
int sandbox_bench_main(const char* name, int argc, char** argv, Register register_all, Stop stop_sandboxes) {
  try {
    BenchWorld::get();
    register_all();
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "%s: %s\n", name, e.what());
    return 1;
  }
  return run_benchmarks(argc, argv, stop_sandboxes);
}

inline bool check_invocation(benchmark::State& state, const emulator::InvocationResult& result) {
  if (result.ok()) return true;
  state.SkipWithError(("invocation failed: " + std::string(emulator::outcome_name(result.outcome)) + " " +
                       result.error_type + " " + result.body.substr(0, 300))
                          .c_str());
  return false;
}

}  // namespace shoppulse::bench
