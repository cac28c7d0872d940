#include "invocation_broker.h"

#include <algorithm>
#include <cstdio>

#include "shoppulse/core/ascii.h"
#include "shoppulse/emulator/ids.h"

namespace shoppulse::emulator {
namespace {

using Clock = std::chrono::steady_clock;
using Outcome = InvocationResult::Outcome;

long long epoch_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::chrono::microseconds micros(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d);
}

// Bodies and messages as aws-lambda-runtime-interface-emulator renders them.
HttpReply accepted() {
  return {202, R"({"status":"OK"})"};
}
HttpReply invalid_request_id() {
  return {400, error_json("InvalidRequestID", "Invalid request ID")};
}
HttpReply invalid_state(std::string_view from, std::string_view to) {
  return {403,
          error_json("InvalidStateTransition", "State transition from " + std::string(from) + " to " + std::string(to) +
                                                   " failed for runtime. Error: State transition is not allowed")};
}
HttpReply too_large() {
  return {413, error_json("RequestEntityTooLarge",
                          "Exceeded maximum allowed payload size (" + std::to_string(kMaxResponseBytes) + " bytes).")};
}

std::string exit_message(const ExitStatus& status) {
  // Lambda formats this with Go's ProcessState: "exit status 1", "signal: killed".
  return status.exited ? status.describe() : "signal: " + ascii::lower(status.describe().substr(8));
}

}  // namespace

struct InvocationBroker::Invocation {
  enum class State { kQueued, kDelivered, kDone };
  State state = State::kQueued;
  Delivery delivery;
  int timeout_ms = 0;
  Clock::time_point queued_at = Clock::now();
  Clock::time_point delivered_at{};
  InvocationResult result;
};

NextResult InvocationBroker::wait_next() {
  std::unique_lock lock(mutex_);
  if (paused_ || stopping_) return {};
  ++next_calls_;
  if (!polled_ && has_process_) time_to_first_next_ = micros(Clock::now() - started_at_);
  polled_ = true;
  extensions_.close_registration();  // the runtime is ready: init is ending
  cv_.notify_all();
  if (init_error_) return {std::nullopt, invalid_state("RuntimeInitErrorState", "RuntimeReadyState")};
  if (max_concurrency_ == 1 && !delivered_.empty()) {
    // The runtime asks for more work without answering the event it holds.
    return {std::nullopt, invalid_state("RuntimeInvocationState", "RuntimeReadyState")};
  }
  const std::uint64_t generation = generation_;
  const std::uint64_t abandon = abandon_epoch_;
  cv_.wait(lock, [&] {
    return stopping_ || generation != generation_ || abandon != abandon_epoch_ ||
           (!queued_.empty() && delivered_.size() < max_concurrency_ && extensions_.all_ready());
  });
  if (stopping_ || generation != generation_ || abandon != abandon_epoch_) return {};

  std::shared_ptr<Invocation> next = std::move(queued_.front());
  queued_.pop_front();
  Invocation& inv = *next;
  inv.state = Invocation::State::kDelivered;
  inv.delivered_at = Clock::now();
  inv.delivery.deadline_ms = epoch_ms_now() + inv.timeout_ms;
  inv.result.delivered = true;
  inv.result.deadline_ms = inv.delivery.deadline_ms;
  inv.result.pickup = micros(inv.delivered_at - inv.queued_at);
  delivered_.emplace(inv.delivery.request_id, std::move(next));
  extensions_.on_invoke({inv.delivery.request_id, inv.delivery.deadline_ms, inv.delivery.trace_id});
  cv_.notify_all();
  return {inv.delivery, std::nullopt};
}

ExtensionRegistration InvocationBroker::register_extension(std::string_view name, std::string_view body) {
  const std::lock_guard lock(mutex_);
  return extensions_.register_extension(name, body);
}

ExtensionNextResult InvocationBroker::wait_extension_event(std::string_view identifier) {
  std::unique_lock lock(mutex_);
  if (paused_ || stopping_) return {};
  if (auto refused = extensions_.begin_wait(identifier)) return {std::nullopt, std::move(refused)};
  cv_.notify_all();  // an event may have been waiting for this extension to be ready
  const std::uint64_t generation = generation_;
  const std::uint64_t abandon = abandon_epoch_;
  cv_.wait(lock, [&] {
    return stopping_ || generation != generation_ || abandon != abandon_epoch_ || extensions_.has_event(identifier);
  });
  if (stopping_ || generation != generation_ || abandon != abandon_epoch_) return {};
  ExtensionNextResult result{extensions_.take_event(identifier), std::nullopt};
  cv_.notify_all();
  return result;
}

std::shared_ptr<InvocationBroker::Invocation> InvocationBroker::delivered_locked(const std::string& request_id) const {
  const auto found = delivered_.find(request_id);
  return found == delivered_.end() ? nullptr : found->second;
}

