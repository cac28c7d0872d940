#pragma once
// N Lambda sandboxes: N RuntimeEmulator instances, each running one real
// bootstrap process that serves one invocation at a time, as Lambda does. A
// request waits for a free sandbox; a crashed or failed one is replaced when
// next used (a new init, as Lambda would); a sandbox whose invocation outlived
// the integration timeout is returned only once that invocation has ended.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <future>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

#include "shoppulse/core/log.h"
#include "shoppulse/core/result.h"
#include "shoppulse/emulator/runtime_emulator.h"

namespace shoppulse::gateway {

struct PoolOptions {
  std::string bootstrap_path;
  std::map<std::string, std::string> env;  // added to the Lambda environment of every sandbox
  int size = 2;
  int function_timeout_ms = 15000;  // the Lambda function timeout (infra default 15 s)
  int init_timeout_ms = 10000;
  bool forward_logs = true;  // bootstrap's lines to our stderr
  std::string function_name{emulator::kDefaultFunctionName};
  std::string region = "us-east-1";
  int memory_mb = 256;
};

struct PoolInvocation {
  enum class Kind {
    kCompleted,           // `result` holds what the function did (response, error, crash, Lambda timeout)
    kIntegrationTimeout,  // the caller's deadline passed first; the invocation goes on in the background
    kNoSandbox,           // no sandbox became free before the deadline, or the pool is shutting down
  };
  Kind kind = Kind::kNoSandbox;
  emulator::InvocationResult result;
  std::size_t sandbox = 0;
  pid_t pid = 0;
};

class SandboxPool {
 public:
  static Result<std::unique_ptr<SandboxPool>> start(PoolOptions options, const Logger& logger);
  SandboxPool(const SandboxPool&) = delete;
  SandboxPool& operator=(const SandboxPool&) = delete;
  ~SandboxPool();

  // Logs each sandbox's init result ("sandbox ready" with its pid, or the
  // init error); returns how many are ready.
  std::size_t wait_ready(std::chrono::milliseconds timeout);

  PoolInvocation invoke(std::string payload, std::chrono::steady_clock::time_point deadline);

  // Stops every bootstrap (SIGTERM, then SIGKILL); waiting and later requests
  // get kNoSandbox. Idempotent.
  void shutdown();

  [[nodiscard]] std::size_t size() const noexcept { return sandboxes_.size(); }
  [[nodiscard]] std::vector<pid_t> pids() const;

 private:
  SandboxPool(PoolOptions options, const Logger& logger);
  std::optional<std::size_t> acquire(std::chrono::steady_clock::time_point deadline);
  void release(std::size_t index);
  void drain_in_background(std::size_t index, std::future<emulator::InvocationResult> pending);

  PoolOptions options_;
  const Logger& logger_;
  std::vector<std::unique_ptr<emulator::RuntimeEmulator>> sandboxes_;

  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::size_t> free_;
  bool closing_ = false;

  std::mutex drain_mutex_;
  std::list<std::thread> drains_;
};

}  // namespace shoppulse::gateway
