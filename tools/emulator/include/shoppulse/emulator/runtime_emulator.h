#pragma once
// A local stand-in for one Lambda execution environment: it serves the Lambda
// Runtime API (2018-06-01) and the Extensions API (2020-01-01, internal
// extensions) on 127.0.0.1, runs the real bootstrap as a child process and
// hands it one invocation at a time, enforcing the rules Lambda enforces
// (request ids, one answer per invocation, 6 MB responses, deadline,
// extension registration and readiness, SIGTERM at shutdown only when an
// extension registered).
// N sandboxes = N instances. Used by integration tests, the replay tool, the
// local gateway and benchmarks; never linked into bootstrap.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "shoppulse/core/result.h"
#include "shoppulse/emulator/child_process.h"

namespace shoppulse::emulator {

// Lambda's synchronous response limit as enforced by the Runtime API
// (6 MiB + 100 bytes, the value in aws-lambda-runtime-interface-emulator).
inline constexpr std::size_t kMaxResponseBytes = 6 * 1024 * 1024 + 100;
inline constexpr std::string_view kDefaultFunctionName = "shoppulse-api";

enum class Fault {
  kNone,               // serve the Runtime API
  kRefuseConnections,  // nothing listens: connect() fails with ECONNREFUSED
  kResetConnections,   // accept, then close with RST before reading anything
};

struct EmulatorOptions {
  // Empty: no child process; something else (a test acting as the runtime,
  // a bootstrap started by hand) polls runtime_api().
  std::string bootstrap_path;
  std::vector<std::string> bootstrap_args;
  // Added to, or overriding, the Lambda environment built for the child.
  std::map<std::string, std::string> env;
  // Variables of that environment to leave out (e.g. AWS_LAMBDA_RUNTIME_API).
  std::vector<std::string> unset_env;
  int timeout_ms = 3000;               // function timeout: Lambda-Runtime-Deadline-Ms = now + this
  int init_timeout_ms = 10000;         // how long an event may wait for the first /next
  int timeout_grace_ms = 200;          // tolerance after the deadline before reporting kTimeout
  int stop_grace_ms = 500;             // stop()'s SIGTERM -> SIGKILL: Lambda's, internal extensions only
  bool restart_after_timeout = true;   // Lambda discards a sandbox that timed out
  bool forward_logs = false;           // copy the child's lines to our stderr
  std::uint16_t port = 0;              // 0: any free port
  Fault initial_fault = Fault::kNone;  // applied before the child starts
  // Serve the Extensions API (2020-01-01). false: its paths answer 404, as on
  // a platform without it, so nothing can register.
  bool extensions_api = true;
  std::string function_name{kDefaultFunctionName};
  std::string region = "us-east-1";
  int memory_mb = 512;
  // Runs before every spawn of the bootstrap, once the Runtime API listens
  // and before the cold-start clock starts (a benchmark drops the page cache
  // here). An error fails the spawn.
  std::function<Status()> before_spawn;
};

struct InvokeOptions {
  std::optional<int> timeout_ms;                // default: EmulatorOptions::timeout_ms
  std::optional<std::string> client_context;    // Lambda-Runtime-Client-Context
  std::optional<std::string> cognito_identity;  // Lambda-Runtime-Cognito-Identity
  std::optional<std::string> tenant_id;         // Lambda-Runtime-Aws-Tenant-Id (Invoke's X-Amz-Tenant-Id)
  // Lambda-Runtime-Trace-Id; default: a new sampled trace (Sampled=1), as
  // when the caller's tracing header asks for one.
  std::optional<std::string> trace_id;
};

struct InvocationResult {
  enum class Outcome { kResponse, kFunctionError, kInitError, kTimeout, kCrashed };

  Outcome outcome = Outcome::kCrashed;
  std::string request_id;
  std::string trace_id;
  long long deadline_ms = 0;  // as sent in Lambda-Runtime-Deadline-Ms; 0 if never delivered
  bool delivered = false;     // the runtime received the event on /next
  // kResponse: the function's response. Otherwise the error document: what the
  // runtime posted, or one the emulator wrote the way Lambda does
  // (Sandbox.Timedout, Runtime.ExitError, Function.ResponseSizeTooLarge).
  std::string body;
  std::string error_type;                 // Lambda-Runtime-Function-Error-Type, or the emulator's
  std::string xray_error_cause;           // Lambda-Runtime-Function-XRay-Error-Cause of an /error post
  std::string content_type;               // of the runtime's POST
  int post_status = 0;                    // status we answered that POST with (202, 413); 0 if none
  std::optional<ExitStatus> exit;         // kCrashed / kInitError once the process is gone
  std::chrono::microseconds pickup{0};    // invoke() -> event delivered on /next
  std::chrono::microseconds duration{0};  // delivered -> response/error received
  std::chrono::microseconds total{0};     // invoke() -> result