std::vector<std::shared_ptr<InvocationBroker::Invocation>> InvocationBroker::pending_locked() const {
  std::vector<std::shared_ptr<Invocation>> pending;
  pending.reserve(delivered_.size() + queued_.size());
  for (const auto& [id, inv] : delivered_) pending.push_back(inv);
  std::sort(pending.begin(), pending.end(),
            [](const auto& a, const auto& b) { return a->delivered_at < b->delivered_at; });
  pending.insert(pending.end(), queued_.begin(), queued_.end());
  return pending;
}

HttpReply InvocationBroker::post_response(const std::string& request_id, std::string body, std::string content_type) {
  std::lock_guard lock(mutex_);
  const std::shared_ptr<Invocation> inv = delivered_locked(request_id);
  if (!inv) {
    if (finished_ids_.count(request_id) != 0) {
      return invalid_state("RuntimeResponseSentState", "RuntimeInvocationResponseState");
    }
    return invalid_request_id();
  }
  inv->result.content_type = std::move(content_type);
  if (body.size() > kMaxResponseBytes) {
    // Lambda turns the invocation into a function error and tells the runtime.
    complete_locked(
        *inv, Outcome::kFunctionError,
        error_json("Function.ResponseSizeTooLarge", "Response payload size (" + std::to_string(body.size()) +
                                                        " bytes) exceeded maximum allowed payload size (" +
                                                        std::to_string(kMaxResponseBytes) + " bytes)."),
        "Function.ResponseSizeTooLarge", 413);
    return too_large();
  }
  complete_locked(*inv, Outcome::kResponse, std::move(body), "", 202);
  return accepted();
}

HttpReply InvocationBroker::post_error(const std::string& request_id, std::string error_type, std::string body,
                                       std::string content_type, std::string xray_error_cause) {
  std::lock_guard lock(mutex_);
  const std::shared_ptr<Invocation> inv = delivered_locked(request_id);
  if (!inv) {
    if (finished_ids_.count(request_id) != 0) {
      return invalid_state("RuntimeResponseSentState", "RuntimeInvocationErrorResponseState");
    }
    return invalid_request_id();
  }
  inv->result.content_type = std::move(content_type);
  inv->result.xray_error_cause = std::move(xray_error_cause);
  complete_locked(*inv, Outcome::kFunctionError, std::move(body), std::move(error_type), 202);
  return accepted();
}

HttpReply InvocationBroker::post_init_error(const std::string& error_type, const std::string& body,
                                            const std::string& xray_error_cause) {
  std::lock_guard lock(mutex_);
  if (init_error_) return invalid_state("RuntimeInitErrorState", "RuntimeInitErrorState");
  init_error_ = InitErrorReport{error_type, body, xray_error_cause};
  // Lambda answers the invocations that triggered the init with the init error.
  for (const auto& inv : pending_locked()) complete_locked(*inv, Outcome::kInitError, body, error_type, 202);
  return accepted();
}

void InvocationBroker::complete_locked(Invocation& inv, Outcome outcome, std::string body, std::string error_type,
                                       int post_status) {
  const auto now = Clock::now();
  inv.state = Invocation::State::kDone;
  inv.result.outcome = outcome;
  inv.result.body = std::move(body);
  inv.result.error_type = std::move(error_type);
  inv.result.post_status = post_status;
  if (inv.result.delivered) inv.result.duration = micros(now - inv.delivered_at);
  inv.result.total = micros(now - inv.queued_at);
  if (inv.result.delivered && finished_ids_.insert(inv.delivery.request_id).second) {
    finished_order_.push_back(inv.delivery.request_id);
    if (finished_order_.size() > 1024) {
      finished_ids_.erase(finished_order_.front());
      finished_order_.pop_front();
    }
  }
  delivered_.erase(inv.delivery.request_id);
  std::erase_if(queued_, [&inv](const auto& queued) { return queued.get() == &inv; });
  cv_.notify_all();
}

