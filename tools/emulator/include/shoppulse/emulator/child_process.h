#pragma once
// One spawned program in its own process group, with stdout and stderr read
// line by line on a monitor thread. The destructor kills the group and reaps
// it, so a failing test never leaks a bootstrap process into the next one.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

#include "shoppulse/core/result.h"

namespace shoppulse::emulator {

enum class Stream { kStdout, kStderr };

struct ExitStatus {
  bool exited = false;  // true: normal exit with `code`; false: killed by `signal`
  int code = -1;
  int signal = 0;
  double cpu_seconds = 0;  // user + system time of the process (busy-loop detection)

  [[nodiscard]] bool success() const noexcept { return exited && code == 0; }
  [[nodiscard]] std::string describe() const;
};

struct SpawnOptions {
  std::string path;
  std::vector<std::string> args;  // argv[1..]
  std::vector<std::string> env;   // complete environment, "K=V"; nothing is inherited
  std::function<void(Stream, std::string)> on_line;
  // Called once, on the monitor thread, after the process was reaped and its
  // pipes drained (bounded wait, in case a grandchild keeps them open).
  std::function<void(const ExitStatus&)> on_exit;
};

class ChildProcess {
 public:
  static Result<std::unique_ptr<ChildProcess>> spawn(SpawnOptions options);

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  [[nodiscard]] bool running() const;

  // Signals the whole process group; a no-op once the child was reaped (its
  // pid may already belong to someone else).
  void signal_group(int signo);

  std::optional<ExitStatus> wait_for_exit(std::chrono::milliseconds timeout);

  // SIGTERM, then SIGKILL if still alive after `grace`. Waits for the reap.
  ExitStatus terminate(std::chrono::milliseconds grace);

 private:
  ChildProcess(pid_t pid, int out_fd, int err_fd, SpawnOptions options);
  void monitor();

  pid_t pid_;
  int out_fd_;
  int err_fd_;
  SpawnOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable exited_cv_;
  std::optional<ExitStatus> exit_;  // set once reaped
  bool reaped_ = false;
  std::thread monitor_;
};

}  // namespace shoppulse::emulator
