#include "shoppulse/emulator/child_process.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <spawn.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shoppulse/core/unique_fd.h"

namespace shoppulse::emulator {
namespace {

struct SpawnAttributes {
  posix_spawn_file_actions_t actions{};
  posix_spawnattr_t attr{};
  SpawnAttributes() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
  ~SpawnAttributes() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

Error spawn_error(const std::string& what, int err) {
  return Error::make(ErrorKind::kInternal, "spawn_failed", what + ": " + std::strerror(err));
}

double cpu_seconds(const rusage& usage) {
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

ExitStatus decode_status(int status, const rusage& usage) {
  ExitStatus exit;
  if (WIFEXITED(status)) {
    exit.exited = true;
    exit.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    exit.signal = WTERMSIG(status);
  }
  exit.cpu_seconds = cpu_seconds(usage);
  return exit;
}

}  // namespace

std::string ExitStatus::describe() const {
  if (exited) return "exit status " + std::to_string(code);
  return std::string("signal: ") + (signal > 0 ? ::strsignal(signal) : "unknown");
}

Result<std::unique_ptr<ChildProcess>> ChildProcess::spawn(SpawnOptions options) {
  int out_pipe[2];
  int err_pipe[2];
  // O_CLOEXEC: emulators spawn concurrently; a sibling child must not inherit
  // our pipe ends, or we would never see EOF.
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return fail(spawn_error("pipe2", errno));
  UniqueFd out_read(out_pipe[0]);
  UniqueFd out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) return fail(spawn_error("pipe2", errno));
  UniqueFd err_read(err_pipe[0]);
  UniqueFd err_write(err_pipe[1]);

  SpawnAttributes spawn;
  posix_spawn_file_actions_addopen(&spawn.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&spawn.actions, out_write.get(), 1);
  posix_spawn_file_actions_adddup2(&spawn.actions, err_write.get(), 2);
  // The emulator's listening and accepted sockets must not leak into the
  // child: a leaked listener keeps accepting after refuse_connections().
  posix_spawn_file_actions_addclosefrom_np(&spawn.actions, 3);

  // Own process group so stop() can signal everything bootstrap started.
  // Reset the signal mask and dispositions: test runners and the HTTP server
  // threads block or ignore signals, and exec would inherit that.
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int signo : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGQUIT}) sigaddset(&defaults, signo);
  posix_spawnattr_setpgroup(&spawn.attr, 0);
  posix_spawnattr_setsigmask(&spawn.attr, &empty_mask);
  posix_spawnattr_setsigdefault(&spawn.attr, &defaults);
  posix_spawnattr_setflags(&spawn.attr,
                           static_cast<short>(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));

  std::vector<char*> argv;
  argv.push_back(options.path.data());
  for (auto& arg : options.args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& entry : options.env) envp.push_back(entry.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, options.path.c_str(), &spawn.actions, &spawn.attr, argv.data(), envp.data());
  if (rc != 0) return fail(spawn_error("posix_spawn " + options.path, rc));

  out_write.reset();
  err_write.reset();
  return std::unique_ptr<ChildProcess>(
      new ChildProcess(pid, out_read.release(), err_read.release(), std::move(options)));
}

ChildProcess::ChildProcess(pid_t pid, int out_fd, int err_fd, SpawnOptions options)
    : pid_(pid), out_fd_(out_fd), err_fd_(err_fd), options_(std::move(options)) {
  monitor_ = std::thread([this] { monitor(); });
}

ChildProcess::~ChildProcess() {
  signal_group(SIGKILL);
  if (monitor_.joinable()) monitor_.join();
  if (out_fd_ >= 0) ::close(out_fd_);
  if (err_fd_ >= 0) ::close(err_fd_);
}

bool ChildProcess::running() const {
  std::lock_guard lock(mutex_);
  return !reaped_;
}

void ChildProcess::signal_group(int signo) {
  std::lock_guard lock(mutex_);
  if (!reaped_) ::kill(-pid_, signo);
}

std::optional<ExitStatus> ChildProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  exited_cv_.wait_for(lock, timeout, [this] { return exit_.has_value(); });
  return exit_;
}

ExitStatus ChildProcess::terminate(std::chrono::milliseconds grace) {
  signal_group(SIGTERM);
  if (auto status = wait_for_exit(grace)) return *status;
  signal_group(SIGKILL);
  std::unique_lock lock(mutex_);
  exited_cv_.wait(lock, [this] { return exit_.has_value(); });
  return *exit_;
}

void ChildProcess::monitor() {
  struct Pipe {
    int fd;
    Stream stream;
    std::string partial;
    bool open = true;
  };
  std::array<Pipe, 2> pipes{Pipe{out_fd_, Stream::kStdout, {}}, Pipe{err_fd_, Stream::kStderr, {}}};

  auto emit = [this](Stream stream, std::string line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (options_.on_line) options_.on_line(stream, std::move(line));
  };

  std::optional<ExitStatus> status;
  std::chrono::steady_clock::time_point drain_deadline{};
  char buffer[65536];
  while (pipes[0].open || pipes[1].open) {
    std::array<pollfd, 2> fds{};
    nfds_t count = 0;
    std::array<Pipe*, 2> polled{};
    for (auto& p : pipes) {
      if (!p.open) continue;
      fds[count] = pollfd{p.fd, POLLIN, 0};
      polled[count] = &p;
      ++count;
    }
    // Short timeout: lets us notice the exit even when a grandchild keeps a
    // pipe open, and bound how long we keep draining after the reap.
    const int ready = ::poll(fds.data(), count, 50);
    if (ready < 0 && errno != EINTR) break;
    for (nfds_t i = 0; i < count && ready > 0; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      Pipe& p = *polled[i];
      const ssize_t n = ::read(p.fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        p.open = false;
        if (!p.partial.empty()) emit(p.stream, std::move(p.partial));
        p.partial.clear();
        continue;
      }
      p.partial.append(buffer, static_cast<std::size_t>(n));
      std::size_t start = 0;
      for (std::size_t nl = p.partial.find('\n'); nl != std::string::npos; nl = p.partial.find('\n', start)) {
        emit(p.stream, p.partial.substr(start, nl - start));
        start = nl + 1;
      }
      p.partial.erase(0, start);
    }
    if (!status) {
      int raw = 0;
      rusage usage{};
      if (::wait4(pid_, &raw, WNOHANG, &usage) == pid_) {
        status = decode_status(raw, usage);
        std::lock_guard lock(mutex_);
        reaped_ = true;
        drain_deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
      }
    } else if (std::chrono::steady_clock::now() > drain_deadline) {
      break;
    }
  }
  for (auto& p : pipes) {
    if (!p.partial.empty()) emit(p.stream, std::move(p.partial));
  }
  if (!status) {
    int raw = 0;
    rusage usage{};
    while (::wait4(pid_, &raw, 0, &usage) < 0 && errno == EINTR) {
    }
    status = decode_status(raw, usage);
    std::lock_guard lock(mutex_);
    reaped_ = true;
  }
  if (options_.on_exit) options_.on_exit(*status);
  {
    std::lock_guard lock(mutex_);
    exit_ = status;
  }
  exited_cv_.notify_all();
}

}  // namespace shoppulse::emulator