InvocationResult InvocationBroker::invoke(std::string payload, const InvokeOptions& options,
                                          const InvocationTimeouts& timeouts) {
  auto inv = std::make_shared<Invocation>();
  inv->delivery.request_id = make_request_id();
  inv->delivery.trace_id = options.trace_id.value_or(make_trace_id(epoch_ms_now() / 1000));
  inv->delivery.payload = std::move(payload);
  inv->delivery.client_context = options.client_context;
  inv->delivery.cognito_identity = options.cognito_identity;
  inv->delivery.tenant_id = options.tenant_id;
  inv->timeout_ms = options.timeout_ms.value_or(timeouts.timeout_ms);
  inv->result.request_id = inv->delivery.request_id;
  inv->result.trace_id = inv->delivery.trace_id;

  std::unique_lock lock(mutex_);
  if (stopping_) {
    inv->result.exit = last_exit_;
    complete_locked(*inv, Outcome::kCrashed, error_json("Runtime.ExitError", "emulator stopped"), "Runtime.ExitError",
                    0);
    return inv->result;
  }
  if (init_error_) {
    inv->result.exit = last_exit_;
    complete_locked(*inv, Outcome::kInitError, init_error_->body, init_error_->error_type, 0);
    return inv->result;
  }
  if (has_process_ && !process_alive_) {
    inv->result.exit = last_exit_;
    complete_locked(*inv, Outcome::kCrashed,
                    error_json("Runtime.ExitError", "RequestId: " + inv->delivery.request_id +
                                                        " Error: Runtime exited with error: " +
                                                        (last_exit_ ? exit_message(*last_exit_) : "unknown")),
                    "Runtime.ExitError", 0);
    return inv->result;
  }
  queued_.push_back(inv);
  cv_.notify_all();

  const auto pickup_deadline = inv->queued_at + std::chrono::milliseconds(timeouts.init_timeout_ms);
  while (inv->state != Invocation::State::kDone) {
    const auto limit = inv->state == Invocation::State::kQueued
                           ? pickup_deadline
                           : inv->delivered_at + std::chrono::milliseconds(inv->timeout_ms + timeouts.grace_ms);
    if (cv_.wait_until(lock, limit) == std::cv_status::timeout && inv->state != Invocation::State::kDone &&
        Clock::now() >= limit) {
      char seconds[32];
      (void)std::snprintf(seconds, sizeof seconds, "%.2f", static_cast<double>(inv->timeout_ms) / 1000.0);
      std::string what = std::string("Task timed out after ") + seconds + " seconds";
      if (inv->state == Invocation::State::kQueued) {
        what = polled_ && !extensions_.all_ready() ? "A registered extension did not call /extension/event/next within "
                                                   : "Runtime did not ask for the event (no /next) within ";
        what += std::to_string(timeouts.init_timeout_ms) + " ms";
      }
      complete_locked(*inv, Outcome::kTimeout,
                      error_json("Sandbox.Timedout", "RequestId: " + inv->delivery.request_id + " Error: " + what),
                      "Sandbox.Timedout", 0);
    }
  }
  return inv->result;
}

std::uint64_t InvocationBroker::process_started() {
  std::lock_guard lock(mutex_);
  ++generation_;
  has_process_ = true;
  process_alive_ = true;
  polled_ = false;
  started_at_ = Clock::now();
  time_to_first_next_.reset();
  extensions_.reset();
  init_error_.reset();
  last_exit_.reset();
  cv_.notify_all();
  return generation_;
}

void InvocationBroker::process_exited(std::uint64_t generation, const ExitStatus& status) {
  std::lock_guard lock(mutex_);
  if (generation != generation_) return;
  process_alive_ = false;
  last_exit_ = status;
  ++generation_;  // parked /next waits belonged to the dead process
  for (const auto& pending : pending_locked()) {
    Invocation& inv = *pending;
    inv.result.exit = status;
    if (init_error_) {
      complete_locked(inv, Outcome::kInitError, init_error_->body, init_error_->error_type, 0);
    } else {
      complete_locked(inv, Outcome::kCrashed,
                      error_json("Runtime.ExitError", "RequestId: " + inv.delivery.request_id +
                                                          " Error: Runtime exited with error: " + exit_message(status)),
                      "Runtime.ExitError", 0);
    }
  }
  cv_.notify_all();
}

void InvocationBroker::external_runtime() {
  std::lock_guard lock(mutex_);
  ++generation_;
  has_process_ = false;
  process_alive_ = false;
  polled_ = false;
  init_error_.reset();
  extensions_.reset();
  cv_.notify_all();
}

void InvocationBroker::pause_runtime_api(bool paused) {
  std::lock_guard lock(mutex_);
  paused_ = paused;
  ++abandon_epoch_;
  cv_.notify_all();
}

void InvocationBroker::shutdown() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
  for (const auto& inv : pending_locked()) {
    inv->result.exit = last_exit_;
    complete_locked(*inv, Outcome::kCrashed, error_json("Runtime.ExitError", "emulator stopped"), "Runtime.ExitError",
                    0);
  }
  cv_.notify_all();
}

bool InvocationBroker::wait_for_next_poll(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [this] { return polled_; });
}

std::optional<std::chrono::microseconds> InvocationBroker::time_to_first_next() const {
  std::lock_guard lock(mutex_);
  return time_to_first_next_;
}

std::size_t InvocationBroker::next_calls() const {
  std::lock_guard lock(mutex_);
  return next_calls_;
}

std::optional<InitErrorReport> InvocationBroker::init_error() const {
  std::lock_guard lock(mutex_);
  return init_error_;
}

std::optional<ExitStatus> InvocationBroker::last_exit() const {
  std::lock_guard lock(mutex_);
  return last_exit_;
}

bool InvocationBroker::extensions_registered() const {
  std::lock_guard lock(mutex_);
  return extensions_.size() != 0;
}

std::string_view outcome_name(InvocationResult::Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::kResponse: return "response";
    case Outcome::kFunctionError: return "function_error";
    case Outcome::kInitError: return "init_error";
    case Outcome::kTimeout: return "timeout";
    case Outcome::kCrashed: return "crashed";
  }
  return "unknown";
}

}  // namespace shoppulse::emulator