  [[nodiscard]] bool ok() const noexcept { return outcome == Outcome::kResponse; }
};

std::string_view outcome_name(InvocationResult::Outcome outcome) noexcept;

struct InitErrorReport {
  std::string error_type;  // Lambda-Runtime-Function-Error-Type
  std::string body;
  std::string xray_error_cause;  // Lambda-Runtime-Function-XRay-Error-Cause
};

// How stop() ends the process.
enum class StopPolicy {
  // As Lambda's Shutdown phase: SIGTERM, then SIGKILL after stop_grace_ms,
  // only when the process registered an extension; otherwise SIGKILL at once.
  kLambda,
  // SIGTERM, then SIGKILL after stop_grace_ms, registered or not: for a
  // stand-in runtime that cannot register (a shell script).
  kAlwaysSigterm,
};

// The signals a stop() sent.
enum class ShutdownPath {
  kSigkill,             // no SIGTERM: nothing registered (Lambda's rule)
  kSigterm,             // SIGTERM, and the process exited within the grace
  kSigtermThenSigkill,  // SIGTERM, then SIGKILL when the grace ran out
};

std::string_view shutdown_path_name(ShutdownPath path) noexcept;

class RuntimeEmulator {
 public:
  // Listens, then spawns the bootstrap (if any) pointed at us.
  static Result<std::unique_ptr<RuntimeEmulator>> start(EmulatorOptions options);

  RuntimeEmulator(const RuntimeEmulator&) = delete;
  RuntimeEmulator& operator=(const RuntimeEmulator&) = delete;
  ~RuntimeEmulator();

  [[nodiscard]] std::uint16_t port() const noexcept;
  [[nodiscard]] std::string runtime_api() const;  // "127.0.0.1:<port>"
  [[nodiscard]] const EmulatorOptions& options() const noexcept;
  // Events delivered at once: AWS_LAMBDA_MAX_CONCURRENCY of `env`, else 1.
  [[nodiscard]] std::size_t max_concurrency() const noexcept;

  // Blocks until the invocation ends (response, error, init error, deadline,
  // process exit). Invocations are serialised: one sandbox, one at a time.
  // With AWS_LAMBDA_MAX_CONCURRENCY=N in `env` (Lambda Managed Instances)
  // up to N run at once, each delivered to its own /next, from any number of
  // calling threads; a timeout then does not restart the process.
  // An already-failed init reports kInitError, a dead process kCrashed,
  // without waiting; call restart() to get a fresh process.
  InvocationResult invoke(std::string payload, const InvokeOptions& options = {});
  // The future must be waited for before the emulator is destroyed.
  std::future<InvocationResult> invoke_async(std::string payload, const InvokeOptions& options = {});

  // True once the current process has called /next (cold start complete).
  bool wait_for_next_poll(std::chrono::milliseconds timeout);
  // Cold start as Lambda's Init phase sees it: from spawning the current
  // process (just before the fork) to its first /next reaching the Runtime
  // API. Empty until that /next arrives.
  [[nodiscard]] std::optional<std::chrono::microseconds> time_to_first_next() const;
  [[nodiscard]] std::size_t next_calls() const;         // all /next requests received
  [[nodiscard]] std::size_t fault_connections() const;  // connections reset under kResetConnections
  [[nodiscard]] std::optional<InitErrorReport> init_error() const;

  [[nodiscard]] std::vector<std::string> stdout_lines() const;
  [[nodiscard]] std::vector<std::string> stderr_lines() const;
  void clear_logs();

  [[nodiscard]] pid_t pid() const;  // 0 without a running child
  [[nodiscard]] bool running() const;
  [[nodiscard]] std::optional<ExitStatus> last_exit() const;
  std::optional<ExitStatus> wait_for_exit(std::chrono::milliseconds timeout);

  // Kills any current process and starts a new one (a new sandbox's init).
  Status restart();
  // Ends the process as `policy` says (Lambda's rule by default); nullopt if
  // there was no process.
  std::optional<ExitStatus> stop(StopPolicy policy = StopPolicy::kLambda);
  // The current (or last) process registered an extension.
  [[nodiscard]] bool extensions_registered() const;
  // What the last stop() sent; empty before the first.
  [[nodiscard]] std::optional<ShutdownPath> last_shutdown_path() const;

  // Fault injection for the runtime's retry logic. Switching away from kNone
  // also drops connections parked in a /next long poll.
  Status set_fault(Fault fault);
  Status refuse_connections() { return set_fault(Fault::kRefuseConnections); }
  Status reset_connections() { return set_fault(Fault::kResetConnections); }
  Status accept_connections() { return set_fault(Fault::kNone); }

  struct Impl;

 private:
  explicit RuntimeEmulator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The environment Lambda gives a provided.al2023 runtime, pointed at
// `runtime_api`, plus/minus the caller's changes. Exposed for tests.
std::vector<std::string> lambda_environment(const EmulatorOptions& options, const std::string& runtime_api);

}  // namespace shoppulse::emulator
