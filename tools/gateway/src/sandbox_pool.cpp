#include "shoppulse/gateway/sandbox_pool.h"

#include <algorithm>

namespace shoppulse::gateway {

using emulator::InvocationResult;
using emulator::RuntimeEmulator;

SandboxPool::SandboxPool(PoolOptions options, const Logger& logger) : options_(std::move(options)), logger_(logger) {}

Result<std::unique_ptr<SandboxPool>> SandboxPool::start(PoolOptions options, const Logger& logger) {
  if (options.size < 1) return fail(Error::make(ErrorKind::kInvalidInput, "invalid_pool", "need at least one sandbox"));
  std::unique_ptr<SandboxPool> pool(new SandboxPool(std::move(options), logger));
  for (int i = 0; i < pool->options_.size; ++i) {
    emulator::EmulatorOptions emu;
    emu.bootstrap_path = pool->options_.bootstrap_path;
    emu.env = pool->options_.env;
    emu.timeout_ms = pool->options_.function_timeout_ms;
    emu.init_timeout_ms = pool->options_.init_timeout_ms;
    emu.forward_logs = pool->options_.forward_logs;
    emu.function_name = pool->options_.function_name;
    emu.region = pool->options_.region;
    emu.memory_mb = pool->options_.memory_mb;
    auto started = RuntimeEmulator::start(std::move(emu));
    if (!started) return fail(std::move(started).error());
    pool->sandboxes_.push_back(std::move(started).value());
    pool->free_.push_back(static_cast<std::size_t>(i));
  }
  return pool;
}

SandboxPool::~SandboxPool() {
  shutdown();
  // Every background invocation ends once its process is gone; only then may
  // the emulators (which those futures reference) be destroyed.
  std::list<std::thread> drains;
  {
    std::lock_guard lock(drain_mutex_);
    drains.swap(drains_);
  }
  for (auto& thread : drains) thread.join();
}

std::size_t SandboxPool::wait_ready(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t ready = 0;
  for (std::size_t i = 0; i < sandboxes_.size(); ++i) {
    RuntimeEmulator& sandbox = *sandboxes_[i];
    const auto left =
        std::max(std::chrono::milliseconds(0),
                 std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    if (sandbox.wait_for_next_poll(left)) {
      ++ready;
      logger_.info("sandbox ready", {{"sandbox", i}, {"pid", sandbox.pid()}});
    } else if (auto init_error = sandbox.init_error()) {
      logger_.error("sandbox init failed", {{"sandbox", i}, {"errorType", init_error->error_type}});
    } else {
      logger_.warn("sandbox not ready yet", {{"sandbox", i}, {"running", sandbox.running()}});
    }
    sandbox.clear_logs();
  }
  return ready;
}

std::vector<pid_t> SandboxPool::pids() const {
  std::vector<pid_t> out;
  for (const auto& sandbox : sandboxes_) {
    if (const pid_t pid = sandbox->pid(); pid != 0) out.push_back(pid);
  }
  return out;
}

std::optional<std::size_t> SandboxPool::acquire(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  if (!freed_.wait_until(lock, deadline, [this] { return closing_ || !free_.empty(); }) || closing_) {
    return std::nullopt;
  }
  const std::size_t index = free_.back();
  free_.pop_back();
  return index;
}

void SandboxPool::release(std::size_t index) {
  {
    std::lock_guard lock(mutex_);
    free_.push_back(index);
  }
  freed_.notify_one();
}

void SandboxPool::drain_in_background(std::size_t index, std::future<InvocationResult> pending) {
  std::lock_guard lock(drain_mutex_);
  drains_.emplace_back([this, index, pending = std::move(pending)]() mutable {
    const InvocationResult late = pending.get();
    logger_.warn("late invocation ended", {{"sandbox", index},
                                           {"outcome", emulator::outcome_name(late.outcome)},
                                           {"durationMs", static_cast<double>(late.duration.count()) / 1000.0}});
    sandboxes_[index]->clear_logs();
    release(index);
  });
}

PoolInvocation SandboxPool::invoke(std::string payload, std::chrono::steady_clock::time_point deadline) {
  PoolInvocation out;
  const auto index = acquire(deadline);
  if (!index) return out;
  out.sandbox = *index;
  RuntimeEmulator& sandbox = *sandboxes_[*index];
  if (!sandbox.running()) {
    bool closing = false;
    {
      std::lock_guard lock(mutex_);
      closing = closing_;
    }
    if (closing) {
      release(*index);
      return out;
    }
    // The previous process crashed, failed init or timed out: a new sandbox.
    if (Status restarted = sandbox.restart(); !restarted) {
      logger_.error("sandbox restart failed", {{"sandbox", *index}, {"error", restarted.error().message}});
    } else {
      logger_.info("sandbox restarted", {{"sandbox", *index}, {"pid", sandbox.pid()}});
    }
  }
  out.pid = sandbox.pid();
  std::future<InvocationResult> pending = sandbox.invoke_async(std::move(payload));
  if (pending.wait_until(deadline) != std::future_status::ready) {
    out.kind = PoolInvocation::Kind::kIntegrationTimeout;
    drain_in_background(*index, std::move(pending));
    return out;
  }
  out.kind = PoolInvocation::Kind::kCompleted;
  out.result = pending.get();
  sandbox.clear_logs();  // forwarded already; the emulator would keep them forever
  release(*index);
  return out;
}

void SandboxPool::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (closing_) return;
    closing_ = true;
  }
  freed_.notify_all();
  for (auto& sandbox : sandboxes_) (void)sandbox->stop();
}

}  // namespace shoppulse::gateway
